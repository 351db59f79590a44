/**
 * A worker records how a try ended: `running → success | failed |
 * up_for_retry | skipped | deferred`, conditional on the try still being the
 * running one (a clear or a timeout in between wins). The try row and the
 * output are written in the same statement.
 */
import { prepared, type Queryable } from './queryable';
import type { LogChunk } from './taskLogs';
import type { SerializedError } from '@sluice/core';

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
     SELECT dag_run_id AS "dagRunId", task_id AS "taskId" FROM fin`,
);

export async function finishTaskTry(db: Queryable, args: FinishTryArgs): Promise<{ dagRunId: string; taskId: string } | null> {
  const res = await db.query<{ dagRunId: string; taskId: string }>(finishStatement([
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
    ]));
  return res.rows[0] ?? null;
}

const finishRunStatement = prepared(
  'finishRunIfDone',
  `UPDATE dag_run SET updated_at = now(), ended_at = now(),
       state = CASE WHEN EXISTS (SELECT 1 FROM task_instance WHERE dag_run_id = $1 AND state IN ('failed', 'upstream_failed'))
                    THEN 'failed' ELSE 'success' END
     WHERE id = $1 AND state = 'running'
       AND NOT EXISTS (SELECT 1 FROM task_instance WHERE dag_run_id = $1
                       AND state NOT IN ('success', 'failed', 'skipped', 'upstream_failed'))
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
       AND state NOT IN ('success', 'failed', 'skipped', 'upstream_failed')
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
