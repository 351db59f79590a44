import { expect, it } from 'vitest';
import { glueWorkerTypes } from './aws-values';

it('names every worker type Glue’s StartJobRun accepts', () => {
  expect(glueWorkerTypes).toEqual([
    'Standard',
    'G.1X',
    'G.2X',
    'G.4X',
    'G.8X',
    'G.12X',
    'G.16X',
    'G.025X',
    'Z.2X',
    'R.1X',
    'R.2X',
    'R.4X',
    'R.8X',
  ]);
});
