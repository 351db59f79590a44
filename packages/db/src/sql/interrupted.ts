/**
 * Tries that a user action or a timeout took away while they ran: their
 * rows are closed in the statement that moves their task instances, and
 * for those that had an external job going (an EMR step, a Glue run) the
 * same transaction records a cancel request (cancelRequests.ts), which
 * workers carry out. A try that recorded nothing started nothing.
 */
import { stoppableTaskStates, stoppedTryState, terminalTaskStates, type TaskInstanceState } from '@sluice/core';
import { taskStatesSql, ts } from './states';

export interface InterruptedTry {
  taskInstanceId: string;
  tryNumber: number;
}

export interface InterruptedRow {
  ti_id: string;
  ti_try: number;
  prev_state: TaskInstanceState;
  ti_state: TaskInstanceState;
  had_external: boolean;
}

/** Columns to RETURN from an UPDATE … FROM (SELECT … FOR UPDATE) prev that moves task instances. */
export const INTERRUPTED_COLUMNS = `ti.id AS ti_id, ti.try_number AS ti_try, ti.state AS ti_state, prev.state AS prev_state,
  (prev.external IS NOT NULL) AS had_external`;

export function interruptedTries(rows: readonly InterruptedRow[]): InterruptedTry[] {
  return rows
    .filter((r) => r.had_external && stoppableTaskStates.has(r.prev_state))
    .map((r) => ({ taskInstanceId: r.ti_id, tryNumber: r.ti_try }));
}

/** States an open (not yet ended) try row is in. */
export const OPEN_TRY_STATES = taskStatesSql(stoppableTaskStates);

/**
 * A CTE, `closed`, that ends the open try row of each task instance a
 * preceding CTE moved (it must RETURN INTERRUPTED_COLUMNS): state `state`
 * (SQL, may use the moved row as `m`, e.g. `m.ti_state`), ended_at, its
 * duration, and `stopped_by`, an SQL text expression naming who stopped it.
 * Used in the statement that moves the task instances, so the try is closed
 * in the same transaction; the worker running it sees at its next
 * heartbeat that the try is no longer live, and stops it.
 */
export function closeStoppedTries(args: { moved: string; state: string; stoppedBy: string }): string {
  return `closed AS (
       UPDATE task_try tt SET state = ${args.state}, ended_at = now(), stopped_by = ${args.stoppedBy},
         duration_ms = CASE WHEN tt.started_at IS NULL THEN NULL ELSE (extract(epoch FROM now() - tt.started_at) * 1000)::int END
       FROM ${args.moved} m
       WHERE tt.task_instance_id = m.ti_id AND tt.try_number = m.ti_try
         AND tt.ended_at IS NULL AND tt.state IN (${OPEN_TRY_STATES})
       RETURNING tt.task_instance_id
     )`;
}

/** The state a stopped try's row takes: its task instance's new state when that ended it, else failed. */
export const STOPPED_TRY_STATE = `CASE WHEN m.ti_state IN (${taskStatesSql(terminalTaskStates)}) THEN m.ti_state ELSE ${ts[stoppedTryState]} END`;
