import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { createDagRun } from './createDagRun';
import { MIN_CHANGED_ROWS, refreshPlannerStatistics } from './plannerStatistics';

let t: TestDatabase;

beforeAll(async () => {
  // One connection: the statistics it has not reported yet are flushed on demand.
  t = await createTestDatabase({ max: 1 });
  await t.db.pool.query(`INSERT INTO dag (dag_id, file_loc) VALUES ('d', 'd.ts')`);
  // Where autovacuum runs, its ANALYZE would race the one under test and reset the counts these tests read.
  for (const table of ['task_instance', 'dag_run', 'task_try']) {
    await t.db.pool.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
  }
});

afterAll(() => t?.drop());

let runs = 0;
async function addRun(tasks: number): Promise<void> {
  const v = await t.db.pool.query<{ id: string }>(
    `INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc) VALUES ('d', $1, '{}', '', 'd.ts') RETURNING id`,
    [`h${runs}`],
  );
  const at = new Date(Date.UTC(2026, 0, 1, runs));
  await createDagRun(t.db.pool, {
    dagId: 'd',
    runId: `r${runs++}`,
    runType: 'manual',
    logicalDate: at,
    dataIntervalStart: at,
    dataIntervalEnd: at,
    conf: {},
    dagVersionId: v.rows[0]?.id ?? '',
    tasks: Array.from({ length: tasks }, (_, i) => ({
      taskId: `t${i}`,
      maxTries: 1,
      operator: 'fn',
      pool: 'default_pool',
      poolSlots: 1,
      priorityWeight: 1,
    })),
  });
  await t.db.pool.query('SELECT pg_stat_force_next_flush()');
}

/** Waits until the rows this connection changed are counted (they reach shared memory once it is idle). */
async function changedRowsCounted(table: string, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await t.db.pool.query<{ n: string }>(`SELECT pg_stat_get_mod_since_analyze($1::regclass) AS n`, [
      table,
    ]);
    if (Number(res.rows[0]?.n) === n) return;
    if (Date.now() > deadline) throw new Error(`${table}: ${res.rows[0]?.n} changed rows counted, expected ${n}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const reltuples = async (table: string) =>
  Number(
    (await t.db.pool.query<{ n: number }>(`SELECT reltuples AS n FROM pg_class WHERE oid = $1::regclass`, [table]))
      .rows[0]?.n,
  );

it('analyzes a table that has outgrown its statistics, and only that table', async () => {
  await addRun(MIN_CHANGED_ROWS + 200);
  await changedRowsCounted('task_instance', MIN_CHANGED_ROWS + 200);

  expect(await refreshPlannerStatistics(t.db.pool)).toEqual(['task_instance']);
  expect(await reltuples('task_instance')).toBe(MIN_CHANGED_ROWS + 200);
});

it('leaves a table alone while fewer rows changed than its statistics count', async () => {
  await addRun(MIN_CHANGED_ROWS + 100); // 1,100 changed rows; statistics count 1,200
  await changedRowsCounted('task_instance', MIN_CHANGED_ROWS + 100);

  expect(await refreshPlannerStatistics(t.db.pool)).toEqual([]);
  expect(await reltuples('task_instance')).toBe(MIN_CHANGED_ROWS + 200);
});

it('analyzes a table again once its rows changed more than it has', async () => {
  await t.db.pool.query(`UPDATE task_instance SET state = 'queued'`);
  await t.db.pool.query('SELECT pg_stat_force_next_flush()');
  await changedRowsCounted('task_instance', 3 * MIN_CHANGED_ROWS + 400); // 1,100 + 2,300 updated

  expect(await refreshPlannerStatistics(t.db.pool)).toEqual(['task_instance']);
  expect(await reltuples('task_instance')).toBe(2 * MIN_CHANGED_ROWS + 300);
});
