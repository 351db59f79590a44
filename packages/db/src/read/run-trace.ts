import type { Queryable } from '../sql/queryable';

/** A run that ended and its task instances, as its trace shows them. */
export interface RunTrace {
  id: string;
  dagId: string;
  runId: string;
  runType: string;
  state: string;
  queuedAt: Date;
  endedAt: Date | null;
  deadlineAt: Date | null;
  deadlineMissedAt: Date | null;
  taskInstances: Array<{
    id: string;
    taskId: string;
    state: string;
    tryNumber: number;
    pool: string;
    operator: string;
    /** When its first try started; null when it never ran (skipped, upstream failed). */
    firstStartedAt: Date | null;
    endedAt: Date | null;
  }>;
}

/** One run and its task instances (bounded by the DAG's tasks, never by history); null when the run is gone. */
export async function readRunTrace(db: Queryable, dagRunId: string): Promise<RunTrace | null> {
  const run = await db.query<Omit<RunTrace, 'taskInstances'>>(
    `SELECT id, dag_id AS "dagId", run_id AS "runId", run_type AS "runType", state, queued_at AS "queuedAt",
            ended_at AS "endedAt", deadline_at AS "deadlineAt", deadline_missed_at AS "deadlineMissedAt"
       FROM dag_run WHERE id = $1`,
    [dagRunId],
  );
  const row = run.rows[0];
  if (!row) return null;
  const tis = await db.query<RunTrace['taskInstances'][number]>(
    `SELECT ti.id, ti.task_id AS "taskId", ti.state, ti.try_number AS "tryNumber", ti.pool, ti.operator,
            (SELECT min(t.started_at) FROM task_try t WHERE t.task_instance_id = ti.id) AS "firstStartedAt",
            ti.ended_at AS "endedAt"
       FROM task_instance ti WHERE ti.dag_run_id = $1 ORDER BY ti.task_id`,
    [dagRunId],
  );
  return { ...row, taskInstances: tis.rows };
}
