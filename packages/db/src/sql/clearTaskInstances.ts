/**
 * Clears task instances so they run again: back to `none` with their tries
 * topped up (Airflow: max_tries = try_number + retries + 1), and the run
 * reopened when it had ended. A running try is closed in the same statement
 * (its row failed, ended, `stopped_by` "cleared by <actor>"); its worker
 * sees at its next heartbeat that the try is no longer live, and kills it.
 */
import type { Pool } from 'pg';
import { TaskInstanceState, stoppedTryState, taskKey, taskStatesAllowedBefore, terminalRunStates } from '@sluice/core';
import { withTransaction } from './queryable';
import { recordCancelRequests } from './cancelRequests';
import { rs, runStatesSql, taskStatesSql, ts, type RunMove, type TaskMove } from './states';
import {
  INTERRUPTED_COLUMNS,
  closeStoppedTries,
  interruptedTries,
  type InterruptedRow,
  type InterruptedTry,
} from './interrupted';

/** Every state a clear may send back to `none`: all but `none` itself. */
const CLEARABLE = taskStatesAllowedBefore(TaskInstanceState.none);

export const moves: readonly TaskMove[] = [{ from: CLEARABLE, to: 'none' }];
export const runMoves: readonly RunMove[] = [{ from: [...terminalRunStates], to: 'queued' }];

export interface ClearArgs {
  dagRunId: string;
  /** task id → tries one clear allows (retries + 1). */
  tasks: ReadonlyMap<string, number>;
  /** task id → the instances of that mapped task to clear (`load[3]`…); a task not here is cleared whole. */
  mapIndexes?: ReadonlyMap<string, readonly number[]>;
  /** Who cleared: recorded on a try the clear stopped ("cleared by alice"). */
  actor: string;
}

export const clearStatement = `WITH moved AS (
       UPDATE task_instance ti SET state = ${ts.none}, next_retry_at = NULL, queued_at = NULL, followed = NULL,
         max_tries = ti.try_number + c.tries, updated_at = now()
       FROM unnest($2::text[], $3::int[], $5::int[]) AS c(task_id, tries, map_index),
            (SELECT id, state, external FROM task_instance WHERE dag_run_id = $1 ORDER BY id FOR UPDATE) prev
       WHERE ti.dag_run_id = $1 AND ti.task_id = c.task_id AND (c.map_index IS NULL OR ti.map_index = c.map_index)
         AND ti.state IN (${taskStatesSql(CLEARABLE)}) AND prev.id = ti.id
       RETURNING ti.task_id, ti.map_index, ${INTERRUPTED_COLUMNS}
     ), ${closeStoppedTries({ moved: 'moved', state: ts[stoppedTryState], stoppedBy: `'cleared by ' || $4::text` })}
     SELECT * FROM moved`;

export const reopenStatement = `UPDATE dag_run SET state = ${rs.queued}, ended_at = NULL, updated_at = now()
         WHERE id = $1 AND state IN (${runStatesSql(terminalRunStates)})`;

/** Clears the task instances named; `cleared` are the keys of those it moved (`load`, `load[3]`), by task then map index. */
export async function clearTaskInstances(
  pool: Pool,
  args: ClearArgs,
): Promise<{ cleared: string[]; interrupted: InterruptedTry[] }> {
  // One row per task cleared whole (map index null), one per instance of a task cleared in part.
  const rows = [...args.tasks].flatMap(([taskId, tries]) =>
    (args.mapIndexes?.get(taskId) ?? [null]).map((mapIndex) => ({ taskId, tries, mapIndex })),
  );
  return withTransaction(pool, async (client) => {
    const res = await client.query<{ task_id: string; map_index: number } & InterruptedRow>(clearStatement, [
      args.dagRunId,
      rows.map((r) => r.taskId),
      rows.map((r) => r.tries),
      args.actor,
      rows.map((r) => r.mapIndex),
    ]);
    if (res.rows.length > 0) await client.query(reopenStatement, [args.dagRunId]);
    const interrupted = interruptedTries(res.rows);
    await recordCancelRequests(client, interrupted, 'cleared');
    const cleared = res.rows.map((r) => ({ key: taskKey(r.task_id, r.map_index), ...r }));
    cleared.sort((a, b) => (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : a.map_index - b.map_index));
    return { cleared: cleared.map((r) => r.key), interrupted };
  });
}
