import { dag, fn, shell } from '@sluice/sdk';

export const pipeline = dag({
  id: 'e2e_pipeline',
  schedule: null,
  start: '2026-01-01',
  description: 'extract → transform → load, for the browser test',
  tags: ['e2e'],
});
const extract = pipeline.task(
  'extract',
  fn(async () => ({ rows: 3 })),
);
const transform = pipeline.task(
  'transform',
  { upstream: [extract] },
  fn(async (ctx) => ctx.output(extract).rows * 2),
);
pipeline.task('load', { upstream: [transform] }, shell({ command: 'echo loaded' }));
