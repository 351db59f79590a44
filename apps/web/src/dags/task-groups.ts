/**
 * Task groups on the DAG page: which nodes and edges the graph shows with
 * some groups collapsed, and the grid's rows with groups nested.
 */
import type { TaskGroup, TaskNode } from '@sluice/client';

export type GraphItem =
  | { kind: 'task'; key: string; task: TaskNode }
  | { kind: 'group'; key: string; group: TaskGroup; taskCount: number };

export interface GraphView {
  items: GraphItem[];
  /** [from key, to key], once each. */
  edges: Array<[string, string]>;
}

/** The outermost group around `groupId` (itself included) that is not expanded, or null when all are. */
function collapsedOwner(byId: ReadonlyMap<string, TaskGroup>, groupId: string | null, expanded: ReadonlySet<string>) {
  let owner: string | null = null;
  for (let id = groupId; id !== null; id = byId.get(id)?.parentId ?? null) if (!expanded.has(id)) owner = id;
  return owner;
}

/** The graph with every group not in `expanded` shown as one node, its edges those of the tasks in it. */
export function visibleGraph(tasks: TaskNode[], groups: TaskGroup[], expanded: ReadonlySet<string>): GraphView {
  const byId = new Map(groups.map((g) => [g.groupId, g]));
  const keyOf = new Map<string, string>();
  const items = new Map<string, GraphItem>();
  for (const task of tasks) {
    const owner = collapsedOwner(byId, task.group, expanded);
    const group = owner === null ? undefined : byId.get(owner);
    const key = group ? `group:${group.groupId}` : `task:${task.taskId}`;
    keyOf.set(task.taskId, key);
    const item = items.get(key);
    if (item?.kind === 'group') item.taskCount += 1;
    else if (!item) items.set(key, group ? { kind: 'group', key, group, taskCount: 1 } : { kind: 'task', key, task });
  }
  const edges = new Map<string, [string, string]>();
  for (const task of tasks) {
    const to = keyOf.get(task.taskId);
    for (const up of task.upstream) {
      const from = keyOf.get(up);
      if (from !== undefined && to !== undefined && from !== to) edges.set(`${from}->${to}`, [from, to]);
    }
  }
  return { items: [...items.values()], edges: [...edges.values()] };
}

export type GridRow =
  | { kind: 'group'; group: TaskGroup; depth: number; collapsed: boolean }
  | { kind: 'task'; task: TaskNode; depth: number };

/**
 * The grid's rows: tasks in the order given (topological), each group where
 * its first task would be, its tasks under it one level deeper; a collapsed
 * group's tasks and groups are left out.
 */
export function gridRows(tasks: TaskNode[], groups: TaskGroup[], collapsed: ReadonlySet<string>): GridRow[] {
  const byId = new Map(groups.map((g) => [g.groupId, g]));
  const children = new Map<string | null, Array<{ group: TaskGroup } | { task: TaskNode }>>();
  const placed = new Set<string>();
  const add = (parent: string | null, child: { group: TaskGroup } | { task: TaskNode }) =>
    children.set(parent, [...(children.get(parent) ?? []), child]);
  const placeGroup = (groupId: string) => {
    const group = byId.get(groupId);
    if (!group || placed.has(groupId)) return;
    placed.add(groupId);
    if (group.parentId !== null) placeGroup(group.parentId);
    add(group.parentId, { group });
  };
  for (const task of tasks) {
    if (task.group !== null) placeGroup(task.group);
    add(task.group, { task });
  }
  const rows: GridRow[] = [];
  const emit = (parent: string | null, depth: number) => {
    for (const child of children.get(parent) ?? []) {
      if ('task' in child) {
        rows.push({ kind: 'task', task: child.task, depth });
        continue;
      }
      const shut = collapsed.has(child.group.groupId);
      rows.push({ kind: 'group', group: child.group, depth, collapsed: shut });
      if (!shut) emit(child.group.groupId, depth + 1);
    }
  };
  emit(null, 0);
  return rows;
}
