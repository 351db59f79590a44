/**
 * A worker heartbeats all its running tries in one statement while finish
 * batches end some of them: both lock task_instance rows, and in id order
 * they cannot deadlock, whatever order each was given its tries in.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { heartbeatTaskTries } from './heartbeatTaskTries';
import { createTestDag, startTestRun } from './test-runs';
import { writeTries } from './writeTries';

const TASKS = 200;
const BATCH = 5;
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ max: 8 });
});

afterAll(async () => {
  await t?.drop();
});

/** Sets every task instance of the run running on try 1, with its try row. */
async function allRunning(runId: string): Promise<string[]> {
  const pool = t.db.pool;
  await pool.query(
    `DELETE FROM task_try WHERE task_instance_id IN (SELECT id FROM task_instance WHERE dag_run_id = $1)`,
    [runId],
  );
  const res = await pool.query<{ id: string }>(
    `UPDATE task_instance SET state = 'running', try_number = 1, started_at = now(), ended_at = NULL
     WHERE dag_run_id = $1 RETURNING id`,
    [runId],
  );
  await pool.query(
    `INSERT INTO task_try (task_instance_id, try_number, state, started_at)
     SELECT id, 1, 'running', now() FROM task_instance WHERE dag_run_id = $1`,
    [runId],
  );
  return res.rows.map((r) => r.id).sort();
}

const isDeadlock = (raw: unknown) => (raw as { code?: unknown }).code === '40P01';

it('runs heartbeats and finish batches side by side without a deadlock', async () => {
  const pool = t.db.pool;
  const versionId = await createTestDag(pool, 'locks');
  const taskIds = Array.from({ length: TASKS }, (_, i) => `t${String(i).padStart(3, '0')}`);
  const { runId } = await startTestRun(pool, { dagId: 'locks', versionId, runId: 'r', taskIds, operator: 'fn' });
  let deadlocks = 0;
  let heartbeats = 0;
  for (let round = 0; round < 3; round++) {
    const ids = await allRunning(runId);
    // The heartbeat names the tries newest id first, the finishes oldest
    // first: joined in the order given, each would lock against the other.
    const tries = [...ids].reverse().map((id) => ({ taskInstanceId: id, tryNumber: 1 }));
    let finishing = true;
    const beat = async () => {
      while (finishing) {
        await heartbeatTaskTries(pool, tries).catch((raw: unknown) => {
          if (!isDeadlock(raw)) throw raw;
          deadlocks++;
        });
        heartbeats++;
      }
    };
    const finish = async (lane: number) => {
      for (let i = lane * BATCH; i < ids.length; i += 3 * BATCH) {
        const finishes = ids
          .slice(i, i + BATCH)
          .map((id) => ({ taskInstanceId: id, tryNumber: 1, to: 'success' as const }));
        await writeTries(pool, { claims: [], finishes }).catch((raw: unknown) => {
          if (!isDeadlock(raw)) throw raw;
          deadlocks++;
        });
      }
    };
    const beats = [beat(), beat(), beat()];
    await Promise.all([finish(0), finish(1), finish(2)]);
    finishing = false;
    await Promise.all(beats);
  }
  expect(heartbeats).toBeGreaterThan(0);
  expect(deadlocks).toBe(0);
  const left = await pool.query(
    `SELECT count(*)::int AS n FROM task_instance WHERE dag_run_id = $1 AND state = 'running'`,
    [runId],
  );
  expect(left.rows[0]?.n).toBe(0);
}, 120_000);
