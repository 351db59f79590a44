/**
 * The history section's DAGs and the year of runs it gives them, seeded by
 * SQL: each DAG's runs go back an hour at a time from before its live runs,
 * four task instances each, with a try, an output and the log lines the
 * same task wrote in a real run of this benchmark.
 */
import type { DagFile } from '../dag-files';
import type { Stack } from '../stack';

/** Tasks of each history DAG, in order: a small shell ETL, each step printing a couple of lines. */
export const HISTORY_TASKS = ['extract', 'transform', 'load', 'check'] as const;

export const historyDagId = (i: number) => `hist_${String(i).padStart(2, '0')}`;

/** An hourly DAG of four shell tasks in a chain, as a team's ETL looks. */
export function historyDag(id: string): DagFile {
  const source = `import { dag, shell } from '@sluice/sdk';

export const d = dag({ id: ${JSON.stringify(id)}, schedule: '@hourly', start: '2026-01-01', catchup: false, maxActiveRuns: 1000, maxActiveTasks: 1000000 });
const extract = d.task('extract', shell({ command: 'echo "listing s3://bench/raw/$SLUICE_DS"; echo "24 files, 52113 rows"' }));
const transform = d.task('transform', { upstream: [extract] }, shell({ command: 'echo "transforming 52113 rows"; echo "wrote s3://bench/clean/$SLUICE_DS"' }));
const load = d.task('load', { upstream: [transform] }, shell({ command: 'echo "loading partition $SLUICE_DS"; echo "COPY 52113"' }));
d.task('check', { upstream: [load] }, shell({ command: 'echo "row count matches: 52113"' }));
`;
  return { file: `${id}.ts`, source };
}

/** The tables a run's history lives in. */
const HISTORY_TABLES = ['dag_run', 'task_instance', 'task_try', 'task_log', 'task_output'] as const;

/** Bytes on disk of the history tables, with their indexes and TOAST. */
export async function historyBytes(stack: Stack): Promise<number> {
  const res = await stack.db.pool.query<{ bytes: string }>(
    `SELECT sum(pg_total_relation_size(t::regclass))::text AS bytes FROM unnest($1::text[]) AS t`,
    [HISTORY_TABLES],
  );
  return Number(res.rows[0]?.bytes ?? 0);
}

export async function countTaskInstances(stack: Stack): Promise<number> {
  const res = await stack.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM task_instance');
  return res.rows[0]?.n ?? 0;
}

/**
 * Gives `dagId` `runs` finished hourly runs before its oldest run, each with
 * the four task instances, tries, outputs and log lines (copied from the
 * DAG's newest successful run, which the benchmark ran for real). Every
 * twentieth run failed at its last task.
 */
export async function seedHistory(stack: Stack, dagId: string, runs: number): Promise<void> {
  const client = await stack.db.pool.connect();
  try {
    const template = await client.query<{ id: string }>(
      `SELECT id FROM dag_run WHERE dag_id = $1 AND state = 'success' ORDER BY logical_date DESC LIMIT 1`,
      [dagId],
    );
    const templateRun = template.rows[0]?.id;
    if (!templateRun) throw new Error(`${dagId} has no successful run to copy logs from`);
    await client.query(
      `CREATE TEMP TABLE IF NOT EXISTS seeded_runs (id uuid);
       CREATE TEMP TABLE IF NOT EXISTS seeded_tis (id uuid, task_id text, state text, started_at timestamptz(3),
                                                   ended_at timestamptz(3));
       TRUNCATE seeded_runs, seeded_tis`,
    );
    await client.query(
      `WITH oldest AS (SELECT min(logical_date) AS at FROM dag_run WHERE dag_id = $1), ins AS (
         INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, data_interval_start, data_interval_end, state,
                              dag_version_id, queued_at, started_at, ended_at)
         SELECT d.dag_id, 'scheduled__' || to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'scheduled',
                ts, ts, ts + interval '1 hour', CASE WHEN g.n % 20 = 0 THEN 'failed' ELSE 'success' END,
                d.current_version_id, ts + interval '1 hour', ts + interval '1 hour', ts + interval '1 hour 40 seconds'
         FROM dag d, oldest, generate_series(1, $2::int) AS g(n),
              LATERAL (SELECT oldest.at - g.n * interval '1 hour' AS ts) t
         WHERE d.dag_id = $1
         RETURNING id)
       INSERT INTO seeded_runs SELECT id FROM ins`,
      [dagId, runs],
    );
    await client.query(
      `WITH ins AS (
         INSERT INTO task_instance (dag_run_id, dag_id, task_id, state, try_number, max_tries, operator, queued_at,
                                    started_at, ended_at, duration_ms, hostname)
         SELECT r.id, r.dag_id, t.task_id,
                CASE WHEN r.state = 'failed' AND t.k = 4 THEN 'failed' ELSE 'success' END, 1, 1, 'shell',
                r.started_at + (t.k - 1) * interval '10 seconds', r.started_at + (t.k - 1) * interval '10 seconds',
                r.started_at + t.k * interval '10 seconds', 10000, 'bench'
         FROM seeded_runs s JOIN dag_run r ON r.id = s.id CROSS JOIN unnest($1::text[]) WITH ORDINALITY AS t(task_id, k)
         RETURNING id, task_id, state, started_at, ended_at)
       INSERT INTO seeded_tis SELECT * FROM ins`,
      [HISTORY_TASKS],
    );
    await client.query(
      `INSERT INTO task_try (task_instance_id, try_number, state, started_at, ended_at, duration_ms, hostname)
       SELECT id, 1, state, started_at, ended_at, 10000, 'bench' FROM seeded_tis`,
    );
    await client.query(
      `INSERT INTO task_output (task_instance_id, try_number, value)
       SELECT s.id, 1, o.value FROM seeded_tis s
       JOIN task_instance tt ON tt.dag_run_id = $1 AND tt.task_id = s.task_id
       JOIN task_output o ON o.task_instance_id = tt.id`,
      [templateRun],
    );
    await client.query(
      `INSERT INTO task_log (task_instance_id, try_number, seq, stream, text, created_at)
       SELECT s.id, 1, l.seq, l.stream, l.text, s.started_at FROM seeded_tis s
       JOIN task_instance tt ON tt.dag_run_id = $1 AND tt.task_id = s.task_id
       JOIN task_log l ON l.task_instance_id = tt.id AND l.try_number = tt.try_number`,
      [templateRun],
    );
  } finally {
    client.release();
  }
}
