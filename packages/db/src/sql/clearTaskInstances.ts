/**
 * Clears task instances so they run again: back to `none` with their tries
 * topped up (Airflow: max_tries = try_number + retries + 1), and the run
 * reopened when it had ended. A running try is closed in the same statement
 * (its row failed, ended, `stopped_by` "cleared by <actor>"); its worker
 * sees at its next heartbeat that the try is no longer live, and kills it.
 */
import type { Pool } from 'pg';
import { TaskInstanceState, stoppedTryState, taskStatesAllowedBefore, terminalRunStates } from '@sluice/core';
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
  /** task id → the one instance of that mapped task to clear (`load[3]`); a task not here is cleared whole. */
  mapIndexes?: ReadonlyMap<string, number>;
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
       RETURNING ti.task_id, ${INTERRUPTED_COLUMNS}
     ), ${closeStoppedTries({ moved: 'moved', state: ts[stoppedTryState], stoppedBy: `'cleared by ' || $4::text` })}
     SELECT * FROM moved`;

export const reopenStatement = `UPDATE dag_run SET state = ${rs.queued}, ended_at = NULL, updated_at = now()
         WHERE id = $1 AND state IN (${runStatesSql(terminalRunStates)})`;

export async function clearTaskInstances(
  pool: Pool,
  args: ClearArgs,
): Promise<{ cleared: string[]; interrupted: InterruptedTry[] }> {
  const taskIds = [...args.tasks.keys()];
  return withTransaction(pool, async (client) => {
    const res = await client.query<{ task_id: string } & InterruptedRow>(clearStatement, [
      args.dagRunId,
      taskIds,
      taskIds.map((t) => args.tasks.get(t) ?? 1),
      args.actor,
      taskIds.map((t) => args.mapIndexes?.get(t) ?? null),
    ]);
    if (res.rows.length > 0) await client.query(reopenStatement, [args.dagRunId]);
    const interrupted = interruptedTries(res.rows);
    await recordCancelRequests(client, interrupted, 'cleared');
    return { cleared: [...new Set(res.rows.map((r) => r.task_id))].sort(), interrupted };
  });
}
