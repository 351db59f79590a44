/**
 * A worker records how a try ended: `running → success | failed |
 * up_for_retry | skipped | deferred`, conditional on the try still being the
 * running one (a clear or a timeout in between wins). The try row, the
 * output and the last log lines are written in the same statement; once it
 * committed, the run is ended if that was its last unfinished task.
 */
import { prepared, type Queryable } from './queryable';
import type { LogChunk } from './taskLogs';
import { taskInstanceStates, terminalTaskStates, type SerializedError } from '@sluice/core';

/**
 * States a task instance can still leave without a user clearing it, as a SQL
 * list. Listed rather than negated, so `(dag_run_id, state)` answers "is
 * anything left in this run" from the unfinished rows alone.
 */
const UNFINISHED = taskInstanceStates
  .filter((s) => !terminalTaskStates.has(s))
  .map((s) => `'${s}'`)
  .join(', ');

/**
 * Unfinished states a task instance cannot leave for a terminal one without
 * passing through `running` (or a scheduling pass or user action that checks
 * the run's end itself after committing). While one of these is in the run,
 * a finishing try leaves the run's end to whoever finishes that one.
 */
const NOT_STARTED = ['none', 'scheduled', 'queued', 'up_for_retry'].map((s) => `'${s}'`).join(', ');

export type TryOutcome = 'success' | 'failed' | 'up_for_retry' | 'skipped';

export interface FinishTryArgs {
  taskInstanceId: string;
  tryNumber: number;
  to: TryOutcome;
  nextRetryAt?: Date | null;
  error?: SerializedError | null;
  /** JSON text of the task's return value; undefined when it returned nothing. */
  outputJson?: string | undefined;
  external?: Record<string, unknown> | null;
  /** The try's last log lines, written in the same statement. */
  logs?: readonly LogChunk[];
}

const finishStatement = prepared(
  'finishTaskTry',
  `WITH fin AS (
       UPDATE task_instance SET state = $3, ended_at = now(), next_retry_at = $4, updated_at = now(),
         duration_ms = (extract(epoch FROM now() - started_at) * 1000)::int,
         external = COALESCE($7::jsonb, external)
       WHERE id = $1 AND state = 'running' AND try_number = $2
       RETURNING id, dag_run_id, task_id, ended_at, duration_ms
     ), t AS (
       UPDATE task_try SET state = $3, ended_at = fin.ended_at, duration_ms = fin.duration_ms, error = $5::jsonb,
         external = COALESCE($7::jsonb, task_try.external)
       FROM fin WHERE task_try.task_instance_id = fin.id AND task_try.try_number = $2
     ), o AS (
       INSERT INTO task_output (task_instance_id, try_number, value)
       SELECT fin.id, $2, $6::jsonb FROM fin WHERE $6::text IS NOT NULL
       ON CONFLICT (task_instance_id) DO UPDATE SET try_number = EXCLUDED.try_number, value = EXCLUDED.value, created_at = now()
     ), l AS (
       INSERT INTO task_log (task_instance_id, try_number, seq, stream, text)
       SELECT fin.id, $2, c.seq, c.stream, c.text FROM fin, unnest($8::int[], $9::text[], $10::text[]) AS c(seq, stream, text)
       ON CONFLICT (task_instance_id, try_number, seq) DO NOTHING
     )
     SELECT dag_run_id AS "dagRunId", task_id AS "taskId",
       EXISTS (SELECT 1 FROM task_instance o WHERE o.dag_run_id = fin.dag_run_id AND o.state IN (${NOT_STARTED})) AS "othersPending"
     FROM fin`,
);

export interface FinishedTry {
  dagRunId: string;
  taskId: string;
  /** How the run ended, when this was its last unfinished task; else null. */
  runState: 'success' | 'failed' | null;
}

/**
 * Null when the try was not the running one any more (nothing written).
 *
 * The run's end is checked after the finish committed, in a new snapshot,
 * so of two last tasks finishing together the later check sees both. It is
 * skipped while the run still has a task that has not started: that task's
 * own finish (or the pass that skips it) checks later.
 */
export async function finishTaskTry(db: Queryable, args: FinishTryArgs): Promise<FinishedTry | null> {
  const res = await db.query<{ dagRunId: string; taskId: string; othersPending: boolean }>(
    finishStatement([
      args.taskInstanceId,
      args.tryNumber,
      args.to,
      args.nextRetryAt ?? null,
      args.error ? JSON.stringify(args.error) : null,
      args.outputJson ?? null,
      args.external ? JSON.stringify(args.external) : null,
      (args.logs ?? []).map((c) => c.seq),
      (args.logs ?? []).map((c) => c.stream),
      (args.logs ?? []).map((c) => c.text),
    ]),
  );
  const row = res.rows[0];
  if (!row) return null;
  const runState = row.othersPending ? null : await finishRunIfDone(db, row.dagRunId);
  return { dagRunId: row.dagRunId, taskId: row.taskId, runState };
}

/** Ends the run when none of its task instances is unfinished: failed if one failed, else success. */
const finishRunStatement = prepared(
  'finishRunIfDone',
  `UPDATE dag_run SET updated_at = now(), ended_at = now(),
       state = CASE WHEN EXISTS (SELECT 1 FROM task_instance WHERE dag_run_id = $1 AND state IN ('failed', 'upstream_failed'))
                    THEN 'failed' ELSE 'success' END
     WHERE id = $1 AND state = 'running'
       AND NOT EXISTS (SELECT 1 FROM task_instance WHERE dag_run_id = $1 AND state IN (${UNFINISHED}))
     RETURNING state`,
);

/**
 * Ends a run whose task instances are all terminal. Runs after the task's own
 * transaction committed, so of two tasks finishing together at least the
 * later one sees both.
 */
export async function finishRunIfDone(db: Queryable, dagRunId: string): Promise<'success' | 'failed' | null> {
  const res = await db.query<{ state: 'success' | 'failed' }>(finishRunStatement([dagRunId]));
  return res.rows[0]?.state ?? null;
}

const anyUnfinishedStatement = prepared(
  'anyUnfinished',
  `SELECT 1 FROM task_instance
     WHERE dag_run_id = $1 AND task_id = ANY($2::text[])
       AND state IN (${UNFINISHED})
     LIMIT 1`,
);

/**
 * Whether any of these task instances of a run has not finished yet. The
 * fast path asks it before evaluating a join: while another upstream is
 * still going, a success cannot decide an all_success-style join.
 */
export async function anyUnfinished(db: Queryable, dagRunId: string, taskIds: readonly string[]): Promise<boolean> {
  if (taskIds.length === 0) return false;
  const res = await db.query(anyUnfinishedStatement([dagRunId, taskIds]));
  return res.rows.length > 0;
}
