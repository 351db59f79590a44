/**
 * The tries of every task instance of one run, for the run's Gantt chart:
 * bounded by the run's tasks and their tries, whatever the DAG's history.
 */
import { prepared, type Queryable } from '../sql/queryable';

export interface GanttTryRow {
  taskId: string;
  /** The task instance's state and current try now. */
  state: string;
  currentTry: number;
  /** When the current try was queued; earlier tries' queue times are not kept. */
  queuedAt: Date | null;
  /** null when the task instance has no try yet (it waits or is queued). */
  tryNumber: number | null;
  tryState: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
}

const ganttStatement = prepared(
  'read.runGantt',
  `SELECT ti.task_id AS "taskId", ti.state, ti.try_number AS "currentTry", ti.queued_at AS "queuedAt",
          t.try_number AS "tryNumber", t.state AS "tryState", t.started_at AS "startedAt", t.ended_at AS "endedAt"
   FROM task_instance ti LEFT JOIN task_try t ON t.task_instance_id = ti.id
   WHERE ti.dag_run_id = $1
   ORDER BY ti.task_id, t.try_number`,
);

export async function readRunGantt(db: Queryable, dagRunId: string): Promise<GanttTryRow[]> {
  return (await db.query<GanttTryRow>(ganttStatement([dagRunId]))).rows;
}
