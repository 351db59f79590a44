/**
 * Worker queues: a task that names a queue is run only by a worker serving
 * it, both when the scheduler queues it and when a worker's fast path finds
 * it ready; the worker whose try just ended hands it to its queue instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

const source = `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'queues', schedule: null, start: '2026-01-01' });
const first = d.task('first', fn(async () => 1));
const heavy = d.task('heavy', { upstream: [first], queue: 'heavy' }, fn(async () => 2));
const after = d.task('after', { upstream: [heavy] }, fn(async () => 3));
d.task('heavy_root', { queue: 'heavy' }, fn(async () => 4));
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ dags: { 'queues.ts': source }, worker: false });
  await h.startWorker({ SLUICE_HOSTNAME: 'default-worker' });
  await h.startWorker({ SLUICE_HOSTNAME: 'heavy-worker', SLUICE_WORKER_QUEUES: 'heavy' });
}, 60_000);
afterAll(async () => {
  await h.close();
});

async function hostsOfTries(runId: string): Promise<Record<string, string[]>> {
  const rows = await h.db.db.pool.query<{ task_id: string; hostname: string | null }>(
    `SELECT ti.task_id, tt.hostname FROM task_try tt JOIN task_instance ti ON ti.id = tt.task_instance_id
     JOIN dag_run r ON r.id = ti.dag_run_id WHERE r.run_id = $1 ORDER BY ti.task_id, tt.try_number`,
    [runId],
  );
  const hosts: Record<string, string[]> = {};
  for (const r of rows.rows) hosts[r.task_id] = [...(hosts[r.task_id] ?? []), r.hostname ?? '?'];
  return hosts;
}

describe('worker queues', () => {
  it('runs a task on queue heavy only on the worker serving heavy, and the fast path does not take it', async () => {
    for (let i = 0; i < 3; i++) {
      const run = await h.trigger('queues');
      const done = await h.waitForRun('queues', run.runId, ['success', 'failed'], 30_000);
      expect(done.state).toBe('success');
      expect(await hostsOfTries(run.runId)).toEqual({
        first: ['default-worker'],
        heavy: ['heavy-worker'],
        after: ['default-worker'],
        heavy_root: ['heavy-worker'],
      });
    }
    const queues = await h.db.db.pool.query<{ task_id: string; queue: string }>(
      `SELECT DISTINCT task_id, queue FROM task_instance WHERE dag_id = 'queues' ORDER BY task_id`,
    );
    expect(queues.rows).toEqual([
      { task_id: 'after', queue: 'default' },
      { task_id: 'first', queue: 'default' },
      { task_id: 'heavy', queue: 'heavy' },
      { task_id: 'heavy_root', queue: 'heavy' },
    ]);
  });
});
