/**
 * What a cross-DAG task reads of another DAG: one run by its id (the run a
 * `sluice.triggerDag` task made), or the newest run at a logical date and
 * one of its task instances (what a `sluice.dagRunSensor` waits for). Reads
 * only; each is one index probe.
 */
import type { DagRunState, TaskInstanceState } from '@sluice/core';
import type { Queryable } from './queryable';

/** The state of a DAG's run `runId`, or null when there is no such run. */
export async function readRunState(db: Queryable, dagId: string, runId: string): Promise<DagRunState | null> {
  const res = await db.query<{ state: DagRunState }>(`SELECT state FROM dag_run WHERE dag_id = $1 AND run_id = $2`, [
    dagId,
    runId,
  ]);
  return res.rows[0]?.state ?? null;
}

export interface SensedRun {
  /** The newest run at the logical date (a manual run and a scheduled one may share it), or null. */
  run: { runId: string; state: DagRunState } | null;
  /** With a task id: that task instance's state in the run, null when the run (or the task in it) is missing. */
  taskState: TaskInstanceState | null;
}

/** The newest run of `dagId` at `logicalDate`, and the state of `taskId` in it; null when the DAG does not exist. */
export async function readRunAt(
  db: Queryable,
  dagId: string,
  logicalDate: Date,
  taskId: string | null,
): Promise<SensedRun | null> {
  const res = await db.query<{
    runId: string | null;
    runState: DagRunState | null;
    taskState: TaskInstanceState | null;
  }>(
    `SELECT r.run_id AS "runId", r.state AS "runState", ti.state AS "taskState"
       FROM dag d
       LEFT JOIN LATERAL (
         SELECT id, run_id, state FROM dag_run
         WHERE dag_id = d.dag_id AND logical_date = $2
         ORDER BY queued_at DESC, id DESC LIMIT 1) r ON true
       LEFT JOIN task_instance ti ON ti.dag_run_id = r.id AND ti.task_id = $3
      WHERE d.dag_id = $1`,
    [dagId, logicalDate, taskId],
  );
  const row = res.rows[0];
  if (!row) return null;
  return {
    run: row.runId === null || row.runState === null ? null : { runId: row.runId, state: row.runState },
    taskState: row.taskState,
  };
}
