/**
 * A user's override: mark a task instance or a whole run success/failed.
 * Marking a run failed fails what is running and skips what has not
 * started (Airflow's set_dag_run_state_to_failed); marking it success
 * marks every unfinished task success. A try running (or deferred) under a
 * task instance that is marked is closed in the same statement: its row
 * takes the task's new state, ended_at and `stopped_by` ("marked failed by
 * alice"); its worker sees at its next heartbeat that the try is no longer
 * live, and kills it.
 */
import type { Pool } from 'pg';
import {
  failedWithRunTaskStates,
  runStatesAllowedBefore,
  taskStatesAllowedBefore,
  unfinishedTaskStates,
  type DagRunState,
  type TaskInstanceState,
} from '@sluice/core';
import { withTransaction, type Queryable } from './queryable';
import { recordCancelRequests } from './cancelRequests';
import { rs, runStatesSql, taskStatesSql, ts, type RunMove, type TaskMove } from './states';
import {
  INTERRUPTED_COLUMNS,
  STOPPED_TRY_STATE,
  closeStoppedTries,
  interruptedTries,
  type InterruptedRow,
  type InterruptedTry,
} from './interrupted';

export type MarkTo = 'success' | 'failed';
const MARKS: readonly MarkTo[] = ['success', 'failed'];

/** Unfinished tasks a run marked failed skips: those that never held a worker. */
const SKIPPED_WITH_RUN: readonly TaskInstanceState[] = [...unfinishedTaskStates].filter(
  (s) => !failedWithRunTaskStates.has(s),
);

/** A task instance marked success or failed. */
export const markTaskMoves: readonly TaskMove[] = MARKS.map((to) => ({ from: taskStatesAllowedBefore(to), to }));
/** The task instances of a run marked failed; marked success, they move as markTaskMoves' success. */
export const markRunFailedMoves: readonly TaskMove[] = [
  { from: [...failedWithRunTaskStates], to: 'failed' },
  { from: SKIPPED_WITH_RUN, to: 'skipped' },
];
export const moves: readonly TaskMove[] = [...markTaskMoves, ...markRunFailedMoves];
export const runMoves: readonly RunMove[] = MARKS.map((to) => ({ from: runStatesAllowedBefore(to), to }));

/** Who stopped a try, as recorded on its row. */
export const stoppedByMark = (to: MarkTo, actor: string): string => `marked ${to} by ${actor}`;
export const stoppedByRunMark = (to: MarkTo, actor: string): string => `run marked ${to} by ${actor}`;

const close = (stoppedBy: string): string => closeStoppedTries({ moved: 'moved', state: STOPPED_TRY_STATE, stoppedBy });

export const markTaskStatement = (to: MarkTo): string => `WITH moved AS (
       UPDATE task_instance ti SET state = ${ts[to]}, ended_at = now(), next_retry_at = NULL, updated_at = now()
       FROM (SELECT id, state, external FROM task_instance
             WHERE dag_run_id = $1 AND task_id = $2 AND ($4::int IS NULL OR map_index = $4::int) ORDER BY id FOR UPDATE) prev
       WHERE ti.id = prev.id AND ti.state IN (${taskStatesSql(taskStatesAllowedBefore(to))})
       RETURNING ti.id, prev.state AS "from", ${INTERRUPTED_COLUMNS}
     ), ${close('$3::text')}
     SELECT * FROM moved`;

export const markRunTasksStatement: Record<MarkTo, string> = {
  failed: `WITH moved AS (
       UPDATE task_instance ti SET updated_at = now(), ended_at = now(), next_retry_at = NULL,
         state = CASE WHEN ti.state IN (${taskStatesSql(failedWithRunTaskStates)}) THEN ${ts.failed} ELSE ${ts.skipped} END
       FROM (SELECT id, state, external FROM task_instance WHERE dag_run_id = $1 ORDER BY id FOR UPDATE) prev
       WHERE ti.id = prev.id AND ti.state IN (${taskStatesSql(unfinishedTaskStates)})
       RETURNING ti.task_id, ${INTERRUPTED_COLUMNS}
     ), ${close('$2::text')}
     SELECT * FROM moved`,
  success: `WITH moved AS (
       UPDATE task_instance ti SET state = ${ts.success}, ended_at = now(), next_retry_at = NULL, updated_at = now()
       FROM (SELECT id, state, external FROM task_instance WHERE dag_run_id = $1 ORDER BY id FOR UPDATE) prev
       WHERE ti.id = prev.id AND ti.state IN (${taskStatesSql(taskStatesAllowedBefore('success'))})
       RETURNING ti.task_id, ${INTERRUPTED_COLUMNS}
     ), ${close('$2::text')}
     SELECT * FROM moved`,
};

export const markRunStatement = (to: MarkTo): string =>
  `UPDATE dag_run SET state = ${rs[to]}, ended_at = now(), started_at = COALESCE(started_at, now()), updated_at = now()
   WHERE id = $1 AND state IN (${runStatesSql(runStatesAllowedBefore(to))})`;

export async function markTaskInstance(
  db: Queryable,
  /** `mapIndex`: one instance of a mapped task; absent: every instance of the task. */
  args: { dagRunId: string; taskId: string; mapIndex?: number; to: MarkTo; actor: string },
): Promise<{ id: string; from: TaskInstanceState; interrupted: InterruptedTry[] } | null> {
  const res = await db.query<{ id: string; from: TaskInstanceState } & InterruptedRow>(markTaskStatement(args.to), [
    args.dagRunId,
    args.taskId,
    stoppedByMark(args.to, args.actor),
    args.mapIndex ?? null,
  ]);
  const row = res.rows[0];
  // Every instance of a mapped task is marked; their jobs' cancel requests
  // commit with the mark, in the caller's transaction.
  const interrupted = interruptedTries(res.rows);
  if (row) await recordCancelRequests(db, interrupted, `marked ${args.to}`);
  return row ? { id: row.id, from: row.from, interrupted } : null;
}

export async function markDagRun(
  pool: Pool,
  args: { dagRunId: string; to: MarkTo; actor: string },
): Promise<{ changed: boolean; touchedTaskIds: string[]; interrupted: InterruptedTry[] }> {
  return withTransaction(pool, async (client) => {
    const run = await client.query<{ state: DagRunState }>(`SELECT state FROM dag_run WHERE id = $1 FOR UPDATE`, [
      args.dagRunId,
    ]);
    const prev = run.rows[0]?.state;
    if (!prev || prev === args.to) return { changed: false, touchedTaskIds: [], interrupted: [] };
    const touched = await client.query<{ task_id: string } & InterruptedRow>(markRunTasksStatement[args.to], [
      args.dagRunId,
      stoppedByRunMark(args.to, args.actor),
    ]);
    await client.query(markRunStatement(args.to), [args.dagRunId]);
    await recordCancelRequests(client, interruptedTries(touched.rows), `run marked ${args.to}`);
    return {
      changed: true,
      touchedTaskIds: touched.rows.map((r) => r.task_id),
      interrupted: interruptedTries(touched.rows),
    };
  });
}
