/**
 * Callback runs: one row per callback to run for one event (a try's end, a
 * run's missed deadline), recorded once by its key. A worker claims an
 * attempt (pushing `next_attempt_at` past a lease, so a duplicate job or the
 * scheduler's re-enqueue does not run it at the same time), runs it and
 * records the outcome; a failed attempt is tried again after a backoff until
 * its attempts are used up. Statements here change no task or run state.
 */
import type { SerializedError } from '@sluice/core';
import type { Queryable } from './queryable';
import { runStatesSql, type RunMove, type TaskMove } from './states';

export const moves: readonly TaskMove[] = [];
export const runMoves: readonly RunMove[] = [];

/** Where a callback run stands. */
export const callbackRunStates = ['pending', 'running', 'success', 'failed'] as const;
export type CallbackRunState = (typeof callbackRunStates)[number];

export interface NewCallbackRun {
  dagRunId: string;
  taskInstanceId: string | null;
  tryNumber: number | null;
  event: string;
  scope: 'dag' | 'task';
  position: number;
  /** function, or the notifier's kind. */
  kind: string;
  maxAttempts: number;
  timeoutMs: number;
}

/** The key that makes an event record its callbacks once. */
export function callbackRunKey(c: NewCallbackRun): string {
  return [c.dagRunId, c.taskInstanceId ?? '-', c.tryNumber ?? 0, c.event, c.scope, c.position].join(':');
}

/** Records callback runs; returns the ids of those not recorded before (an event fires once). */
export async function recordCallbackRuns(db: Queryable, runs: readonly NewCallbackRun[]): Promise<string[]> {
  if (runs.length === 0) return [];
  const res = await db.query<{ id: string }>(
    `INSERT INTO callback_run (key, dag_run_id, task_instance_id, try_number, event, scope, position, kind, max_attempts, timeout_ms)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[], $9::int[], $10::int[])
     ON CONFLICT (key) DO NOTHING
     RETURNING id`,
    [
      runs.map(callbackRunKey),
      runs.map((r) => r.dagRunId),
      runs.map((r) => r.taskInstanceId),
      runs.map((r) => r.tryNumber),
      runs.map((r) => r.event),
      runs.map((r) => r.scope),
      runs.map((r) => r.position),
      runs.map((r) => r.kind),
      runs.map((r) => r.maxAttempts),
      runs.map((r) => r.timeoutMs),
    ],
  );
  return res.rows.map((r) => r.id);
}

/** What a worker needs to run one attempt: the callback's place, and the facts its context holds. */
export interface CallbackAttempt {
  id: string;
  attempt: number;
  maxAttempts: number;
  timeoutMs: number;
  event: string;
  scope: 'dag' | 'task';
  position: number;
  kind: string;
  dagVersionId: string;
  dagId: string;
  runId: string;
  runState: string;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  conf: Record<string, unknown>;
  deadlineAt: Date | null;
  taskId: string | null;
  taskState: string | null;
  tryNumber: number | null;
  maxTries: number | null;
  tryError: SerializedError | null;
}

/**
 * Takes the next attempt of a callback run that is due; null when there is
 * none now. The run is held for its timeout plus `graceMs`.
 */
export async function claimCallbackAttempt(
  db: Queryable,
  args: { id: string; graceMs: number },
): Promise<CallbackAttempt | null> {
  const res = await db.query<CallbackAttempt>(
    `WITH c AS (
       UPDATE callback_run SET attempts = attempts + 1, state = 'running',
         next_attempt_at = now() + (timeout_ms + $2) * interval '1 millisecond'
       WHERE id = $1 AND state IN ('pending', 'running') AND next_attempt_at <= now() AND attempts < max_attempts
       RETURNING *)
     SELECT c.id, c.attempts AS attempt, c.max_attempts AS "maxAttempts", c.timeout_ms AS "timeoutMs", c.event,
            c.scope, c.position, c.kind, r.dag_version_id AS "dagVersionId", r.dag_id AS "dagId", r.run_id AS "runId",
            r.state AS "runState", r.logical_date AS "logicalDate", r.data_interval_start AS "dataIntervalStart",
            r.data_interval_end AS "dataIntervalEnd", r.conf, r.deadline_at AS "deadlineAt",
            ti.task_id AS "taskId", tt.state AS "taskState", c.try_number AS "tryNumber", ti.max_tries AS "maxTries",
            tt.error AS "tryError"
     FROM c JOIN dag_run r ON r.id = c.dag_run_id
     LEFT JOIN task_instance ti ON ti.id = c.task_instance_id
     LEFT JOIN task_try tt ON tt.task_instance_id = c.task_instance_id AND tt.try_number = c.try_number`,
    [args.id, args.graceMs],
  );
  return res.rows[0] ?? null;
}

/**
 * Ends an attempt: success; or, when it failed, failed for good if its
 * attempts are used up, else pending again in `retryInMs`. `log` is appended.
 * Returns the state and, when pending, when the next attempt is due.
 */
export async function finishCallbackAttempt(
  db: Queryable,
  args: { id: string; ok: boolean; error: SerializedError | null; log: string; retryInMs: number },
): Promise<{ state: CallbackRunState; nextAttemptAt: Date | null } | null> {
  const res = await db.query<{ state: CallbackRunState; nextAttemptAt: Date | null }>(
    `UPDATE callback_run SET
       state = CASE WHEN $2 THEN 'success' WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
       ended_at = CASE WHEN $2 OR attempts >= max_attempts THEN now() END,
       last_error = CASE WHEN $2 THEN last_error ELSE $3::jsonb END,
       log = log || $4,
       next_attempt_at = now() + $5 * interval '1 millisecond'
     WHERE id = $1 AND state = 'running'
     RETURNING state, CASE WHEN state = 'pending' THEN next_attempt_at END AS "nextAttemptAt"`,
    [args.id, args.ok, args.error === null ? null : JSON.stringify(args.error), args.log, args.retryInMs],
  );
  return res.rows[0] ?? null;
}

/** Callback runs due before `dueBefore` and not finished: Redis may have lost their job, or their worker died. */
export async function listDueCallbackRuns(db: Queryable, dueBefore: Date): Promise<Array<{ id: string; dueAt: Date }>> {
  const res = await db.query<{ id: string; dueAt: Date }>(
    `SELECT id, next_attempt_at AS "dueAt" FROM callback_run
     WHERE state IN ('pending', 'running') AND next_attempt_at < $1 AND attempts < max_attempts
     ORDER BY next_attempt_at LIMIT 1000`,
    [dueBefore],
  );
  return res.rows;
}

/** A callback run as the API shows it on the run. */
export interface CallbackRunView {
  id: string;
  event: string;
  scope: string;
  kind: string;
  taskId: string | null;
  tryNumber: number | null;
  state: CallbackRunState;
  attempts: number;
  maxAttempts: number;
  lastError: SerializedError | null;
  log: string;
  createdAt: Date;
  endedAt: Date | null;
}

/** The callbacks of a run, oldest first. */
export async function listRunCallbacks(db: Queryable, dagRunId: string): Promise<CallbackRunView[]> {
  const res = await db.query<CallbackRunView>(
    `SELECT c.id, c.event, c.scope, c.kind, ti.task_id AS "taskId", c.try_number AS "tryNumber", c.state, c.attempts,
            c.max_attempts AS "maxAttempts", c.last_error AS "lastError", c.log, c.created_at AS "createdAt",
            c.ended_at AS "endedAt"
     FROM callback_run c LEFT JOIN task_instance ti ON ti.id = c.task_instance_id
     WHERE c.dag_run_id = $1 ORDER BY c.created_at, c.position`,
    [dagRunId],
  );
  return res.rows;
}

export interface MissedDeadline {
  dagRunId: string;
  dagVersionId: string;
  deadlineAt: Date;
}

/**
 * Marks unfinished runs past their deadline as missed — once: a run marked
 * is never returned again — and returns them. One statement per pass,
 * whatever the number of runs: it reads `dag_run_deadline_idx` up to `now`.
 */
export async function takeMissedDeadlines(db: Queryable, limit = 500): Promise<MissedDeadline[]> {
  const res = await db.query<MissedDeadline>(
    `UPDATE dag_run SET deadline_missed_at = now()
     WHERE id IN (
       SELECT id FROM dag_run
       WHERE deadline_missed_at IS NULL AND state IN (${runStatesSql(['queued', 'running'])}) AND deadline_at <= now()
       ORDER BY deadline_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING id AS "dagRunId", dag_version_id AS "dagVersionId", deadline_at AS "deadlineAt"`,
    [limit],
  );
  return res.rows;
}

/** A run's deadline as the API shows it: when it is, and when it was found missed. */
export async function readRunDeadline(
  db: Queryable,
  dagRunId: string,
): Promise<{ deadlineAt: Date | null; deadlineMissedAt: Date | null }> {
  const res = await db.query<{ deadlineAt: Date | null; deadlineMissedAt: Date | null }>(
    `SELECT deadline_at AS "deadlineAt", deadline_missed_at AS "deadlineMissedAt" FROM dag_run WHERE id = $1`,
    [dagRunId],
  );
  return res.rows[0] ?? { deadlineAt: null, deadlineMissedAt: null };
}
