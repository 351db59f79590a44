/**
 * External jobs: a try parks as `deferred` while its EMR step or Glue run
 * works, holding no worker slot; what identifies the job is kept on the try
 * (and mirrored on the task instance for the API) from before the submit
 * call on, so a later try or another worker can adopt it.
 */
import type { Queryable } from './queryable';
import { ts, taskStatesSql, type TaskMove } from './states';

/** A try parks while its external job works (recordTryExternal moves nothing). */
export const moves: readonly TaskMove[] = [{ from: ['running'], to: 'deferred' }];

/** `running → deferred` until `nextCheckAt`, conditional on the try still being this one. */
export async function deferTaskTry(
  db: Queryable,
  args: { taskInstanceId: string; tryNumber: number; external: unknown; nextCheckAt: Date },
): Promise<boolean> {
  const res = await db.query(
    `WITH d AS (
       UPDATE task_instance SET state = ${ts.deferred}, next_retry_at = $4, heartbeat_at = NULL, hostname = NULL,
         external = $3::jsonb, updated_at = now()
       WHERE id = $1 AND state = ${ts.running} AND try_number = $2
       RETURNING id
     )
     UPDATE task_try SET state = ${ts.deferred}, external = $3::jsonb
     FROM d WHERE task_try.task_instance_id = d.id AND task_try.try_number = $2
     RETURNING task_try.id`,
    [args.taskInstanceId, args.tryNumber, JSON.stringify(args.external), args.nextCheckAt],
  );
  return res.rowCount === 1;
}

/** Records what the try started (or is about to start) without changing its state. */
export async function recordTryExternal(
  db: Queryable,
  args: { taskInstanceId: string; tryNumber: number; external: unknown },
): Promise<boolean> {
  const res = await db.query(
    `WITH ti AS (
       UPDATE task_instance SET external = $3::jsonb, updated_at = now()
       WHERE id = $1 AND try_number = $2 AND state IN (${taskStatesSql(['running', 'deferred'])})
       RETURNING id
     )
     UPDATE task_try SET external = $3::jsonb
     FROM ti WHERE task_try.task_instance_id = ti.id AND task_try.try_number = $2
     RETURNING task_try.id`,
    [args.taskInstanceId, args.tryNumber, JSON.stringify(args.external)],
  );
  return res.rowCount === 1;
}

/** What every try of a task instance recorded, newest try first, and whether its job was asked to stop. */
export async function readTryExternals(
  db: Queryable,
  taskInstanceId: string,
): Promise<Array<{ tryNumber: number; external: unknown; cancelRequested: boolean }>> {
  const res = await db.query<{ tryNumber: number; external: unknown; cancelRequested: boolean }>(
    `SELECT t.try_number AS "tryNumber", t.external, (c.try_number IS NOT NULL) AS "cancelRequested" FROM task_try t
     LEFT JOIN cancel_request c ON c.task_instance_id = t.task_instance_id AND c.try_number = t.try_number
     WHERE t.task_instance_id = $1 AND t.external IS NOT NULL ORDER BY t.try_number DESC`,
    [taskInstanceId],
  );
  return res.rows;
}

/** Deferred tries whose check is overdue: their check job may be lost with Redis. */
export async function listOverdueDeferredTries(
  db: Queryable,
  dueBefore: Date,
): Promise<Array<{ taskInstanceId: string; tryNumber: number; dueAt: Date }>> {
  const res = await db.query<{ taskInstanceId: string; tryNumber: number; dueAt: Date }>(
    `SELECT id AS "taskInstanceId", try_number AS "tryNumber", next_retry_at AS "dueAt" FROM task_instance
     WHERE state = ${ts.deferred} AND next_retry_at < $1 ORDER BY next_retry_at LIMIT 5000`,
    [dueBefore],
  );
  return res.rows;
}

/** What a cancel needs: the try's operator, its DAG version, its run's values (to render options) and what it recorded. */
export interface TryForCancel {
  dagId: string;
  runId: string;
  taskId: string;
  dagVersionId: string;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  conf: Record<string, unknown>;
  external: unknown;
}

export async function readTryForCancel(
  db: Queryable,
  taskInstanceId: string,
  tryNumber: number,
): Promise<TryForCancel | null> {
  const res = await db.query<TryForCancel>(
    `SELECT ti.dag_id AS "dagId", r.run_id AS "runId", ti.task_id AS "taskId", r.dag_version_id AS "dagVersionId",
            r.logical_date AS "logicalDate", r.data_interval_start AS "dataIntervalStart",
            r.data_interval_end AS "dataIntervalEnd", r.conf, tt.external
     FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id
     JOIN task_try tt ON tt.task_instance_id = ti.id AND tt.try_number = $2
     WHERE ti.id = $1`,
    [taskInstanceId, tryNumber],
  );
  return res.rows[0] ?? null;
}
