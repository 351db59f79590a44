/**
 * A DAG's history for its charts, bounded by what is drawn: the task times
 * of its latest runs (one index range of `dag_run_latest_idx`, then those
 * runs' task instances), and a year of runs counted by day and state (an
 * aggregate over that year's range of the same index).
 */
import { prepared, type Queryable } from '../sql/queryable';
import { latestRuns } from './runPages';
import type { RunRow } from './views';

export interface TaskTimeRow {
  dagRunId: string;
  taskId: string;
  state: string;
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
}

const taskTimesStatement = prepared(
  'read.taskTimes',
  `SELECT dag_run_id AS "dagRunId", task_id AS "taskId", state, started_at AS "startedAt", ended_at AS "endedAt",
          duration_ms AS "durationMs"
   FROM task_instance WHERE dag_run_id = ANY($1::uuid[])`,
);

/** The last `limit` runs of a DAG, oldest first, and the times of every task in them. */
export async function readTaskTimes(
  db: Queryable,
  dagId: string,
  limit: number,
): Promise<{ runs: RunRow[]; tasks: TaskTimeRow[] }> {
  const runs = ((await latestRuns(db, [dagId], limit)).get(dagId) ?? []).reverse();
  const tasks = await db.query<TaskTimeRow>(taskTimesStatement([runs.map((r) => r.id)]));
  return { runs, tasks: tasks.rows };
}

export interface RunDayRow {
  /** YYYY-MM-DD of the logical date in the DAG's time zone. */
  day: string;
  state: string;
  runs: number;
}

const runDaysStatement = prepared(
  'read.runDays',
  `SELECT to_char((logical_date AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS day, state, count(*)::int AS runs
   FROM dag_run
   WHERE dag_id = $1
     AND logical_date >= make_timestamptz($2, 1, 1, 0, 0, 0, $3)
     AND logical_date < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, $3)
   GROUP BY 1, 2
   ORDER BY 1, 2`,
);

/** A DAG's runs in one calendar year of `timezone`, counted per day and state. */
export async function readRunDays(db: Queryable, dagId: string, year: number, timezone: string): Promise<RunDayRow[]> {
  return (await db.query<RunDayRow>(runDaysStatement([dagId, year, timezone]))).rows;
}
