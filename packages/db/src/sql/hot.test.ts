/**
 * The statements that run most often on a quiet table write no indexed
 * column, so Postgres can update the row in place (a HOT update: no index
 * entry, the old version pruned without VACUUM). State moves are not HOT by
 * design: the partial state indexes that keep plans bounded (ADR 0007) name
 * `state`. Adding an index over a column these statements write, or writing
 * an indexed column in them, fails this test (docs/adr/0014).
 */
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { heartbeatTaskTries } from './heartbeatTaskTries';
import { finishTaskTries } from './finishTaskTry';
import { createTestDag, startTestRun } from './test-runs';

let t: TestDatabase;
let ids: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase({ max: 2 });
  const pool = t.db.pool;
  const versionId = await createTestDag(pool, 'hot');
  const { ti } = await startTestRun(pool, {
    dagId: 'hot',
    versionId,
    runId: 'r',
    taskIds: ['a', 'b', 'c'],
    operator: 'fn',
  });
  ids = Object.values(ti);
  await pool.query(
    `UPDATE task_instance SET state = 'running', try_number = 1, started_at = now() WHERE id = ANY($1)`,
    [ids],
  );
  await pool.query(
    `INSERT INTO task_try (task_instance_id, try_number, state, started_at) SELECT unnest($1::uuid[]), 1, 'running', now()`,
    [ids],
  );
});

afterAll(async () => {
  await t?.drop();
});

/**
 * Updates and HOT updates of `table` made by `fn`, inside a transaction
 * rolled back after. Read before and after: the backend's pending counts may
 * still hold earlier transactions' until they are flushed.
 */
async function updatesOf(table: string, fn: (client: PoolClient) => Promise<unknown>) {
  const client = await t.db.pool.connect();
  const read = async () => {
    const res = await client.query<{ upd: number; hot: number }>(
      `SELECT n_tup_upd::int AS upd, n_tup_hot_upd::int AS hot FROM pg_stat_xact_user_tables
       WHERE schemaname = current_schema() AND relname = $1`,
      [table],
    );
    return res.rows[0] ?? { upd: 0, hot: 0 };
  };
  try {
    await client.query('BEGIN');
    const before = await read();
    await fn(client);
    const after = await read();
    return { upd: after.upd - before.upd, hot: after.hot - before.hot };
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

it("a worker's heartbeat updates task_instance rows in place", async () => {
  const tries = ids.map((id) => ({ taskInstanceId: id, tryNumber: 1 }));
  const counts = await updatesOf('task_instance', (c) => heartbeatTaskTries(c, tries));
  expect(counts).toEqual({ upd: 3, hot: 3 });
});

it("a finish updates the try's task_try row in place", async () => {
  const finishes = ids.map((id) => ({ taskInstanceId: id, tryNumber: 1, to: 'success' as const }));
  const counts = await updatesOf('task_try', (c) => finishTaskTries(c, finishes));
  expect(counts).toEqual({ upd: 3, hot: 3 });
});

it('leaves room on each page for in-place updates of task_instance and task_try', async () => {
  const res = await t.db.pool.query<{ relname: string; reloptions: string[] | null }>(
    `SELECT relname, reloptions FROM pg_class
     WHERE relnamespace = current_schema()::regnamespace AND relname IN ('task_instance', 'task_try') ORDER BY relname`,
  );
  expect(res.rows).toEqual([
    { relname: 'task_instance', reloptions: ['fillfactor=85'] },
    { relname: 'task_try', reloptions: ['fillfactor=85'] },
  ]);
});
