/**
 * The statements every try runs are prepared once per connection and keep
 * a generic plan. Their plans must find rows by index whatever the planner
 * statistics say: statistics taken during a burst say most rows are queued,
 * and a plan trusting them reads a whole table per claim or finish once the
 * rows have moved on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { preparedStatements } from './queryable';
// Importing the modules registers their statements.
import './claimTaskTry';
import './finishTaskTry';
import './heartbeatTaskTries';
import './scheduleRun';
import './scheduleRuns';
import './taskLogs';
import { createDagRun } from './createDagRun';

/**
 * Statements of the scheduling pass (per run, not per try) that read many
 * rows by design, for which a sequential scan can be the right plan: the
 * count of the DAG's active task instances (when the statistics say every
 * row is active) and the read of a whole run (a quarter of the table when
 * it holds four runs). refreshPlannerStatistics keeps their statistics from
 * lying for long (see its test).
 */
const READ_MANY = new Set([
  'sluice.scheduleRun.head',
  'sluice.scheduleRun.all',
  'sluice.scheduleRuns.tis',
  'sluice.scheduleRuns.active',
]);

/** A database whose statistics were taken while every task was queued, and whose tasks have all ended since. */
async function afterABurst(runs: number, tasks: number): Promise<TestDatabase> {
  const t = await createTestDatabase({ max: 1 });
  const pool = t.db.pool;
  await pool.query(`INSERT INTO dag (dag_id, file_loc) VALUES ('d', 'd.ts')`);
  const v = await pool.query<{ id: string }>(
    `INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc) VALUES ('d', 'h', '{}', '', 'd.ts') RETURNING id`,
  );
  const taskList = Array.from({ length: tasks }, (_, i) => ({
    taskId: `t${i}`,
    maxTries: 1,
    operator: 'fn',
    pool: 'default_pool',
    poolSlots: 1,
    priorityWeight: 1,
  }));
  for (let r = 0; r < runs; r++) {
    const at = new Date(Date.UTC(2026, 0, 1, r));
    await createDagRun(pool, {
      dagId: 'd',
      runId: `r${r}`,
      runType: 'manual',
      logicalDate: at,
      dataIntervalStart: at,
      dataIntervalEnd: at,
      conf: {},
      dagVersionId: v.rows[0]?.id ?? '',
      tasks: taskList,
    });
  }
  await pool.query(`UPDATE dag_run SET state = 'running'`);
  await pool.query(`UPDATE task_instance SET state = 'queued', try_number = 1, queued_at = now()`);
  await pool.query(
    `INSERT INTO task_try (task_instance_id, try_number, state) SELECT id, 1, 'running' FROM task_instance`,
  );
  await pool.query(
    `INSERT INTO task_output (task_instance_id, try_number, value) SELECT id, 1, '{}' FROM task_instance`,
  );
  await pool.query(
    `INSERT INTO task_log (task_instance_id, try_number, seq, stream, text) SELECT id, 1, 1, 'system', 'x' FROM task_instance`,
  );
  await pool.query(`ANALYZE`);
  await pool.query(`UPDATE task_instance SET state = 'success', ended_at = now()`);
  return t;
}

/** The generic plan of a statement, as EXPLAIN prints it. */
async function genericPlan(t: TestDatabase, name: string, text: string): Promise<string> {
  const client = await t.db.pool.connect();
  try {
    await client.query('SET plan_cache_mode = force_generic_plan');
    await client.query(`PREPARE ${JSON.stringify(name)} AS ${text}`);
    const params = Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    const args = params === 0 ? '' : `(${Array.from({ length: params }, () => 'NULL').join(', ')})`;
    const res = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${JSON.stringify(name)}${args}`);
    await client.query(`DEALLOCATE ${JSON.stringify(name)}`);
    return res.rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('RESET plan_cache_mode');
    client.release();
  }
}

/** `Seq Scan on <table>` lines of each statement's generic plan, for these tables. */
async function sequentialScans(t: TestDatabase, tables: readonly string[]): Promise<string[]> {
  const scans: string[] = [];
  for (const [name, text] of preparedStatements()) {
    if (READ_MANY.has(name)) continue;
    const plan = await genericPlan(t, name, text);
    for (const table of tables) {
      if (new RegExp(`Seq Scan on ${table}\\b`).test(plan)) scans.push(`${name} reads all of ${table}:\n${plan}`);
    }
  }
  return scans;
}

it('registers the statements every try runs', () => {
  expect([...preparedStatements().keys()]).toEqual(
    expect.arrayContaining([
      'sluice.claimTaskTries',
      'sluice.finishTaskTries',
      'sluice.finishRunIfDone',
      'sluice.scheduleRun.promote',
    ]),
  );
});

const shapes = [
  // dag_run holds four rows here: reading all of it is the right plan.
  {
    name: 'a new install: a few large runs',
    runs: 4,
    tasks: 600,
    byIndex: ['task_instance', 'task_try', 'task_log', 'task_output'],
  },
  {
    name: 'a database in use: hundreds of small runs',
    runs: 400,
    tasks: 6,
    byIndex: ['dag_run', 'task_instance', 'task_try', 'task_log', 'task_output'],
  },
];

describe.each(shapes)('$name', ({ runs, tasks, byIndex }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await afterABurst(runs, tasks);
  });
  afterAll(() => t?.drop());

  it(`finds ${byIndex.join(', ')} rows by index`, async () => {
    expect(await sequentialScans(t, byIndex)).toEqual([]);
  });
});
