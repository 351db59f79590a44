/**
 * What users do to runs and task instances (API and CLI): clear to rerun,
 * mark success/failed, pause. Each records an audit event.
 */
import {
  clearTaskInstances,
  markDagRun,
  markTaskInstance,
  recordAuditEvent,
  findRun,
  setDagPaused,
  finishRunIfDone,
  withTransaction,
} from '@sluice/db';
import { withSetupsAndTeardowns } from '@sluice/core';
import { withDownstream } from './dag-cache';
import { NotFoundError } from './errors';
import type { EngineResources } from './resources';
import { startRuns } from './run-creation';
import { scheduleDownstream, scheduleWholeRun } from './task-scheduling';

async function requireRun(res: EngineResources, dagId: string, runId: string) {
  const run = await findRun(res.pool, dagId, runId);
  if (!run) throw new NotFoundError(`DAG "${dagId}" has no run "${runId}"`);
  return run;
}

export async function clearTask(
  res: EngineResources,
  args: { dagId: string; runId: string; taskId: string; downstream: boolean; actor: string },
): Promise<string[]> {
  const run = await requireRun(res, args.dagId, args.runId);
  const version = await res.dags.get(run.dagVersionId);
  const task = version.tasks.get(args.taskId);
  if (!task) throw new NotFoundError(`Run "${args.runId}" of DAG "${args.dagId}" has no task "${args.taskId}"`);
  // A task inside a setup's scope reruns with its setup and teardown (a cluster is made again, then released).
  const ids = withSetupsAndTeardowns(
    version.spec,
    args.downstream ? withDownstream(version, args.taskId) : [args.taskId],
  );
  const tries = new Map(ids.map((id) => [id, (version.tasks.get(id)?.retry.retries ?? 0) + 1]));
  const { cleared, interrupted } = await clearTaskInstances(res.pool, {
    dagRunId: run.id,
    tasks: tries,
    actor: args.actor,
  });
  await res.queue.enqueueCancels(interrupted);
  await recordAuditEvent(res.pool, {
    actor: args.actor,
    action: 'clear',
    dagId: args.dagId,
    runId: args.runId,
    taskId: args.taskId,
    details: { downstream: args.downstream, cleared },
  });
  if (cleared.length > 0) {
    // A finished run was reopened as queued; a running one just has work again.
    if (run.state === 'running') await scheduleWholeRun(res, run.id, run.dagVersionId);
    else await startRuns(res, args.dagId, version);
  }
  return cleared;
}

export async function markTask(
  res: EngineResources,
  args: { dagId: string; runId: string; taskId: string; to: 'success' | 'failed'; actor: string },
): Promise<void> {
  const run = await requireRun(res, args.dagId, args.runId);
  const version = await res.dags.get(run.dagVersionId);
  if (!version.tasks.has(args.taskId)) {
    throw new NotFoundError(`Run "${args.runId}" of DAG "${args.dagId}" has no task "${args.taskId}"`);
  }
  const marked = await withTransaction(res.pool, (tx) =>
    markTaskInstance(tx, { dagRunId: run.id, taskId: args.taskId, to: args.to, actor: args.actor }),
  );
  if (marked) await res.queue.enqueueCancels(marked.interrupted);
  await recordAuditEvent(res.pool, {
    actor: args.actor,
    action: args.to === 'success' ? 'mark_success' : 'mark_failed',
    dagId: args.dagId,
    runId: args.runId,
    taskId: args.taskId,
    details: { from: marked?.from ?? null },
  });
  if (marked && run.state === 'running') await scheduleDownstream(res, run.id, run.dagVersionId, [args.taskId]);
  else if (marked) await finishRunIfDone(res.pool, run.id);
}

export async function markRun(
  res: EngineResources,
  args: { dagId: string; runId: string; to: 'success' | 'failed'; actor: string },
): Promise<void> {
  const run = await requireRun(res, args.dagId, args.runId);
  const result = await markDagRun(res.pool, { dagRunId: run.id, to: args.to, actor: args.actor });
  await res.queue.enqueueCancels(result.interrupted);
  await recordAuditEvent(res.pool, {
    actor: args.actor,
    action: args.to === 'success' ? 'mark_run_success' : 'mark_run_failed',
    dagId: args.dagId,
    runId: args.runId,
    details: { tasks: result.touchedTaskIds },
  });
}

export async function setPaused(
  res: EngineResources,
  args: { dagId: string; isPaused: boolean; actor: string },
): Promise<void> {
  const found = await setDagPaused(res.pool, args.dagId, args.isPaused);
  if (!found) throw new NotFoundError(`DAG "${args.dagId}" does not exist`);
  await recordAuditEvent(res.pool, {
    actor: args.actor,
    action: args.isPaused ? 'pause' : 'unpause',
    dagId: args.dagId,
  });
}
