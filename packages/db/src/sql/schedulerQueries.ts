/** The reads the scheduler's periodic loop makes. */
import { unfinishedRunStates, type DagRunState } from '@sluice/core';
import { countsAgainstDag } from './backfills';
import { prepared, type Queryable } from './queryable';
import { rs, runStatesSql, ts, type TaskMove } from './states';

/** Reads only. */
export const moves: readonly TaskMove[] = [];

export interface SchedulableDag {
  dagId: string;
  isPaused: boolean;
  versionId: string;
  /** When the timetable's next run is due; null when not worked out yet (or the DAG has no schedule). */
  nextRunAt: Date | null;
}

export async function listActiveDags(db: Queryable): Promise<SchedulableDag[]> {
  const res = await db.query<SchedulableDag>(
    `SELECT dag_id AS "dagId", is_paused AS "isPaused", current_version_id AS "versionId", next_run_at AS "nextRunAt"
     FROM dag WHERE is_active AND current_version_id IS NOT NULL ORDER BY dag_id`,
  );
  return res.rows;
}

const dagsWithQueuedRunsStatement = prepared(
  'dagsWithQueuedRuns',
  `SELECT DISTINCT dag_id AS "dagId" FROM dag_run WHERE state = ${rs.queued}`,
);

/** DAGs that have a run waiting to start: read from the state index, not from each DAG's runs. */
export async function dagsWithQueuedRuns(db: Queryable): Promise<Set<string>> {
  const res = await db.query<{ dagId: string }>(dagsWithQueuedRunsStatement([]));
  return new Set(res.rows.map((r) => r.dagId));
}

export async function readDagVersion(
  db: Queryable,
  versionId: string,
): Promise<{ id: string; dagId: string; hash: string; structure: unknown; bundle: string } | null> {
  const res = await db.query<{ id: string; dagId: string; hash: string; structure: unknown; bundle: string }>(
    `SELECT id, dag_id AS "dagId", hash, structure, bundle FROM dag_version WHERE id = $1`,
    [versionId],
  );
  return res.rows[0] ?? null;
}

/** One probe of `dag_run_scheduled_idx`, however many runs the DAG has had. */
const lastScheduledStatement = prepared(
  'lastScheduledInterval',
  `SELECT data_interval_end AS "dataIntervalEnd" FROM dag_run
   WHERE dag_id = $1 AND run_type = 'scheduled' ORDER BY data_interval_end DESC LIMIT 1`,
);

/** The newest scheduled run's data interval end: where the timetable goes on from. */
export async function lastScheduledInterval(db: Queryable, dagId: string): Promise<{ dataIntervalEnd: Date } | null> {
  const res = await db.query<{ dataIntervalEnd: Date }>(lastScheduledStatement([dagId]));
  return res.rows[0] ?? null;
}

export async function setNextRunAt(db: Queryable, dagId: string, nextRunAt: Date | null): Promise<void> {
  await db.query(`UPDATE dag SET next_run_at = $2 WHERE dag_id = $1 AND next_run_at IS DISTINCT FROM $2`, [
    dagId,
    nextRunAt,
  ]);
}

export async function listRunsInState(
  db: Queryable,
  state: 'queued' | 'running',
): Promise<Array<{ id: string; dagId: string; dagVersionId: string }>> {
  const res = await db.query<{ id: string; dagId: string; dagVersionId: string }>(
    `SELECT id, dag_id AS "dagId", dag_version_id AS "dagVersionId" FROM dag_run WHERE state = $1 ORDER BY queued_at, id`,
    [state],
  );
  return res.rows;
}

/** Tries the database says are queued but which may have no job in Redis any more. */
export async function listQueuedTries(
  db: Queryable,
  queuedBefore: Date,
): Promise<Array<{ taskInstanceId: string; tryNumber: number; queue: string }>> {
  const res = await db.query<{ taskInstanceId: string; tryNumber: number; queue: string }>(
    `SELECT id AS "taskInstanceId", try_number AS "tryNumber", queue FROM task_instance
     WHERE state = ${ts.queued} AND queued_at < $1 ORDER BY queued_at LIMIT 5000`,
    [queuedBefore],
  );
  return res.rows;
}

/** `intervalMs`: how often this scheduler means to beat (health reads a row older than 1.5 × it as stale). */
export async function recordSchedulerHeartbeat(
  db: Queryable,
  id: string,
  hostname: string,
  intervalMs: number | null = null,
): Promise<void> {
  await db.query(
    `INSERT INTO scheduler_heartbeat (id, hostname, interval_ms) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET last_heartbeat_at = now(), interval_ms = EXCLUDED.interval_ms`,
    [id, hostname, intervalMs],
  );
}

/** The DAG's unfinished runs that count against its maxActiveRuns (those of an active backfill do not). */
export async function countActiveRuns(db: Queryable, dagId: string): Promise<number> {
  const res = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM dag_run r WHERE dag_id = $1 AND state IN (${runStatesSql(unfinishedRunStates)})
       AND ${countsAgainstDag('r')}`,
    [dagId],
  );
  return Number(res.rows[0]?.n ?? 0);
}

export async function readDagForTrigger(
  db: Queryable,
  dagId: string,
): Promise<{ dagId: string; isPaused: boolean; versionId: string | null } | null> {
  const res = await db.query<{ dagId: string; isPaused: boolean; versionId: string | null }>(
    `SELECT dag_id AS "dagId", is_paused AS "isPaused", current_version_id AS "versionId" FROM dag WHERE dag_id = $1`,
    [dagId],
  );
  return res.rows[0] ?? null;
}

export interface RunRef {
  id: string;
  dagId: string;
  runId: string;
  state: DagRunState;
  dagVersionId: string;
  logicalDate: Date;
}

export async function findRun(db: Queryable, dagId: string, runId: string): Promise<RunRef | null> {
  const res = await db.query<RunRef>(
    `SELECT id, dag_id AS "dagId", run_id AS "runId", state, dag_version_id AS "dagVersionId",
            logical_date AS "logicalDate"
     FROM dag_run WHERE dag_id = $1 AND run_id = $2`,
    [dagId, runId],
  );
  return res.rows[0] ?? null;
}

export async function setDagPaused(db: Queryable, dagId: string, isPaused: boolean): Promise<boolean> {
  const res = await db.query(`UPDATE dag SET is_paused = $2, updated_at = now() WHERE dag_id = $1`, [dagId, isPaused]);
  return res.rowCount === 1;
}
