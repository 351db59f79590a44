/**
 * Which task instances of a run a clear resets (Airflow's `dag.clear` over
 * a partial subset): the tasks matching the selection, with their upstream
 * and downstream when asked, then only the failed instances when asked; a
 * task inside a setup's scope brings its setup and teardown along. A run's
 * task instances are keyed as `load` or, for a mapped task, `load[3]`.
 */
import type { DagSpec } from './dag-spec';
import { downstreamOf, topologicalOrder, upstreamOf } from './dag-graph';
import { InvalidOptionsError } from './errors';
import { withSetupsAndTeardowns } from './flow';
import { parseTaskKey } from './mapping';
import { type TaskInstanceState, canTransitionTask, failedTaskStates, unfinishedTaskStates } from './states';

export interface ClearSelection {
  /** Tasks whose id matches (a RegExp, or one task id as `{ test: (id) => id === taskId }`); every task when absent. */
  taskPattern?: { test(taskId: string): boolean } | undefined;
  /**
   * Of the matching tasks, only their instance with this map index (`load[3]`); the upstream
   * and downstream the other options add are taken whole. Every instance when absent.
   */
  mapIndex?: number | undefined;
  /** Only task instances that failed or are upstream_failed (after adding upstream and downstream), instance by instance. */
  onlyFailed: boolean;
  /** With every task downstream of a matching one, recursively. */
  downstream: boolean;
  /** With every task upstream of a matching one, recursively. */
  upstream: boolean;
}

interface Instance {
  key: string;
  mapIndex: number;
  state: TaskInstanceState;
}

/** A run's task instances by task id, each task's in map-index order. */
function instancesByTask(states: ReadonlyMap<string, TaskInstanceState>): Map<string, Instance[]> {
  const byTask = new Map<string, Instance[]>();
  for (const [key, state] of states) {
    const { taskId, mapIndex } = parseTaskKey(key);
    const list = byTask.get(taskId) ?? [];
    list.push({ key, mapIndex, state });
    byTask.set(taskId, list);
  }
  for (const list of byTask.values()) list.sort((a, b) => a.mapIndex - b.mapIndex);
  return byTask;
}

/**
 * The task instances to clear in one run, as keys (`load`, `load[3]`): in
 * topological order of their tasks, a mapped task's in map-index order.
 * `states` holds the run's task instances by key: a task the run does not
 * have is never chosen. With `onlyFailed` each instance is judged by its own
 * state, so a mapped task gives only its failed instances.
 */
export function tasksToClear(
  graph: Pick<DagSpec, 'dagId' | 'tasks'>,
  states: ReadonlyMap<string, TaskInstanceState>,
  selection: ClearSelection,
): string[] {
  const pattern = selection.taskPattern;
  const matched = graph.tasks.map((t) => t.taskId).filter((id) => pattern === undefined || pattern.test(id));
  const chosen = new Set(matched);
  for (const id of matched) {
    if (selection.downstream) for (const d of downstreamOf(graph, id, { recursive: true })) chosen.add(d);
    if (selection.upstream) for (const u of upstreamOf(graph, id, { recursive: true })) chosen.add(u);
  }
  const limited = new Set(selection.mapIndex === undefined ? [] : matched);
  const byTask = instancesByTask(states);
  const order = topologicalOrder(graph);
  const selected = new Map<string, Instance[]>();
  for (const id of order) {
    if (!chosen.has(id)) continue;
    const picked = (byTask.get(id) ?? []).filter(
      (i) =>
        (!limited.has(id) || i.mapIndex === selection.mapIndex) &&
        (!selection.onlyFailed || failedTaskStates.has(i.state)),
    );
    if (picked.length > 0) selected.set(id, picked);
  }
  // A task inside a setup's scope reruns with its setup and teardown (a cluster is made again, then released).
  const withScope = new Set(withSetupsAndTeardowns(graph, [...selected.keys()]));
  return order
    .filter((id) => withScope.has(id))
    .flatMap((id) => (selected.get(id) ?? byTask.get(id) ?? []).map((i) => i.key));
}

/**
 * A task id pattern as the user typed it (`--task`), anchored nowhere as
 * Airflow's `task_regex`; throws a message naming the flag when it is not a
 * regular expression.
 */
export function compileTaskPattern(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (raw) {
    const reason = raw instanceof Error ? raw.message : String(raw);
    throw new InvalidOptionsError(`task pattern ${JSON.stringify(source)} is not a regular expression: ${reason}`);
  }
}

/**
 * The task instances (keys) marking a run `to` changes, in the run's order: marked
 * success, every one not a success yet; marked failed, every unfinished one
 * (failed or skipped, as markStates decides).
 */
export function tasksMarkedWithRun(states: ReadonlyMap<string, TaskInstanceState>, to: 'success' | 'failed'): string[] {
  return [...states]
    .filter(([, state]) => (to === 'success' ? canTransitionTask(state, 'success') : unfinishedTaskStates.has(state)))
    .map(([taskId]) => taskId);
}
