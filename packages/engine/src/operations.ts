/**
 * What users do to runs and task instances (API and CLI): clear to rerun,
 * mark success/failed, pause. Each records an audit event.
 */
import { parseTaskKey, type TaskInstanceState, tasksMarkedWithRun } from '@sluice/core';
import {
  markDagRun,
  readTaskStates,
  markTaskInstance,
  recordAuditEvent,
  findRun,
  setDagPaused,
  finishRunIfDone,
  withTransaction,
} from '@sluice/db';
import { NotFoundError } from './errors';
import type { EngineResources } from './resources';
import { scheduleDownstream } from './task-scheduling';

async function requireRun(res: EngineResources, dagId: string, runId: string) {
  const run = await findRun(res.pool, dagId, runId);
  if (!run) throw new NotFoundError(`DAG "${dagId}" has no run "${runId}"`);
  return run;
}

export async function markTask(
  res: EngineResources,
  args: { dagId: string; runId: string; taskId: string; to: 'success' | 'failed'; actor: string },
): Promise<void> {
  const run = await requireRun(res, args.dagId, args.runId);
  const version = await res.dags.get(run.dagVersionId);
  // `load[3]` marks one instance of a mapped task; `load` every instance.
  const { taskId, mapIndex } = parseTaskKey(args.taskId);
  if (!version.tasks.has(taskId)) {
    throw new NotFoundError(`Run "${args.runId}" of DAG "${args.dagId}" has no task "${args.taskId}"`);
  }
  const marked = await withTransaction(res.pool, (tx) =>
    markTaskInstance(tx, {
      dagRunId: run.id,
      taskId,
      ...(mapIndex >= 0 ? { mapIndex } : {}),
      to: args.to,
      actor: args.actor,
    }),
  );
  if (mapIndex >= 0 && !marked)
    throw new NotFoundError(`Run "${args.runId}" of DAG "${args.dagId}" has no task instance "${args.taskId}" to mark`);
  if (marked) await res.queue.enqueueCancels(marked.interrupted);
  await recordAuditEvent(res.pool, {
    actor: args.actor,
    action: args.to === 'success' ? 'mark_success' : 'mark_failed',
    dagId: args.dagId,
    runId: args.runId,
    taskId: args.taskId,
    details: { from: marked?.from ?? null },
  });
  if (marked && run.state === 'running') await scheduleDownstream(res, run.id, run.dagVersionId, [taskId]);
  else if (marked) await finishRunIfDone(res.pool, run.id);
}

/**
 * Marks a run success or failed; `tasks` are the task instances the mark
 * changes (with `dryRun`, would change) and their states before.
 */
export async function markRun(
  res: EngineResources,
  args: { dagId: string; runId: string; to: 'success' | 'failed'; actor: string; dryRun?: boolean | undefined },
): Promise<{ dryRun: boolean; tasks: Array<{ taskId: string; state: TaskInstanceState }> }> {
  const run = await requireRun(res, args.dagId, args.runId);
  const states = (await readTaskStates(res.pool, [run.id])).get(run.id) ?? new Map<string, TaskInstanceState>();
  const tasks = tasksMarkedWithRun(states, args.to).map((taskId) => ({ taskId, state: states.get(taskId) ?? 'none' }));
  if (args.dryRun) return { dryRun: true, tasks };
  const result = await markDagRun(res.pool, { dagRunId: run.id, to: args.to, actor: args.actor });
  await res.queue.enqueueCancels(result.interrupted);
  await recordAuditEvent(res.pool, {
    actor: args.actor,
    action: args.to === 'success' ? 'mark_run_success' : 'mark_run_failed',
    dagId: args.dagId,
    runId: args.runId,
    details: { tasks: result.touchedTaskIds },
  });
  return { dryRun: false, tasks: tasks.filter((t) => result.touchedTaskIds.includes(parseTaskKey(t.taskId).taskId)) };
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
