/**
 * The probe an ended instance of a mapped task makes before passing over its
 * siblings: which of the tasks named have an instance waiting for a slot
 * (scheduled), in this run only, answered from the partial index on
 * scheduled rows whatever the number of unfinished instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { tasksWaitingForSlot } from './finishTaskTry';
import { createTestDag, startTestRun } from './test-runs';

let t: TestDatabase;
let versionId = '';
let runs = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  versionId = await createTestDag(t.db.pool, 'mapped');
});
afterAll(async () => {
  await t?.drop();
});

/** A run with `load` expanded into `states.length` instances in those states, and `other` unmapped. */
async function runWith(states: string[]): Promise<string> {
  const { runId } = await startTestRun(t.db.pool, {
    dagId: 'mapped',
    versionId,
    runId: `r${++runs}`,
    taskIds: ['load', 'other'],
    operator: 'fn',
  });
  await t.db.pool.query(`DELETE FROM task_instance WHERE dag_run_id = $1 AND task_id = 'load'`, [runId]);
  await t.db.pool.query(
    `INSERT INTO task_instance (dag_run_id, dag_id, task_id, map_index, state, try_number, max_tries, operator)
     SELECT $1, 'mapped', 'load', i - 1, s, 0, 1, 'fn' FROM unnest($2::text[]) WITH ORDINALITY AS u(s, i)`,
    [runId, states],
  );
  return runId;
}

describe('tasksWaitingForSlot', () => {
  it('names a task one of whose instances is scheduled, and not one whose instances are all queued, running or done', async () => {
    const waiting = await runWith(['success', 'running', 'scheduled', 'queued']);
    expect(await tasksWaitingForSlot(t.db.pool, waiting, ['load', 'other'])).toEqual(['load']);
    const none = await runWith(['success', 'running', 'queued', 'failed', 'up_for_retry']);
    expect(await tasksWaitingForSlot(t.db.pool, none, ['load', 'other'])).toEqual([]);
    expect(await tasksWaitingForSlot(t.db.pool, waiting, [])).toEqual([]);
  });

  it("looks at the run named only: another run's scheduled instance does not count", async () => {
    await runWith(['scheduled']);
    const quiet = await runWith(['queued', 'queued']);
    expect(await tasksWaitingForSlot(t.db.pool, quiet, ['load'])).toEqual([]);
  });

  it('probes the partial index of scheduled rows instead of walking the unfinished instances', async () => {
    const runId = await runWith(Array.from({ length: 5000 }, (_, i) => (i === 4999 ? 'scheduled' : 'queued')));
    await t.db.pool.query('ANALYZE task_instance');
    const client = await t.db.pool.connect();
    try {
      // With 5,000 queued instances of the task, the partial index of scheduled rows is the cheap way in.
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, COSTS OFF) SELECT 1 FROM task_instance ti
         WHERE ti.dag_run_id = $1 AND ti.task_id = 'load' AND ti.state = 'scheduled'`,
        [runId],
      );
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toContain('task_instance_scheduled_idx');
    } finally {
      client.release();
    }
    expect(await tasksWaitingForSlot(t.db.pool, runId, ['load'])).toEqual(['load']);
  });
});
