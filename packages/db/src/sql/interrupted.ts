/**
 * Tries that a user action or a timeout took away while they had an
 * external job going (an EMR step, a Glue run): the transaction that takes
 * them away records a cancel request for each (cancelRequests.ts), which
 * workers carry out. A try that recorded nothing started nothing.
 */
export interface InterruptedTry {
  taskInstanceId: string;
  tryNumber: number;
}

export interface InterruptedRow {
  ti_id: string;
  ti_try: number;
  prev_state: string;
  had_external: boolean;
}

/** Columns to RETURN from an UPDATE … FROM (SELECT … FOR UPDATE) prev that moves task instances. */
export const INTERRUPTED_COLUMNS = `ti.id AS ti_id, ti.try_number AS ti_try, prev.state AS prev_state,
  (prev.external IS NOT NULL) AS had_external`;

export function interruptedTries(rows: readonly InterruptedRow[]): InterruptedTry[] {
  return rows
    .filter((r) => r.had_external && (r.prev_state === 'running' || r.prev_state === 'deferred'))
    .map((r) => ({ taskInstanceId: r.ti_id, tryNumber: r.ti_try }));
}
