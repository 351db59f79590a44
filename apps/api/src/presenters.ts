/** Database rows → the API's JSON (packages/client types). */
import {
  DagSpec,
  assertNever,
  evaluateTriggerRule,
  taskGroups,
  topologicalOrder,
  type TaskInstanceState,
} from '@sluice/core';
import type { DagBundleRow, DagRow, DeadlineMissRow, RunRow, TaskInstanceRowView } from '@sluice/db';
import type { AssetWait } from '@sluice/client';
import { commitFileUrl } from './source-links';
import type {
  DagDetail,
  DagSummary,
  RunState,
  RunSummary,
  RunType,
  TaskInstance,
  TaskNode,
  TaskState,
} from '@sluice/client';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentRun(r: RunRow): RunSummary {
  return {
    runId: r.runId,
    state: r.state as RunState,
    runType: r.runType as RunType,
    logicalDate: r.logicalDate.toISOString(),
    dataIntervalStart: r.dataIntervalStart.toISOString(),
    dataIntervalEnd: r.dataIntervalEnd.toISOString(),
    startedAt: iso(r.startedAt),
    endedAt: iso(r.endedAt),
  };
}

export function parseSpec(structure: unknown): DagSpec {
  return DagSpec.parse(structure);
}

export function taskNodes(spec: DagSpec): TaskNode[] {
  const byId = new Map(spec.tasks.map((t) => [t.taskId, t]));
  return topologicalOrder(spec).flatMap((id) => {
    const t = byId.get(id);
    return t
      ? [
          {
            taskId: t.taskId,
            operator: t.operator.kind,
            upstream: t.upstream,
            triggerRule: t.triggerRule,
            retries: t.retry.retries,
            group: t.group ?? null,
            role: t.role ?? null,
            branch: t.branch?.kind ?? null,
          },
        ]
      : [];
  });
}

/** `bundle`: the git DAG bundle the scheduler reads, if any, for the link to the file at the version's commit. */
export function presentDag(row: DagRow, spec: DagSpec, bundle?: DagBundleRow): DagSummary {
  return {
    dagId: row.dagId,
    description: spec.description,
    schedule: spec.schedule,
    timezone: spec.timezone,
    owner: spec.owner,
    tags: spec.tags,
    isPaused: row.isPaused,
    fileLoc: row.fileLoc,
    versionHash: row.versionHash,
    bundleCommit: row.bundleCommit,
    sourceUrl: commitFileUrl(bundle, row.bundleCommit, row.fileLoc),
    nextRunAt: iso(row.nextRunAt),
    recentRuns: row.recentRuns.map(presentRun),
    taskCount: spec.tasks.length,
  };
}

export function presentDagDetail(
  row: DagRow,
  spec: DagSpec,
  misses: readonly DeadlineMissRow[],
  bundle?: DagBundleRow,
  assetSchedule: AssetWait | null = null,
): DagDetail {
  return {
    ...presentDag(row, spec, bundle),
    tasks: taskNodes(spec),
    groups: taskGroups(spec),
    confSchema: spec.confSchema,
    spec,
    deadline: spec.deadline ? { from: spec.deadline.from, withinMs: spec.deadline.withinMs } : null,
    deadlineMisses: misses.map((m) => ({
      runId: m.runId,
      state: m.state as RunState,
      deadlineAt: m.deadlineAt.toISOString(),
      missedAt: m.missedAt.toISOString(),
    })),
    assetSchedule,
    outlets: spec.tasks.flatMap((t) => (t.outlets ?? []).map((uri) => ({ taskId: t.taskId, uri }))),
  };
}

/** A run's task instance states by task id: one for an unmapped task, one per instance of a mapped one. */
export type RunTaskStates = ReadonlyMap<string, readonly TaskInstanceState[]>;

export function runTaskStates(rows: ReadonlyArray<Pick<TaskInstanceRowView, 'taskId' | 'state'>>): RunTaskStates {
  const byTask = new Map<string, TaskInstanceState[]>();
  for (const r of rows) byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r.state as TaskInstanceState]);
  return byTask;
}

/**
 * Why a task instance is not moving, in words — Airflow's "task instance
 * details: dependencies". A mapped upstream counts with every instance, as
 * the scheduler counts it.
 */
export function waitingReason(spec: DagSpec, ti: TaskInstanceRowView, states: RunTaskStates): string | null {
  const state = ti.state as TaskInstanceState;
  switch (state) {
    case 'none': {
      const task = spec.tasks.find((t) => t.taskId === ti.taskId);
      if (!task) return null;
      const upstream = task.upstream.flatMap((u) => states.get(u) ?? ['none' as const]);
      const verdict = evaluateTriggerRule(task.triggerRule, upstream);
      return verdict.outcome === 'wait' ? verdict.reason : null;
    }
    case 'scheduled':
      return 'waiting for a free slot (maxActiveTasks or pool)';
    case 'queued':
      return 'queued for a worker';
    case 'up_for_retry':
      return ti.nextRetryAt
        ? `retry ${ti.tryNumber + 1} of ${ti.maxTries} at ${ti.nextRetryAt.toISOString()}`
        : 'waiting to retry';
    case 'deferred':
      return 'waiting for an external job';
    case 'running':
    case 'success':
    case 'failed':
    case 'upstream_failed':
    case 'skipped':
      return null;
    default:
      return assertNever(state);
  }
}

export function presentTaskInstances(spec: DagSpec, rows: TaskInstanceRowView[]): TaskInstance[] {
  const states = runTaskStates(rows);
  const order = new Map(topologicalOrder(spec).map((id, i) => [id, i]));
  return [...rows]
    .sort((a, b) => (order.get(a.taskId) ?? 0) - (order.get(b.taskId) ?? 0) || a.mapIndex - b.mapIndex)
    .map((r) => presentTaskInstance(spec, r, states));
}

export function presentTaskInstance(spec: DagSpec, r: TaskInstanceRowView, states: RunTaskStates): TaskInstance {
  return {
    taskId: r.taskId,
    state: r.state as TaskState,
    tryNumber: r.tryNumber,
    maxTries: r.maxTries,
    operator: r.operator,
    startedAt: iso(r.startedAt),
    endedAt: iso(r.endedAt),
    durationMs: r.durationMs,
    waitingReason: waitingReason(spec, r, states),
    external: (r.external as Record<string, unknown> | null) ?? null,
    ...(r.mapIndex >= 0 ? { mapIndex: r.mapIndex, mapItem: r.mapItem } : {}),
  };
}
