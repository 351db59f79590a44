/**
 * A run past its dagrunTimeout: what it left unfinished is skipped (as in
 * Airflow), and a try running or deferred under one of those tasks is
 * closed in the same statement, `stopped_by` "run timed out". Its worker
 * sees at its next heartbeat that the try is no longer live, and kills it.
 * Sent by scheduleRun inside its transaction; $1 is the run, $2 the task ids.
 */
import { unfinishedTaskStates } from '@sluice/core';
import { INTERRUPTED_COLUMNS, STOPPED_TRY_STATE, closeStoppedTries } from './interrupted';
import { taskStatesSql, ts, type TaskMove } from './states';

/** Who stopped a try its run's timeout took away. */
export const RUN_TIMED_OUT = 'run timed out';

export const moves: readonly TaskMove[] = [{ from: [...unfinishedTaskStates], to: 'skipped' }];

/** Rows: `task_id` and INTERRUPTED_COLUMNS of each task it skipped. */
export const skipTimedOutTasksStatement = `WITH moved AS (
       UPDATE task_instance ti SET state = ${ts.skipped}, ended_at = now(), next_retry_at = NULL, updated_at = now()
       FROM (SELECT id, state, external FROM task_instance WHERE dag_run_id = $1 ORDER BY id FOR UPDATE) prev
       WHERE ti.id = prev.id AND ti.task_id = ANY($2::text[])
         AND ti.state IN (${taskStatesSql(unfinishedTaskStates)})
       RETURNING ti.task_id, ${INTERRUPTED_COLUMNS}
     ), ${closeStoppedTries({ moved: 'moved', state: STOPPED_TRY_STATE, stoppedBy: `'${RUN_TIMED_OUT}'` })}
     SELECT * FROM moved`;
