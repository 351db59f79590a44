/**
 * What the scheduling decision needs of a DAG's structure (its tasks by id,
 * topological order, direct downstream), and the order a pass visits tasks
 * in, the whole DAG or only the fast path's growing scope.
 */
import type { DagSpec, TaskSpec } from './dag-spec';
import { topologicalOrder } from './dag-graph';
import { failsRun, setupTaskIds, shortCircuitsAbove } from './flow';

export interface DagShape {
  specs: ReadonlyMap<string, TaskSpec>;
  order: readonly string[];
  topoIndex: ReadonlyMap<string, number>;
  downstream: ReadonlyMap<string, readonly string[]>;
  /** Task id → short circuits that skip it whatever its trigger rule (see flow.ts). */
  shortCircuitsAbove: ReadonlyMap<string, readonly string[]>;
  setups: ReadonlySet<string>;
  /** Tasks whose failure does not fail the run (teardowns without failRun). */
  outcomeIgnored: ReadonlySet<string>;
}

/** What decide needs of a DAG's structure, worked out once per spec object (specs are not mutated). */
const shapes = new WeakMap<DagSpec, DagShape>();

export function shapeOf(dag: DagSpec): DagShape {
  let shape = shapes.get(dag);
  if (!shape) {
    const order = topologicalOrder(dag);
    const downstream = new Map<string, string[]>(order.map((id) => [id, []]));
    for (const t of dag.tasks) for (const up of new Set(t.upstream)) downstream.get(up)?.push(t.taskId);
    shape = {
      specs: new Map(dag.tasks.map((t) => [t.taskId, t] as const)),
      order,
      topoIndex: new Map(order.map((id, i) => [id, i] as const)),
      downstream,
      shortCircuitsAbove: shortCircuitsAbove(dag),
      setups: setupTaskIds(dag),
      outcomeIgnored: new Set(dag.tasks.filter((t) => !failsRun(t)).map((t) => t.taskId)),
    };
    shapes.set(dag, shape);
  }
  return shape;
}

/**
 * The task ids a pass looks at, upstream before downstream: all of them, or
 * (fast path) the scope, which grows as the pass ends tasks. Visits each id
 * once, so the fast path costs what its scope holds, not the DAG's size.
 */
export function* inOrder(shape: DagShape, scope: Set<string> | null): Generator<string> {
  if (scope === null) {
    yield* shape.order;
    return;
  }
  const at = (id: string) => shape.topoIndex.get(id) ?? -1;
  const pending = [...scope].filter((id) => at(id) >= 0).sort((a, b) => at(a) - at(b));
  const queued = new Set(pending);
  let known = scope.size;
  for (let i = 0; i < pending.length; i++) {
    const id = pending[i] as string;
    yield id;
    if (scope.size === known) continue;
    // Tasks the pass brought into scope meanwhile (downstream of one it ended;
    // a Set keeps insertion order): in place, by topological index.
    const additions = [...scope].slice(known);
    known = scope.size;
    for (const added of additions) {
      if (queued.has(added) || at(added) < 0) continue;
      queued.add(added);
      let pos = pending.length;
      while (pos > i + 1 && at(pending[pos - 1] as string) > at(added)) pos--;
      pending.splice(pos, 0, added);
    }
  }
}
