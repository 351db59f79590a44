/**
 * The task graph of a DAG: edges point from an upstream task to the tasks
 * that list it in `upstream`. Unknown upstream ids and self-references are
 * ignored here (validateDag reports them); cycles are an error.
 */
import type { DagSpec } from './dag-spec';
import { DagValidationError, InvalidOptionsError } from './errors';

type Graph = Pick<DagSpec, 'dagId' | 'tasks'>;

/** Declaration index of each task id (the first one when an id is duplicated). */
function indexById(spec: Graph): Map<string, number> {
  const index = new Map<string, number>();
  spec.tasks.forEach((task, i) => {
    if (!index.has(task.taskId)) index.set(task.taskId, i);
  });
  return index;
}

/** Each task's known, distinct upstream ids other than itself, in declaration order of the list. */
function cleanUpstream(spec: Graph, index: Map<string, number>): Map<string, string[]> {
  const upstream = new Map<string, string[]>();
  for (const task of spec.tasks) {
    if (upstream.has(task.taskId)) continue;
    upstream.set(
      task.taskId,
      [...new Set(task.upstream)].filter((id) => id !== task.taskId && index.has(id)),
    );
  }
  return upstream;
}

/** Task id → ids of the tasks that list it as upstream, in declaration order. Every task has an entry. */
export function directDownstream(spec: Graph): Map<string, string[]> {
  const index = indexById(spec);
  const down = new Map<string, string[]>();
  for (const id of index.keys()) down.set(id, []);
  for (const [id, ups] of cleanUpstream(spec, index)) {
    for (const up of ups) down.get(up)?.push(id);
  }
  return down;
}

/**
 * Every cycle in the graph, each as a path that starts and ends at its
 * earliest-declared task: `['a', 'b', 'c', 'a']` means b depends on a, c on
 * b and a on c.
 */
export function findCycles(spec: Graph): string[][] {
  const index = indexById(spec);
  const down = directDownstream(spec);
  const colour = new Map<string, 'open' | 'closed'>();
  const cycles: string[][] = [];
  const seen = new Set<string>();

  for (const root of index.keys()) {
    if (colour.has(root)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    const path = [root];
    colour.set(root, 'open');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) break;
      const child = down.get(frame.id)?.[frame.next++];
      if (child === undefined) {
        colour.set(frame.id, 'closed');
        stack.pop();
        path.pop();
      } else if (!colour.has(child)) {
        colour.set(child, 'open');
        stack.push({ id: child, next: 0 });
        path.push(child);
      } else if (colour.get(child) === 'open') {
        const loop = path.slice(path.indexOf(child));
        let start = 0;
        loop.forEach((id, i) => {
          if ((index.get(id) ?? 0) < (index.get(loop[start] ?? id) ?? 0)) start = i;
        });
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        const key = rotated.join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, rotated[0] ?? child]);
        }
      }
    }
  }
  return cycles;
}

export const formatCycle = (cycle: readonly string[]): string => cycle.join(' → ');

/**
 * Task ids so that every task comes after its upstream tasks; among tasks
 * that could go next, the one declared first goes first. Throws
 * DagValidationError on a cycle.
 */
export function topologicalOrder(spec: Graph): string[] {
  const index = indexById(spec);
  const upstream = cleanUpstream(spec, index);
  const down = directDownstream(spec);
  const waitingOn = new Map<string, number>();
  for (const [id, ups] of upstream) waitingOn.set(id, ups.length);

  // Ready tasks, kept sorted by declaration index (descending, so pop() takes the earliest).
  const ready = [...index.keys()].filter((id) => waitingOn.get(id) === 0).reverse();
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.pop();
    if (id === undefined) break;
    order.push(id);
    for (const child of down.get(id) ?? []) {
      const left = (waitingOn.get(child) ?? 0) - 1;
      waitingOn.set(child, left);
      if (left === 0) {
        const at = index.get(child) ?? 0;
        let pos = ready.length;
        while (pos > 0 && (index.get(ready[pos - 1] ?? '') ?? 0) < at) pos--;
        ready.splice(pos, 0, child);
      }
    }
  }
  if (order.length < index.size) {
    const issues = findCycles(spec).map((cycle) => ({
      path: `tasks.${cycle[0] ?? ''}.upstream`,
      message: `cycle: ${formatCycle(cycle)}`,
    }));
    throw new DagValidationError(spec.dagId, issues);
  }
  return order;
}

function assertTask(spec: Graph, taskId: string): void {
  if (!spec.tasks.some((t) => t.taskId === taskId)) {
    throw new InvalidOptionsError(`DAG "${spec.dagId}" has no task "${taskId}"`);
  }
}

function walk(start: string, edges: Map<string, string[]>, recursive: boolean): Set<string> {
  const found = new Set<string>();
  const queue = [...(edges.get(start) ?? [])];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (found.has(id) || id === start) continue;
    found.add(id);
    if (recursive) queue.push(...(edges.get(id) ?? []));
  }
  return found;
}

/**
 * The tasks downstream of `taskId` (direct ones, or all with `recursive`),
 * in topological order — what "clear with downstream" resets.
 */
export function downstreamOf(spec: Graph, taskId: string, options: { recursive?: boolean } = {}): string[] {
  assertTask(spec, taskId);
  const found = walk(taskId, directDownstream(spec), options.recursive ?? false);
  return topologicalOrder(spec).filter((id) => found.has(id));
}

/** The tasks upstream of `taskId` (direct ones, or all with `recursive`), in topological order. */
export function upstreamOf(spec: Graph, taskId: string, options: { recursive?: boolean } = {}): string[] {
  assertTask(spec, taskId);
  const found = walk(taskId, cleanUpstream(spec, indexById(spec)), options.recursive ?? false);
  return topologicalOrder(spec).filter((id) => found.has(id));
}
