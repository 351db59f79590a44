/**
 * Task promotion: evaluate a run's task instances with the pure `decide`
 * and apply the result. The periodic loop evaluates whole runs; the fast
 * path evaluates only the direct downstream of a task that just ended, so
 * the next task starts within milliseconds.
 */
import { decide, type TaskInstanceView } from '@sluice/core';
import { finishRunIfDone, scheduleRun, type RunSnapshot, type ScheduleRunResult } from '@sluice/db';
import type { CachedDagVersion } from './dag-cache';
import type { EngineResources } from './resources';

function toDecisionInput(res: EngineResources, version: CachedDagVersion, snap: RunSnapshot, only: ReadonlySet<string> | undefined) {
  const tasks = new Map<string, TaskInstanceView>(snap.taskInstances.map((ti) => [ti.taskId, ti]));
  const freePoolSlots = new Map<string, number>();
  for (const [name, p] of snap.pools) freePoolSlots.set(name, Math.max(0, p.slots - p.used));
  return {
    dag: version.spec,
    run: { state: snap.run.state, startedAt: snap.run.startedAt, runId: snap.run.id },
    tasks,
    now: snap.now,
    freeTaskSlots: Math.max(0, version.spec.maxActiveTasks - snap.activeInDag),
    freePoolSlots,
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

/** Evaluates every task instance of a running run (the safety-net pass). */
export async function scheduleWholeRun(res: EngineResources, dagRunId: string, dagVersionId: string): Promise<ScheduleRunResult> {
  const version = await res.dags.get(dagVersionId);
  const result = await scheduleRun(res.pool, dagRunId, null, (snap) => decide(toDecisionInput(res, version, snap, undefined)));
  await dispatch(res, result);
  return result;
}

/**
 * The fast path: evaluates the direct downstream of `finishedTaskIds`, and
 * on through tasks that this pass itself ends (skips, upstream_failed), then
 * ends the run if nothing is left to do.
 */
export async function scheduleDownstream(
  res: EngineResources,
  dagRunId: string,
  dagVersionId: string,
  finishedTaskIds: readonly string[],
): Promise<void> {
  const version = await res.dags.get(dagVersionId);
  let frontier = [...finishedTaskIds];
  const seen = new Set<string>();
  while (frontier.length > 0) {
    const only = new Set<string>();
    for (const id of frontier) for (const d of version.downstream.get(id) ?? []) if (!seen.has(d)) only.add(d);
    if (only.size === 0) break;
    for (const id of only) seen.add(id);
    const withUpstream = new Set(only);
    for (const id of only) for (const up of version.tasks.get(id)?.upstream ?? []) withUpstream.add(up);
    const result = await scheduleRun(res.pool, dagRunId, [...withUpstream], (snap) => {
      const decisions = decide(toDecisionInput(res, version, snap, only));
      // Whether the run is over is not for a partial view to say.
      return { tasks: decisions.tasks, run: null };
    });
    await dispatch(res, result);
    frontier = result.finished;
  }
  await finishRunIfDone(res.pool, dagRunId);
}
