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
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import { DEFAULT_QUEUE, taskKey, type DagRunState, type TaskDecision } from '@sluice/core';
import { expandMappedTask } from './expandMappedTasks';
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

type Expand = Extract<TaskDecision, { type: 'expand' }>;

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

/** Rounds of expansion one pass makes at most: each expands the mapped tasks its decision reached. */
const MAX_EXPANSION_ROUNDS = 8;

/**
 * A decision that expands mapped tasks is applied in part: the expansions
 * (in this transaction, under the DAG lock), then the run is read and
 * decided again, so the new instances are scheduled in the same pass.
 * `ended`: the mapped tasks an expansion skipped or failed.
 */
async function expandThenDecide(
  client: PoolClient,
  runId: string,
  onlyTaskIds: readonly string[] | null,
  first: RunSnapshot,
  decide: (snapshot: RunSnapshot) => Decisions,
): Promise<{ snapshot: RunSnapshot | null; decisions: Decisions; ended: string[] }> {
  let snapshot = first;
  let decisions = decide(snapshot);
  const ended: string[] = [];
  for (let round = 0; round < MAX_EXPANSION_ROUNDS; round++) {
    const expands = decisions.tasks.filter((d): d is Expand => d.type === 'expand');
    if (expands.length === 0) break;
    const byKey = new Map(snapshot.taskInstances.map((t) => [taskKey(t.taskId, t.mapIndex), t]));
    for (const d of expands) {
      const ti = byKey.get(d.taskId);
      if (ti === undefined) continue;
      const done = await expandMappedTask(client, {
        taskInstanceId: ti.id,
        dagRunId: runId,
        taskId: ti.taskId,
        map: d.map,
        maxMapLength: d.maxMapLength,
      });
      if (done.applied && done.kind !== 'expand') ended.push(d.taskId);
    }
    const again = await readSnapshot(client, runId, onlyTaskIds, { lock: true, again: true });
    if (again === null || again === 'not applied') return { snapshot: null, decisions, ended };
    snapshot = again;
    decisions = decide(snapshot);
  }
  // Anything still to expand waits for the next pass.
  return { snapshot, decisions: { ...decisions, tasks: decisions.tasks.filter((d) => d.type !== 'expand') }, ended };
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
    const claimant =
      opts.claimFirstFor === undefined
        ? null
        : { hostname: opts.claimFirstFor, queues: opts.claimQueues ?? defaultQueueOnly };
    const { snapshot: latest, decisions, ended } = await expandThenDecide(client, runId, onlyTaskIds, snapshot, decide);
    if (latest === null) {
      await client.query('COMMIT');
      return { ...nothingDone(null), finished: ended };
    }
    // applyDecisions commits.
    const result = await applyDecisions(client, latest, decisions, claimant);
    return ended.length === 0 ? result : { ...result, finished: [...ended, ...result.finished] };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
