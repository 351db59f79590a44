/**
 * Liveness of the processes: worker heartbeat rows (written from each
 * worker's event loop), the schedulers' rows, and the reading health makes
 * of both. Ages are computed by Postgres, so clocks of other hosts do not
 * matter. Statements here change no task or run state.
 */
import { unfinishedTaskStates } from '@sluice/core';
import type { Queryable } from './queryable';
import { taskStatesSql, ts, type RunMove, type TaskMove } from './states';

export const moves: readonly TaskMove[] = [];
export const runMoves: readonly RunMove[] = [];

export interface WorkerBeat {
  id: string;
  hostname: string;
  intervalMs: number;
  eventLoopLagMs: number;
  runningTries: number;
}

export async function recordWorkerHeartbeat(db: Queryable, beat: WorkerBeat): Promise<void> {
  await db.query(
    `INSERT INTO worker_heartbeat (id, hostname, interval_ms, event_loop_lag_ms, running_tries)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET last_heartbeat_at = now(), interval_ms = EXCLUDED.interval_ms,
       event_loop_lag_ms = EXCLUDED.event_loop_lag_ms, running_tries = EXCLUDED.running_tries`,
    [beat.id, beat.hostname, beat.intervalMs, Math.round(beat.eventLoopLagMs), beat.runningTries],
  );
}

/** A process that stops cleanly takes its row with it: only a process that died leaves a stale one. */
export async function removeHeartbeat(db: Queryable, kind: 'worker' | 'scheduler', id: string): Promise<void> {
  await db.query(`DELETE FROM ${kind === 'worker' ? 'worker_heartbeat' : 'scheduler_heartbeat'} WHERE id = $1`, [id]);
}

export interface ProcessBeat {
  id: string;
  hostname: string;
  lastHeartbeatAt: Date;
  /** How long ago, by Postgres's clock. */
  ageMs: number;
  intervalMs: number | null;
  eventLoopLagMs: number | null;
  runningTries: number | null;
}

/** Schedulers and workers heard from within `withinMs`, newest first. */
export async function readLiveness(
  db: Queryable,
  withinMs: number,
): Promise<{ schedulers: ProcessBeat[]; workers: ProcessBeat[] }> {
  const age = `(EXTRACT(EPOCH FROM clock_timestamp() - last_heartbeat_at) * 1000)::float8`;
  const [schedulers, workers] = await Promise.all([
    db.query<ProcessBeat>(
      `SELECT id, hostname, last_heartbeat_at AS "lastHeartbeatAt", ${age} AS "ageMs", interval_ms AS "intervalMs",
              NULL::int AS "eventLoopLagMs", NULL::int AS "runningTries"
       FROM scheduler_heartbeat WHERE last_heartbeat_at > now() - $1 * interval '1 millisecond'
       ORDER BY last_heartbeat_at DESC LIMIT 100`,
      [withinMs],
    ),
    db.query<ProcessBeat>(
      `SELECT id, hostname, last_heartbeat_at AS "lastHeartbeatAt", ${age} AS "ageMs", interval_ms AS "intervalMs",
              event_loop_lag_ms AS "eventLoopLagMs", running_tries AS "runningTries"
       FROM worker_heartbeat WHERE last_heartbeat_at > now() - $1 * interval '1 millisecond'
       ORDER BY last_heartbeat_at DESC LIMIT 100`,
      [withinMs],
    ),
  ]);
  return { schedulers: schedulers.rows, workers: workers.rows };
}

/** Numbers the metrics of the whole deployment read: cheap, each answered from a partial index. */
export interface ClusterCounts {
  /** Task instances in each unfinished state. */
  taskInstances: Record<string, number>;
  /** Age of the oldest queued try, in seconds; 0 when none is queued. */
  oldestQueuedAgeSeconds: number;
  importErrors: number;
  /** Age of the newest scheduler heartbeat, in seconds; null when none was ever recorded. */
  schedulerHeartbeatAgeSeconds: number | null;
}

export async function readClusterCounts(db: Queryable): Promise<ClusterCounts> {
  const res = await db.query<{
    counts: Record<string, number> | null;
    oldest: number | null;
    errors: number;
    beat: number | null;
  }>(
    `SELECT
       (SELECT jsonb_object_agg(state, n) FROM (
          SELECT state, count(*)::int AS n FROM task_instance
          WHERE state IN (${taskStatesSql(unfinishedTaskStates)}) GROUP BY state) s) AS counts,
       (SELECT EXTRACT(EPOCH FROM now() - min(queued_at))::float8 FROM task_instance WHERE state = ${ts.queued}) AS oldest,
       (SELECT count(*)::int FROM import_error) AS errors,
       (SELECT EXTRACT(EPOCH FROM now() - max(last_heartbeat_at))::float8 FROM scheduler_heartbeat) AS beat`,
  );
  const row = res.rows[0];
  return {
    taskInstances: row?.counts ?? {},
    oldestQueuedAgeSeconds: row?.oldest ?? 0,
    importErrors: row?.errors ?? 0,
    schedulerHeartbeatAgeSeconds: row?.beat ?? null,
  };
}
