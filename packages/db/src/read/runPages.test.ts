/**
 * The API's run reads return what they are asked for, in order, and read
 * about as many index entries as they return whatever the history: checked
 * on three DAGs with 3,000 runs each, seeded by SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { preparedStatements } from '../sql/queryable';
import {
  InvalidCursorError,
  RUN_COUNT_CAP,
  decodeRunCursor,
  encodeRunCursor,
  listDagRows,
  listRunPage,
  latestRuns,
} from './runPages';
import { readGridCells } from './views';
import { readRunDays } from './dagHistory';
// Registers the scheduler's per-DAG probes for the plan checks below.
import '../sql/schedulerQueries';
import './digests';
// A run's Gantt, for the plan checks below.
import './runGantt';

const RUNS = 3000;
let t: TestDatabase;

/** Every run of `dagId`, newest first by the list's order, as Postgres sorts them. */
async function allRunIds(dagId: string, state?: string): Promise<string[]> {
  const res = await t.db.pool.query<{ run_id: string }>(
    `SELECT run_id FROM dag_run WHERE dag_id = $1 AND ($2::text IS NULL OR state = $2)
     ORDER BY logical_date DESC, queued_at DESC, id DESC`,
    [dagId, state ?? null],
  );
  return res.rows.map((r) => r.run_id);
}

beforeAll(async () => {
  t = await createTestDatabase({ max: 2 });
  const pool = t.db.pool;
  for (const dagId of ['a', 'b', 'c']) {
    await pool.query(
      `WITH d AS (INSERT INTO dag (dag_id, file_loc, is_paused) VALUES ($1, $1 || '.ts', $1 = 'c'))
       INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc) VALUES ($1, 'h', '{}', '', $1 || '.ts')`,
      [dagId],
    );
    await pool.query(`UPDATE dag SET current_version_id = (SELECT id FROM dag_version WHERE dag_id = $1)`, [dagId]);
    // Two runs per logical date and one queued_at for all: the order's last
    // key, the id, decides between them.
    await pool.query(
      `INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, data_interval_start, data_interval_end, state,
                            dag_version_id, queued_at)
       SELECT $1, 'r' || i, 'scheduled', ts, ts, ts + interval '1 hour',
              CASE WHEN i % 7 = 0 THEN 'failed' ELSE 'success' END,
              (SELECT id FROM dag_version WHERE dag_id = $1), '2026-06-01T00:00:00Z'
       FROM generate_series(1, $2::int) i, LATERAL (SELECT timestamptz '2026-01-01' + (i / 2) * interval '1 hour' AS ts) l`,
      [dagId, RUNS],
    );
  }
  await pool.query(
    `INSERT INTO task_instance (dag_run_id, dag_id, task_id, state, max_tries, operator)
     SELECT r.id, r.dag_id, 't' || k, 'success', 1, 'fn' FROM dag_run r, generate_series(1, 5) k`,
  );
  await pool.query('VACUUM ANALYZE');
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

describe('the latest runs of each DAG', () => {
  it('lists active DAGs by id, each with its ten newest runs, newest first', async () => {
    const rows = await listDagRows(t.db.pool);
    expect(rows.map((r) => r.dagId)).toEqual(['a', 'b', 'c']);
    for (const row of rows) {
      expect(row.recentRuns.map((r) => r.runId)).toEqual((await allRunIds(row.dagId)).slice(0, 10));
    }
  });

  it('filters by DAG and by paused', async () => {
    expect((await listDagRows(t.db.pool, { dagId: 'b' })).map((r) => r.dagId)).toEqual(['b']);
    expect((await listDagRows(t.db.pool, { paused: true })).map((r) => r.dagId)).toEqual(['c']);
    expect((await listDagRows(t.db.pool, { dagId: 'b', recentRuns: 0 }))[0]?.recentRuns).toEqual([]);
  });

  it('gives the grid its last runs oldest first, with their task states', async () => {
    const { runs, cells } = await readGridCells(t.db.pool, 'a', 25);
    expect(runs.map((r) => r.runId)).toEqual((await allRunIds('a')).slice(0, 25).reverse());
    expect(cells).toHaveLength(25 * 5);
  });
});

describe('pages of runs', () => {
  it('walks every run once, in order, by following nextCursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listRunPage(t.db.pool, {
        dagId: 'a',
        limit: 250,
        ...(cursor ? { cursor: decodeRunCursor(cursor) } : {}),
      });
      seen.push(...page.items.map((r) => r.runId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(RUNS / 250);
    expect(seen).toEqual(await allRunIds('a'));
  });

  it('pages runs in one state', async () => {
    const first = await listRunPage(t.db.pool, { dagId: 'b', limit: 100, state: 'failed' });
    const cursor = first.nextCursor;
    if (cursor === null) throw new Error('expected a second page');
    const second = await listRunPage(t.db.pool, {
      dagId: 'b',
      limit: 100,
      state: 'failed',
      cursor: decodeRunCursor(cursor),
    });
    expect([...first.items, ...second.items].map((r) => r.runId)).toEqual(
      (await allRunIds('b', 'failed')).slice(0, 200),
    );
    expect(first.items.every((r) => r.state === 'failed')).toBe(true);
    expect(first).toMatchObject({ total: Math.floor(RUNS / 7), totalCapped: false });
  });

  it('counts up to the cap and says when there are more', async () => {
    const page = await listRunPage(t.db.pool, { dagId: 'a', limit: 10 });
    expect(page).toMatchObject({ total: RUN_COUNT_CAP, totalCapped: true });
  });

  it('has no next page after the last run', async () => {
    const page = await listRunPage(t.db.pool, { dagId: 'nope', limit: 10 });
    expect(page).toEqual({ items: [], nextCursor: null, total: 0, totalCapped: false });
  });

  it('rejects a cursor it did not hand out, saying what to pass', () => {
    for (const bad of ['', 'xyz', Buffer.from('2026-01-01|never|id').toString('base64url')]) {
      expect(() => decodeRunCursor(bad)).toThrow(InvalidCursorError);
    }
    expect(() => decodeRunCursor('xyz')).toThrow('use nextCursor of the page before');
    const c = { logicalDate: new Date('2026-01-02T03:04:05.678Z'), queuedAt: new Date(0), id: crypto.randomUUID() };
    expect(decodeRunCursor(encodeRunCursor(c))).toEqual(c);
  });
});

/** EXPLAIN (ANALYZE, BUFFERS) of a prepared read under its generic plan, with these values. */
async function explain(name: string, values: string[]): Promise<{ text: string; buffers: number }> {
  const text = preparedStatements().get(`sluice.${name}`);
  if (text === undefined) throw new Error(`no statement sluice.${name}`);
  const client = await t.db.pool.connect();
  try {
    await client.query('SET plan_cache_mode = force_generic_plan');
    await client.query(`PREPARE plan_probe AS ${text}`);
    const res = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE plan_probe${values.length > 0 ? `(${values.join(', ')})` : ''}`,
    );
    await client.query('DEALLOCATE plan_probe');
    const plan = res.rows.map((r) => r['QUERY PLAN']).join('\n');
    // The top node's buffers include every node below it.
    const top = /Buffers: shared (?:hit=(\d+))?\s*(?:read=(\d+))?/.exec(plan);
    return { text: plan, buffers: Number(top?.[1] ?? 0) + Number(top?.[2] ?? 0) };
  } finally {
    await client.query('RESET plan_cache_mode');
    client.release();
  }
}

describe('plans: bounded by what a read returns, whatever the history', () => {
  const deepCursor = async () => {
    const ids = await t.db.pool.query<{ logical_date: Date; queued_at: Date; id: string }>(
      `SELECT logical_date, queued_at, id FROM dag_run WHERE dag_id = 'a' ORDER BY logical_date, queued_at, id OFFSET 100 LIMIT 1`,
    );
    const row = ids.rows[0];
    if (!row) throw new Error('no run');
    return [`'a'`, `'${row.logical_date.toISOString()}'`, `'${row.queued_at.toISOString()}'`, `'${row.id}'`];
  };

  it.each([
    ['read.latestRuns', async () => [`ARRAY['a','b','c']`, '10']],
    ['read.runPage', async () => [...(await deepCursor()), '26']],
    ['read.runPageInState', async () => [...(await deepCursor()), '26', `'failed'`]],
    ['read.dagListDigest', async () => ['NULL', 'NULL', '10']],
    ['read.gridDigest', async () => [`'a'`, '25', String(RUN_COUNT_CAP + 1)]],
    ['lastScheduledInterval', async () => [`'a'`]],
    ['dagsWithQueuedRuns', async () => []],
    ['read.runCount', async () => [`'a'`, String(RUN_COUNT_CAP + 1)]],
    ['read.runCountInState', async () => [`'a'`, String(RUN_COUNT_CAP + 1), `'failed'`]],
    [
      'read.taskTimes',
      async () => {
        const runs = await t.db.pool.query<{ id: string }>(`SELECT id FROM dag_run WHERE dag_id = 'a' LIMIT 25`);
        return [`ARRAY[${runs.rows.map((r) => `'${r.id}'`).join(', ')}]::uuid[]`];
      },
    ],
    [
      'read.runGantt',
      async () => {
        const runs = await t.db.pool.query<{ id: string }>(`SELECT id FROM dag_run WHERE dag_id = 'a' LIMIT 1`);
        return [`'${runs.rows[0]?.id}'::uuid`];
      },
    ],
    ['read.runDays', async () => [`'a'`, '2025', `'Europe/Copenhagen'`]],
    [
      'read.gridCells',
      async () => {
        const runs = await t.db.pool.query<{ id: string }>(`SELECT id FROM dag_run WHERE dag_id = 'a' LIMIT 25`);
        return [`ARRAY[${runs.rows.map((r) => `'${r.id}'`).join(', ')}]::uuid[]`];
      },
    ],
  ])('%s reads dag_run and task_instance by index only, in a few pages per row returned', async (name, values) => {
    const { text, buffers } = await explain(name, await values());
    expect(text).not.toMatch(/Seq Scan on (dag_run|task_instance)\b/);
    expect(text).not.toMatch(/Sort Method: external/);
    // 9,000 runs and 45,000 task instances span about 600 pages; a bounded
    // read touches a few per row it returns (the grid: 25 runs, 125 tasks).
    expect(buffers, text).toBeLessThan(100);
  });

  it('read.runDays counts one year of one DAG from its index range, never the other DAGs', async () => {
    const { text } = await explain('read.runDays', [`'a'`, '2026', `'UTC'`]);
    expect(text).not.toMatch(/Seq Scan on dag_run\b/);
    const days = await readRunDays(t.db.pool, 'a', 2026, 'UTC');
    expect(days.reduce((n, d) => n + d.runs, 0)).toBe(RUNS);
    expect(days[0]).toEqual({ day: '2026-01-01', state: 'failed', runs: 6 });
  });

  it('latestRuns reads ten runs per DAG, not the DAG history', async () => {
    const res = await latestRuns(t.db.pool, ['a', 'b'], 10);
    expect([...res.values()].map((runs) => runs.length)).toEqual([10, 10]);
  });
});
