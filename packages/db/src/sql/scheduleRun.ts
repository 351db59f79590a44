/**
 * The one transaction in which task instances of a run are promoted:
 * snapshot → pure decision → conditional writes. The DAG row is locked first,
 * so decisions about one DAG (its maxActiveTasks, and two upstreams finishing
 * at once) are taken one at a time by whichever scheduler or worker gets
 * there; every write is still conditional on the state it was decided from.
 *
 * The snapshot is read in runSnapshot.ts, the decisions applied in
 * applyDecisions.ts (promotions only: applyPromotions.ts).
 */
import type { Pool, QueryConfig, QueryResult } from 'pg';
import { DEFAULT_QUEUE, type DagRunState } from '@sluice/core';
import { applyDecisions } from './applyDecisions';
import { writesSomething, type Decisions, type ScheduleRunResult } from './decisionWrites';
import { readSnapshot, type RunSnapshot } from './runSnapshot';

export { applyDecisions, moves, runMoves } from './applyDecisions';
export { NO_FLUSH_WAIT, promotesOnly, writesSomething } from './decisionWrites';
export type { Decisions, ScheduleRunResult } from './decisionWrites';
export { TI_COLUMNS, lockDagOfRun } from './runSnapshot';
export type { RunSnapshot, TaskInstanceRow } from './runSnapshot';

function nothingDone(runState: DagRunState | null): ScheduleRunResult {
  return { enqueued: [], finished: [], interrupted: [], resumed: [], runState, claimed: null };
}

const defaultQueueOnly: ReadonlySet<string> = new Set([DEFAULT_QUEUE]);

export interface ScheduleRunOptions {
  /**
   * Claim the first try this pass queues for a worker on this host, in the
   * pass's own transaction: the worker that asks runs it at once, and it is
   * not put on the queue. Applies to a pass that only promotes tasks.
   */
  claimFirstFor?: string;
  /** The queues the claiming worker serves: only a try on one of them is claimed (default: the default queue). */
  claimQueues?: ReadonlySet<string>;
  /**
   * Decide first on a snapshot read without the DAG lock, and take the lock
   * (reading and deciding again under it) only when that decision writes
   * something. The safety-net pass over a large run mostly finds nothing to
   * do; this keeps it from holding up the fast path of every worker.
   */
  lockOnlyToWrite?: boolean;
  /**
   * A write to commit first, in a transaction of its own, in the same round
   * trip as the pass's reads (which then see it): a try's finish, when the
   * pass evaluates its downstream. `applied` is given its result; when it
   * says the write changed nothing, the pass stops there.
   */
  committedFirst?: { statement: QueryConfig; applied(result: QueryResult): boolean };
}

export async function scheduleRun(
  pool: Pool,
  runId: string,
  onlyTaskIds: readonly string[] | null,
  decide: (snapshot: RunSnapshot) => Decisions,
  opts: ScheduleRunOptions = {},
): Promise<ScheduleRunResult> {
  const client = await pool.connect();
  try {
    if (opts.lockOnlyToWrite) {
      const peek = await readSnapshot(client, runId, onlyTaskIds, { lock: false });
      if (peek === 'not applied') throw new Error('a pass that locks only to write commits nothing first');
      if (peek?.run.state !== 'running') return nothingDone(peek?.run.state ?? null);
      if (!writesSomething(decide(peek))) return nothingDone(peek.run.state);
    }
    const snapshot = await readSnapshot(client, runId, onlyTaskIds, { lock: true, first: opts.committedFirst });
    if (snapshot === 'not applied') {
      await client.query('COMMIT');
      return nothingDone(null);
    }
    if (snapshot?.run.state !== 'running') {
      await client.query('COMMIT');
      return nothingDone(snapshot?.run.state ?? null);
    }
    // applyDecisions commits.
    const claimant =
      opts.claimFirstFor === undefined
        ? null
        : { hostname: opts.claimFirstFor, queues: opts.claimQueues ?? defaultQueueOnly };
    return await applyDecisions(client, snapshot, decide(snapshot), claimant);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
