/**
 * The browse pages' reads: runs and task instances across DAGs, filtered,
 * in either order, each row once by following nextCursor, and read by index
 * in a few pages whatever the history (three DAGs, 2,000 runs each).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { preparedStatements } from '../sql/queryable';
import { browseRuns, browseTaskInstances, decodeTaskInstanceCursor, type RunBrowseQuery } from './browse';
import { InvalidCursorError, RUN_COUNT_CAP, decodeRunCursor } from './runPages';

const RUNS = 2000;
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ max: 2 });
  const pool = t.db.pool;
  for (const [n, dagId] of ['a', 'b', 'c'].entries()) {
    await pool.query(
      `WITH d AS (INSERT INTO dag (dag_id, file_loc) VALUES ($1, $1 || '.ts'))
       INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc) VALUES ($1, 'h', '{}', '', $1 || '.ts')`,
      [dagId],
    );
    await pool.query(`UPDATE dag SET current_version_id = (SELECT id FROM dag_version WHERE dag_id = $1)`, [dagId]);
    // The DAGs' runs interleave in time; every fifth is manual, every seventh failed.
    await pool.query(
      `INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, data_interval_start, data_interval_end, state,
                            dag_version_id, queued_at)
       SELECT $1, 'r' || i, CASE WHEN i % 5 = 0 THEN 'manual' ELSE 'scheduled' END, ts, ts, ts + interval '1 hour',
              CASE WHEN i % 7 = 0 THEN 'failed' ELSE 'success' END,
              (SELECT id FROM dag_version WHERE dag_id = $1), '2026-06-01T00:00:00Z'
       FROM generate_series(1, $2::int) i,
            LATERAL (SELECT timestamptz '2026-01-01' + i * interval '1 hour' + $3 * interval '1 minute' AS ts) l`,
      [dagId, RUNS, n],
    );
  }
  await pool.query(
    `INSERT INTO task_instance (dag_run_id, dag_id, task_id, state, max_tries, operator, try_number)
     SELECT r.id, r.dag_id, 't' || k, CASE WHEN k = 3 AND r.state = 'failed' THEN 'failed' ELSE 'success' END, 2, 'fn', 1
     FROM dag_run r, generate_series(1, 3) k`,
  );
  await pool.query('VACUUM ANALYZE');
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

/** Run ids ("dag/run") matching a filter in an order, as Postgres sorts them. */
async function expected(where: string, order: 'ASC' | 'DESC', values: unknown[] = []): Promise<string[]> {
  const res = await t.db.pool.query<{ k: string }>(
    `SELECT dag_id || '/' || run_id AS k FROM dag_run WHERE ${where}
     ORDER BY logical_date ${order}, queued_at ${order}, id ${order}`,
    values,
  );
  return res.rows.map((r) => r.k);
}

async function walk(q: Omit<RunBrowseQuery, 'cursor'>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await browseRuns(t.db.pool, { ...q, ...(cursor ? { cursor: decodeRunCursor(cursor) } : {}) });
    seen.push(...page.items.map((r) => `${r.dagId}/${r.runId}`));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return seen;
}

describe('runs across DAGs', () => {
  it('walks every failed manual run of every DAG once, newest first, across pages', async () => {
    const seen = await walk({ limit: 7, order: 'newest', state: 'failed', runType: 'manual' });
    expect(seen).toEqual(await expected(`state = 'failed' AND run_type = 'manual'`, 'DESC'));
    expect(seen.length).toBeGreaterThan(7);
  });

  it('walks one DAG oldest first within a logical-date range (from inclusive, to exclusive)', async () => {
    const from = new Date('2026-01-10T00:00:00Z');
    const to = new Date('2026-01-20T00:00:00Z');
    const seen = await walk({ limit: 50, order: 'oldest', dagId: 'b', from, to });
    expect(seen).toEqual(
      await expected(`dag_id = 'b' AND logical_date >= $1 AND logical_date < $2`, 'ASC', [from, to]),
    );
    expect(seen).toHaveLength(240);
  });

  it('shows only the DAGs it is told the viewer may see', async () => {
    const page = await browseRuns(t.db.pool, { limit: 20, order: 'newest', visibleDagIds: ['a', 'c'] });
    expect(new Set(page.items.map((r) => r.dagId))).toEqual(new Set(['a', 'c']));
    expect(page).toMatchObject({ total: RUN_COUNT_CAP, totalCapped: true });
  });

  it('counts the matching runs below the cap exactly', async () => {
    const page = await browseRuns(t.db.pool, { limit: 5, order: 'newest', dagId: 'c', state: 'failed' });
    expect(page).toMatchObject({ total: Math.floor(RUNS / 7), totalCapped: false });
  });
});

describe('task instances across DAGs', () => {
  it('walks the failed ones of every DAG once, newest run first, across pages that split runs', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await browseTaskInstances(t.db.pool, {
        limit: 10,
        state: 'failed',
        ...(cursor ? { cursor: decodeTaskInstanceCursor(cursor) } : {}),
      });
      seen.push(...page.items.map((r) => `${r.dagId}/${r.runId}/${r.taskId}`));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual((await expected(`state = 'failed'`, 'DESC')).map((k) => `${k}/t3`));
  });

  it('keeps task ids of one run in order when a page ends inside it', async () => {
    const first = await browseTaskInstances(t.db.pool, { limit: 2, dagId: 'a' });
    const cursor = first.nextCursor;
    if (cursor === null) throw new Error('expected a second page');
    const second = await browseTaskInstances(t.db.pool, {
      limit: 2,
      dagId: 'a',
      cursor: decodeTaskInstanceCursor(cursor),
    });
    const newest = (await expected(`dag_id = 'a'`, 'DESC'))[0];
    expect([...first.items, ...second.items].map((r) => `${r.dagId}/${r.runId}/${r.taskId}`).slice(0, 3)).toEqual([
      `${newest}/t3`,
      `${newest}/t2`,
      `${newest}/t1`,
    ]);
  });

  it('filters by task id and says how many match', async () => {
    const page = await browseTaskInstances(t.db.pool, { limit: 5, dagId: 'b', taskId: 't2' });
    expect(page.items.every((r) => r.taskId === 't2' && r.dagId === 'b')).toBe(true);
    expect(page).toMatchObject({ total: RUN_COUNT_CAP, totalCapped: true });
  });

  it('rejects a cursor it did not hand out', () => {
    expect(() => decodeTaskInstanceCursor('xyz')).toThrow(InvalidCursorError);
  });
});

describe('plans', () => {
  /** Buffers an EXPLAIN ANALYZE of a statement's generic plan touched, and the plan. */
  async function explain(name: string, values: string[]): Promise<{ text: string; buffers: number }> {
    const text = preparedStatements().get(`sluice.${name}`);
    if (text === undefined) throw new Error(`no statement sluice.${name}`);
    const client = await t.db.pool.connect();
    try {
      await client.query('SET plan_cache_mode = force_generic_plan');
      await client.query(`PREPARE plan_probe AS ${text}`);
      const res = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE plan_probe(${values.join(', ')})`,
      );
      await client.query('DEALLOCATE plan_probe');
      const plan = res.rows.map((r) => r['QUERY PLAN']).join('\n');
      const top = /Buffers: shared (?:hit=(\d+))?\s*(?:read=(\d+))?/.exec(plan);
      return { text: plan, buffers: Number(top?.[1] ?? 0) + Number(top?.[2] ?? 0) };
    } finally {
      await client.query('RESET plan_cache_mode');
      client.release();
    }
  }
  const filters = (dag: string, state: string) => [dag, state, 'NULL', `'1000-01-01'`, `'infinity'`, 'NULL'];
  const newest = [`'infinity'`, `'infinity'`, `'ffffffff-ffff-ffff-ffff-ffffffffffff'`, '26'];

  it.each([
    ['read.browseRunsAll.newest', [...filters('NULL', 'NULL'), ...newest]],
    ['read.browseRunsAllInState.newest', [...filters('NULL', `'failed'`), ...newest]],
    ['read.browseRunsDag.newest', [...filters(`'a'`, 'NULL'), ...newest]],
    ['read.browseRunsDagInState.newest', [...filters(`'a'`, `'failed'`), ...newest]],
    ['read.browseTaskInstancesAll', ['NULL', 'NULL', 'NULL', 'NULL', ...newest.slice(0, 3), `'~'`, '26']],
  ])('%s reads a page by index, not the history', async (name, values) => {
    const { text, buffers } = await explain(name, values);
    expect(text).not.toMatch(/Seq Scan on (dag_run|task_instance)\b/);
    expect(buffers, text).toBeLessThan(150);
  });
});
