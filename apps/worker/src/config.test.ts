import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('worker configuration', () => {
  it('serves the default queue unless SLUICE_WORKER_QUEUES names others', () => {
    expect(loadConfig({}).SLUICE_WORKER_QUEUES).toEqual(['default']);
    expect(loadConfig({ SLUICE_WORKER_QUEUES: 'default, heavy' }).SLUICE_WORKER_QUEUES).toEqual(['default', 'heavy']);
  });

  it('names a queue that is not an id', () => {
    expect(() => loadConfig({ SLUICE_WORKER_QUEUES: 'heavy,a:b' })).toThrow(
      /SLUICE_WORKER_QUEUES\.1: each queue name must use 1-250 letters/,
    );
    expect(() => loadConfig({ SLUICE_WORKER_QUEUES: 'heavy,' })).toThrow(/SLUICE_WORKER_QUEUES\.1/);
  });
});
