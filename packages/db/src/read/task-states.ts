import { type TaskInstanceState, taskKey } from '@sluice/core';
import type { Queryable } from '../sql/queryable';

/** Each run's task instances by key (`load`, or `load[3]` for a mapped task's instance) and their states: what a clear or a mark previews. */
export async function readTaskStates(
  db: Queryable,
  dagRunIds: readonly string[],
): Promise<Map<string, Map<string, TaskInstanceState>>> {
  const res = await db.query<{ dagRunId: string; taskId: string; mapIndex: number; state: TaskInstanceState }>(
    `SELECT dag_run_id AS "dagRunId", task_id AS "taskId", map_index AS "mapIndex", state FROM task_instance
     WHERE dag_run_id = ANY($1::uuid[]) ORDER BY dag_run_id, task_id, map_index`,
    [dagRunIds],
  );
  const byRun = new Map<string, Map<string, TaskInstanceState>>(dagRunIds.map((id) => [id, new Map()]));
  for (const r of res.rows) byRun.get(r.dagRunId)?.set(taskKey(r.taskId, r.mapIndex), r.state);
  return byRun;
}
