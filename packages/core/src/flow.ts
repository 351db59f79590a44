/**
 * Dynamic flow: branches and short circuits (which downstream a task's code
 * follows), setups and teardowns (what a task's outcome means for its run,
 * and what a clear reruns with it). Airflow's semantics; the scheduling
 * decision, the worker and a local run all ask these functions.
 */
import type { DagSpec, TaskSpec } from './dag-spec';
import { directDownstream, downstreamOf, upstreamOf } from './dag-graph';
import type { TaskInstanceState } from './states';
import { evaluateTriggerRule, type TriggerEvaluation } from './trigger-rules';

const quoted = (ids: readonly string[]): string => ids.map((id) => `"${id}"`).join(', ');

export type Followed =
  /** Every direct downstream task runs as its trigger rule says. */
  | { ok: true; followed: null }
  /** Only these direct downstream tasks; the others are skipped. */
  | { ok: true; followed: string[] }
  /** The code returned something a branch cannot follow: the try fails with `message`. */
  | { ok: false; message: string };

/**
 * Which direct downstream tasks a finished task follows, from what its code
 * returned: every one for an ordinary task; for a `choose` branch the id or
 * ids it returned, each one of its choices; for a short circuit all on a
 * truthy value, none on a falsy one.
 */
export function followedDownstream(task: TaskSpec, returned: unknown): Followed {
  const branch = task.branch;
  if (branch === undefined) return { ok: true, followed: null };
  if (branch.kind === 'short_circuit') return { ok: true, followed: returned ? null : [] };
  const ids = typeof returned === 'string' ? [returned] : returned;
  const expected = `it must return one of ${quoted(branch.choices)}, or an array of them`;
  if (!Array.isArray(ids)) {
    return { ok: false, message: `branch task "${task.taskId}" returned ${describeValue(returned)}; ${expected}` };
  }
  const choices: readonly unknown[] = branch.choices;
  const unknown = ids.filter((id: unknown) => !choices.includes(id));
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `branch task "${task.taskId}" returned ${unknown.map(describeValue).join(', ')}, which is not one of its direct downstream tasks; ${expected}`,
    };
  }
  return { ok: true, followed: [...new Set(ids as string[])] };
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

/** A task instance as a flow decision reads it: its state and, once it succeeded, what it followed. */
export interface FlowView {
  taskId: string;
  state: TaskInstanceState;
  /** The direct downstream a finished branch or short circuit follows; null or absent = all. */
  followed?: readonly string[] | null;
}

/**
 * Task id → the short circuits that skip it whatever its trigger rule
 * (`ignoreDownstreamTriggerRules`) when they return a falsy value: those it
 * is below, not directly. Only tasks below one have an entry.
 */
export function shortCircuitsAbove(dag: DagSpec): Map<string, string[]> {
  const above = new Map<string, string[]>();
  const downstream = directDownstream(dag);
  for (const task of dag.tasks) {
    if (task.branch?.kind !== 'short_circuit' || !task.branch.ignoreDownstreamTriggerRules) continue;
    const direct = new Set(downstream.get(task.taskId));
    for (const id of downstreamOf(dag, task.taskId, { recursive: true })) {
      if (direct.has(id)) continue;
      above.set(id, [...(above.get(id) ?? []), task.taskId]);
    }
  }
  return above;
}

/** Why `taskId` is skipped by a branch or short circuit that did not follow it, or null. */
function notFollowedReason(taskId: string, upstream: readonly FlowView[], above: readonly FlowView[]): string | null {
  for (const up of upstream) {
    if (up.state !== 'success' || up.followed == null || up.followed.includes(taskId)) continue;
    return up.followed.length === 0
      ? `upstream task "${up.taskId}" followed none of its downstream tasks`
      : `upstream task "${up.taskId}" followed ${quoted(up.followed)}, not this task`;
  }
  for (const sc of above) {
    if (sc.state === 'success' && sc.followed?.length === 0)
      return `short circuit "${sc.taskId}" returned a falsy value: every task below it is skipped`;
  }
  return null;
}

/**
 * Whether a task that has not started may run: skipped when a branch or
 * short circuit above it did not follow it, else as its trigger rule says
 * of its direct upstream (`setups` names those that are setup tasks).
 */
export function dependencyVerdict(
  task: TaskSpec,
  upstream: readonly FlowView[],
  shortCircuits: readonly FlowView[],
  setups: ReadonlySet<string>,
): TriggerEvaluation {
  const skippedBy = notFollowedReason(task.taskId, upstream, shortCircuits);
  if (skippedBy !== null) return { outcome: 'skip', reason: skippedBy };
  return evaluateTriggerRule(
    task.triggerRule,
    upstream.map((u) => ({ taskId: u.taskId, state: u.state, setup: setups.has(u.taskId) })),
  );
}

/** Ids of the DAG's setup tasks. */
export function setupTaskIds(dag: Pick<DagSpec, 'tasks'>): Set<string> {
  return new Set(dag.tasks.filter((t) => t.role === 'setup').map((t) => t.taskId));
}

/** Whether the task's failure fails its run: a teardown's does only with `failRun`. */
export function failsRun(task: TaskSpec): boolean {
  return task.role !== 'teardown' || task.failRun === true;
}

/**
 * What a clear of `taskIds` clears: those, the setups above each of them
 * and those setups' teardowns, so a rerun inside a scope gets its cluster
 * created again and released after. In the DAG's declaration order.
 */
export function withSetupsAndTeardowns(dag: Pick<DagSpec, 'dagId' | 'tasks'>, taskIds: readonly string[]): string[] {
  const setups = setupTaskIds(dag);
  const teardowns = new Set(dag.tasks.filter((t) => t.role === 'teardown').map((t) => t.taskId));
  const cleared = new Set(taskIds);
  for (const id of taskIds) {
    if (teardowns.has(id)) continue;
    const above = upstreamOf(dag, id, { recursive: true }).filter((up) => setups.has(up));
    for (const setup of setups.has(id) ? [id, ...above] : above) {
      cleared.add(setup);
      for (const down of downstreamOf(dag, setup)) if (teardowns.has(down)) cleared.add(down);
    }
  }
  return dag.tasks.map((t) => t.taskId).filter((id) => cleared.has(id));
}
