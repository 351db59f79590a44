/**
 * A worker claims a queued try: `queued → running`, conditional on the try
 * number in its job, so a duplicate job, a cleared task or a second worker
 * all claim nothing. One round trip: the claim, the try row and the run
 * context come back together.
 */
import { prepared, type Queryable } from './queryable';

export interface ClaimedTry {
  taskInstanceId: string;
  dagRunId: string;
  dagId: string;
  taskId: string;
  tryNumber: number;
  maxTries: number;
  operator: string;
  startedAt: Date;
  runId: string;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  conf: Record<string, unknown>;
  dagVersionId: string;
}

const claimStatement = prepared(
  'claimTaskTry',
  `WITH claimed AS (
       UPDATE task_instance SET state = 'running', started_at = COALESCE(CASE WHEN $4 = 'deferred' THEN started_at END, now()),
         hostname = $3, heartbeat_at = now(), updated_at = now()
       WHERE id = $1 AND state = $4 AND try_number = $2
       RETURNING id, dag_run_id, dag_id, task_id, try_number, max_tries, operator, started_at
     ), tried AS (
       INSERT INTO task_try (task_instance_id, try_number, state, started_at, hostname)
       SELECT id, try_number, 'running', started_at, $3 FROM claimed
       ON CONFLICT (task_instance_id, try_number) DO UPDATE
         SET state = 'running', hostname = EXCLUDED.hostname
     )
     SELECT c.id AS "taskInstanceId", c.dag_run_id AS "dagRunId", c.dag_id AS "dagId", c.task_id AS "taskId",
            c.try_number AS "tryNumber", c.max_tries AS "maxTries", c.operator, c.started_at AS "startedAt",
            r.run_id AS "runId", r.logical_date AS "logicalDate", r.data_interval_start AS "dataIntervalStart",
            r.data_interval_end AS "dataIntervalEnd", r.conf, r.dag_version_id AS "dagVersionId"
     FROM claimed c JOIN dag_run r ON r.id = c.dag_run_id`,
);

export async function claimTaskTry(
  db: Queryable,
  args: { taskInstanceId: string; tryNumber: number; hostname: string; from?: 'queued' | 'deferred' },
): Promise<ClaimedTry | null> {
  const res = await db.query<ClaimedTry>(claimStatement([args.taskInstanceId, args.tryNumber, args.hostname, args.from ?? 'queued']));
  return res.rows[0] ?? null;
}
