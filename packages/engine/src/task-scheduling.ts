/**
 * Task promotion: evaluate a run's task instances with the pure `decide`
 * and apply the result. The periodic loop evaluates whole runs; the fast
 * path evaluates only the direct downstream of a task that just ended, so
 * the next task starts within milliseconds.
 */
import {
  decide,
  isTerminalRunState,
  parseTaskKey,
  successDecidesEarly,
  taskKey,
  type TaskInstanceView,
} from '@sluice/core';
import {
  anyUnfinished,
  finishRunIfDone,
  tasksWaitingForSlot,
  scheduleRun,
  scheduleRuns,
  writesSomething,
  afterFinish,
  finishTriesStatement,
  type ClaimedTry,
  type FinishRow,
  type FinishTryArgs,
  type FinishedTry,
  type RunSnapshot,
  type ScheduleRunOptions,
  type ScheduleRunResult,
} from '@sluice/db';
import type { CachedDagVersion } from './dag-cache';
import type { EngineResources } from './resources';
import { logPassDecisions } from './event-log';
import { traceRunEnd } from './tracer';
import { queueFailedTryCallbacks } from './callbacks';

function toDecisionInput(
  res: EngineResources,
  version: CachedDagVersion,
  snap: RunSnapshot,
  only: ReadonlySet<string> | undefined,
) {
  const tasks = new Map<string, TaskInstanceView>(
    snap.taskInstances.map((ti) => [taskKey(ti.taskId, ti.mapIndex), ti]),
  );
  const freePoolSlots = new Map<string, number>();
  for (const [name, p] of snap.pools) freePoolSlots.set(name, Math.max(0, p.slots - p.used));
  return {
    dag: version.spec,
    run: { state: snap.run.state, startedAt: snap.run.startedAt, runId: snap.run.id },
    tasks,
    now: snap.now,
    freeTaskSlots: Math.max(0, version.spec.maxActiveTasks - snap.activeInDag),
    freePoolSlots,
    activeByTask: snap.activeByTask,
    ...(only ? { only } : {}),
    heartbeatTimeoutMs: res.settings.heartbeatTimeoutMs,
    timeoutGraceMs: res.settings.timeoutGraceMs,
  };
}

/** Puts on the queue what a scheduling pass decided, after its transaction committed. */
async function dispatch(res: EngineResources, result: ScheduleRunResult): Promise<void> {
  await res.queue.enqueueRuns(result.enqueued);
  await res.queue.enqueueCancels(result.interrupted);
  for (const r of result.resumed) {
    res.logger.warn(r, 'the worker waiting on an external job is gone; another worker resumes the wait');
    await res.queue.enqueueCheck(r);
  }
}

/** Evaluates every task instance of a running run (a run's start, and the safety-net pass). */
export async function scheduleWholeRun(
  res: EngineResources,
  dagRunId: string,
  dagVersionId: string,
  opts: ScheduleRunOptions = {},
): Promise<ScheduleRunResult> {
  const version = await res.dags.get(dagVersionId);
  const seen: { decided: ReturnType<typeof decide> | null; snap: RunSnapshot | null } = { decided: null, snap: null };
  const result = await scheduleRun(
    res.pool,
    dagRunId,
    null,
    (snap) => {
      seen.snap = snap;
      seen.decided = decide(toDecisionInput(res, version, snap, undefined));
      return seen.decided;
    },
    opts,
  );
  await dispatch(res, result);
  await afterPass(res, version, dagRunId, seen.decided, seen.snap);
  if (
    res.trace &&
    seen.snap &&
    result.runState !== null &&
    result.runState !== seen.snap.run.state &&
    isTerminalRunState(result.runState)
  )
    await traceRunEnd(res, dagRunId);
  return result;
}

/** Evaluates runs of one DAG that just started, all in one pass (a burst of triggers). */
export async function scheduleStartedRuns(
  res: EngineResources,
  runs: ReadonlyArray<{ id: string; dagVersionId: string }>,
): Promise<void> {
  const versions = new Map<string, CachedDagVersion>();
  for (const r of runs)
    if (!versions.has(r.dagVersionId)) versions.set(r.dagVersionId, await res.dags.get(r.dagVersionId));
  const results = await scheduleRuns(
    res.pool,
    runs.map((r) => r.id),
    (snap) => {
      const version = versions.get(snap.run.dagVersionId);
      if (!version) throw new Error(`DAG version ${snap.run.dagVersionId} of run ${snap.run.id} was not loaded`);
      return decide(toDecisionInput(res, version, snap, undefined));
    },
  );
  // One addBulk for all: a burst of runs costs one Redis round trip per start.
  await dispatch(res, {
    enqueued: results.flatMap((r) => r.enqueued),
    finished: [],
    interrupted: results.flatMap((r) => r.interrupted),
    resumed: results.flatMap((r) => r.resumed),
    runState: null,
    claimed: null,
  });
}

/** Whether deciding on this snapshot of a running run would write anything (what the safety net looks for). */
export async function hasWorkToDo(res: EngineResources, dagVersionId: string, snap: RunSnapshot): Promise<boolean> {
  if (snap.run.state !== 'running') return false;
  const version = await res.dags.get(dagVersionId);
  return writesSomething(decide(toDecisionInput(res, version, snap, undefined)));
}

/**
 * Downstream tasks a success cannot have made decidable: their rule waits
 * for every upstream and another upstream is still going. Checked before
 * taking the DAG lock, so a join of a thousand upstreams is evaluated once,
 * by the last of them, instead of a thousand times. Safe without the lock:
 * each finishing task asks after its own commit, so the last of two
 * finishing together sees the other finished.
 */
async function stillWaiting(
  res: EngineResources,
  version: CachedDagVersion,
  dagRunId: string,
  candidates: ReadonlySet<string>,
  succeeded: ReadonlySet<string>,
): Promise<Set<string>> {
  const waiting = new Set<string>();
  for (const id of candidates) {
    const task = version.tasks.get(id);
    if (!task || successDecidesEarly(task.triggerRule)) continue;
    // Last declared first: tasks are queued in the order they are declared, so those end last.
    // A mapped upstream that succeeded may still have other instances going.
    const others = task.upstream.filter((u) => !succeeded.has(u) || version.tasks.get(u)?.map !== undefined).reverse();
    if (others.length > 0 && (await anyUnfinished(res.pool, dagRunId, others))) waiting.add(id);
  }
  return waiting;
}

/**
 * The mapped tasks among `finished` with an instance waiting for a slot,
 * which the instance that just ended may have freed. Asked after the
 * finish committed and without the DAG lock: an uncapped map (every
 * instance queued at expansion) then costs one index probe per instance
 * that ends, not a locked pass reading every sibling. A sibling a pass
 * moves to scheduled while this finish commits is taken by the next pass
 * over the run (another instance's end, or the periodic one).
 */
async function siblingsWaiting(
  res: EngineResources,
  version: CachedDagVersion,
  dagRunId: string,
  finished: readonly string[],
): Promise<string[]> {
  const mapped = finished.filter((id) => version.tasks.get(id)?.map !== undefined);
  return mapped.length === 0 ? [] : tasksWaitingForSlot(res.pool, dagRunId, mapped);
}

/**
 * The fast path: evaluates the direct downstream of `finishedTaskIds`, and
 * on through tasks that this pass itself ends (skips, upstream_failed), then
 * ends the run if that pass ended its last tasks. (A run whose last task is
 * the one that just finished was ended by `finishTaskTry`.) `succeeded` says
 * the finished tasks ended in success, which lets joins still waiting on
 * others be passed over.
 *
 * With `claimFor` (the worker's host), the first try this queues on one of
 * `claimQueues` is claimed for the caller in the same transaction and
 * returned instead of being put on the queue: the worker whose try just
 * ended runs it in the slot it holds, with no trip through Redis and no
 * claim of its own. A try on a queue the worker does not serve goes to its
 * queue's workers.
 */
export async function scheduleDownstream(
  res: EngineResources,
  dagRunId: string,
  dagVersionId: string,
  finishedTaskIds: readonly string[],
  opts: {
    succeeded?: boolean;
    claimFor?: string;
    /** The queues the claiming worker serves; a try on another is put on its queue. */
    claimQueues?: ReadonlySet<string>;
    committedFirst?: ScheduleRunOptions['committedFirst'];
  } = {},
): Promise<ClaimedTry | null> {
  const version = await res.dags.get(dagVersionId);
  let frontier: readonly string[] = finishedTaskIds;
  const seen = new Set<string>();
  let first = true;
  let endedAny = false;
  let claimed: ClaimedTry | null = null;
  while (frontier.length > 0) {
    const only = new Set<string>();
    for (const id of frontier) for (const d of version.downstream.get(id) ?? []) if (!seen.has(d)) only.add(d);
    // An instance of a mapped task ended: its siblings waiting for a slot may take the one it freed.
    const siblings = first ? await siblingsWaiting(res, version, dagRunId, frontier) : [];
    // A branch's success decides the downstream it did not follow at once, whatever else they wait for.
    if (first && opts.succeeded && !frontier.some((id) => version.tasks.get(id)?.branch !== undefined)) {
      for (const id of await stillWaiting(res, version, dagRunId, only, new Set(frontier))) only.delete(id);
    }
    first = false;
    for (const id of siblings) only.add(id);
    if (only.size === 0) break;
    for (const id of only) seen.add(id);
    const withUpstream = new Set(only);
    for (const id of only) for (const up of version.tasks.get(id)?.upstream ?? []) withUpstream.add(up);
    for (const id of version.skippingShortCircuits) withUpstream.add(id);
    const result = await scheduleRun(
      res.pool,
      dagRunId,
      [...withUpstream],
      (snap) => {
        const decisions = decide(toDecisionInput(res, version, snap, only));
        // Whether the run is over is not for a partial view to say.
        return { tasks: decisions.tasks, run: null };
      },
      {
        ...(opts.claimFor !== undefined && claimed === null
          ? { claimFirstFor: opts.claimFor, ...(opts.claimQueues ? { claimQueues: opts.claimQueues } : {}) }
          : {}),
        ...(frontier === finishedTaskIds && opts.committedFirst ? { committedFirst: opts.committedFirst } : {}),
      },
    );
    await dispatch(res, result);
    claimed ??= result.claimed;
    frontier = [...new Set(result.finished.map((key) => parseTaskKey(key).taskId))];
    if (frontier.length > 0) endedAny = true;
  }
  if (endedAny && (await finishRunIfDone(res.pool, dagRunId)) !== null) await traceRunEnd(res, dagRunId);
  return claimed;
}

/**
 * Whether a success of `taskId` can be recorded in the same round trip as
 * the pass over its downstream: it has some, and none of them is a join
 * whose other upstreams a success must first be checked against.
 */
export function finishesWithDownstream(version: CachedDagVersion, taskId: string): boolean {
  const down = version.downstream.get(taskId) ?? [];
  // A mapped task's downstream waits for its other instances: checked after the finish commits.
  if (version.tasks.get(taskId)?.map !== undefined) return false;
  return (
    down.length > 0 &&
    down.every((id) => {
      const task = version.tasks.get(id);
      return task !== undefined && (successDecidesEarly(task.triggerRule) || task.upstream.every((u) => u === taskId));
    })
  );
}

/**
 * The fast path with the finish in it: the successful try's finish commits
 * (synchronously, in its own transaction) in the round trip that also takes
 * the DAG lock and reads its downstream, which the pass then promotes, the
 * first claimed for `claimFor`. One round trip fewer between two tasks.
 */
export async function finishAndScheduleDownstream(
  res: EngineResources,
  claim: { dagRunId: string; dagVersionId: string; taskId: string },
  args: FinishTryArgs,
  claimFor: string,
  claimQueues?: ReadonlySet<string>,
): Promise<{ finished: FinishedTry | null; next: ClaimedTry | null }> {
  let rows: FinishRow[] = [];
  const next = await scheduleDownstream(res, claim.dagRunId, claim.dagVersionId, [claim.taskId], {
    claimFor,
    ...(claimQueues ? { claimQueues } : {}),
    committedFirst: {
      statement: finishTriesStatement([args]),
      applied: (result) => {
        rows = result.rows as FinishRow[];
        return rows.length > 0;
      },
    },
  });
  const [finished] = await afterFinish(res.pool, [args], rows);
  return { finished: finished ?? null, next };
}

/** What a committed pass did that is logged, and the callbacks of the tries it failed (lost worker, timeout). */
async function afterPass(
  res: EngineResources,
  version: CachedDagVersion,
  dagRunId: string,
  decided: ReturnType<typeof decide> | null,
  snap: RunSnapshot | null,
): Promise<void> {
  logPassDecisions(res, dagRunId, decided);
  const failed = [];
  for (const d of decided?.tasks ?? []) {
    if (d.type !== 'fail_try') continue;
    const ti = snap?.taskInstances.find((t) => taskKey(t.taskId, t.mapIndex) === d.taskId);
    if (!ti) continue;
    failed.push({ taskId: ti.taskId, taskInstanceId: ti.id, tryNumber: d.tryNumber, to: d.to });
    if (res.trace && snap && ti.startedAt) {
      res.trace.tryEnded(
        {
          dagId: version.spec.dagId,
          dagRunId,
          runId: null,
          taskId: ti.taskId,
          taskInstanceId: ti.id,
          tryNumber: d.tryNumber,
          maxTries: ti.maxTries,
          operator: version.tasks.get(ti.taskId)?.operator.kind ?? 'unknown',
          startedAt: ti.startedAt,
        },
        { state: d.to, endedAt: snap.now, pool: ti.pool, hostname: null, error: { name: d.cause, message: d.reason } },
      );
    }
  }
  if (failed.length > 0) await queueFailedTryCallbacks(res, version, dagRunId, failed);
}
