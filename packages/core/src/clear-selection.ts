/**
 * Which task instances of a run a clear resets (Airflow's `dag.clear` over
 * a partial subset): the tasks matching the selection, with their upstream
 * and downstream when asked, then only the failed ones when asked; a task
 * inside a setup's scope brings its setup and teardown along.
 */
import type { DagSpec } from './dag-spec';
import { downstreamOf, topologicalOrder, upstreamOf } from './dag-graph';
import { InvalidOptionsError } from './errors';
import { withSetupsAndTeardowns } from './flow';
import { type TaskInstanceState, canTransitionTask, failedTaskStates, unfinishedTaskStates } from './states';

export interface ClearSelection {
  /** Tasks whose id matches (a RegExp, or one task id as `{ test: (id) => id === taskId }`); every task when absent. */
  taskPattern?: { test(taskId: string): boolean } | undefined;
  /** Only task instances that failed or are upstream_failed (after adding upstream and downstream). */
  onlyFailed: boolean;
  /** With every task downstream of a matching one, recursively. */
  downstream: boolean;
  /** With every task upstream of a matching one, recursively. */
  upstream: boolean;
}

/**
 * The task ids to clear in one run, in topological order. `states` holds
 * the run's task instances: a task the run does not have is never chosen.
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
  const order = topologicalOrder(graph);
  const selected = order.filter((id) => {
    const state = states.get(id);
    if (state === undefined || !chosen.has(id)) return false;
    return !selection.onlyFailed || failedTaskStates.has(state);
  });
  // A task inside a setup's scope reruns with its setup and teardown (a cluster is made again, then released).
  const withScope = new Set(withSetupsAndTeardowns(graph, selected));
  return order.filter((id) => withScope.has(id) && states.has(id));
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
 * The task instances marking a run `to` changes, in the run's order: marked
 * success, every one not a success yet; marked failed, every unfinished one
 * (failed or skipped, as markStates decides).
 */
export function tasksMarkedWithRun(states: ReadonlyMap<string, TaskInstanceState>, to: 'success' | 'failed'): string[] {
  return [...states]
    .filter(([, state]) => (to === 'success' ? canTransitionTask(state, 'success') : unfinishedTaskStates.has(state)))
    .map(([taskId]) => taskId);
}
