/**
 * Finished history generated in bulk, for retention tests and the clean
 * benchmark: `runs` successful runs of one DAG, ended one minute apart up to
 * `endedBefore`, each with `tasksPerRun` task instances, one try each and
 * `logLinesPerTry` log lines. Written in chunks of runs, each one statement.
 */
import type { Pool } from 'pg';
import { rs, ts } from './sql/states';

export interface HistoryFixture {
  dagId: string;
  /** The DAG and a version are created when missing. */
  runs: number;
  tasksPerRun: number;
  logLinesPerTry: number;
  endedBefore: Date;
  /** Run id prefix, to generate several sets for one DAG. */
  prefix?: string;
}

export async function generateFinishedRuns(pool: Pool, f: HistoryFixture): Promise<void> {
  const version = await pool.query<{ id: string }>(
    `WITH d AS (INSERT INTO dag (dag_id, file_loc) VALUES ($1, $1 || '.ts') ON CONFLICT DO NOTHING),
     v AS (INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc)
           VALUES ($1, 'generated', '{}', '', $1 || '.ts') ON CONFLICT (dag_id, hash) DO NOTHING RETURNING id)
     SELECT id FROM v UNION ALL SELECT id FROM dag_version WHERE dag_id = $1 AND hash = 'generated'`,
    [f.dagId],
  );
  const versionId = version.rows[0]?.id;
  if (!versionId) throw new Error(`could not create a version for ${f.dagId}`);
  const chunk = Math.max(1, Math.floor(50_000 / f.tasksPerRun));
  for (let from = 1; from <= f.runs; from += chunk) {
    const to = Math.min(f.runs, from + chunk - 1);
    await pool.query(
      `WITH runs AS (
         INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, data_interval_start, data_interval_end,
                              state, dag_version_id, queued_at, started_at, ended_at)
         SELECT $1, $2 || g, 'scheduled', e - interval '1 hour', e - interval '1 hour', e, ${rs.success}, $3, e, e, e
         FROM generate_series($4::int, $5::int) g, LATERAL (SELECT $6::timestamptz - g * interval '1 minute' AS e) t
         RETURNING id, ended_at),
       tis AS (
         INSERT INTO task_instance (dag_run_id, dag_id, task_id, state, try_number, max_tries, operator, started_at, ended_at)
         SELECT r.id, $1, 't' || t, ${ts.success}, 1, 1, 'shell', r.ended_at, r.ended_at
         FROM runs r, generate_series(1, $7::int) t
         RETURNING id, ended_at),
       tries AS (
         INSERT INTO task_try (task_instance_id, try_number, state, started_at, ended_at)
         SELECT id, 1, ${ts.success}, ended_at, ended_at FROM tis RETURNING task_instance_id)
       INSERT INTO task_log (task_instance_id, try_number, seq, stream, text)
       SELECT task_instance_id, 1, s, 'stdout', 'line ' || s || E'\\n' FROM tries, generate_series(1, $8::int) s`,
      [f.dagId, `${f.prefix ?? 'generated'}_`, versionId, from, to, f.endedBefore, f.tasksPerRun, f.logLinesPerTry],
    );
  }
}
