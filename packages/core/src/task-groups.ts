/**
 * Task groups as a tree, for the graph the UI collapses and expands: every
 * group a task names, and every group above it (`ingest.raw` is in
 * `ingest`), with the tasks directly in each.
 */
import type { DagSpec } from './dag-spec';

export interface TaskGroupNode {
  /** The full group id, `ingest.raw`: task ids in it start with it and a dot. */
  groupId: string;
  /** The group it is in, or null at the top. */
  parentId: string | null;
  /** Its own name, `raw`. */
  label: string;
  /** Tasks directly in the group (not in a group inside it), in declaration order. */
  taskIds: string[];
}

/** Every group of the DAG, each after the group it is in, in the order tasks first name them. */
export function taskGroups(dag: Pick<DagSpec, 'tasks'>): TaskGroupNode[] {
  const groups = new Map<string, TaskGroupNode>();
  const ensure = (groupId: string): TaskGroupNode => {
    const found = groups.get(groupId);
    if (found) return found;
    const dot = groupId.lastIndexOf('.');
    const parentId = dot === -1 ? null : groupId.slice(0, dot);
    if (parentId !== null) ensure(parentId);
    const node = { groupId, parentId, label: groupId.slice(dot + 1), taskIds: [] };
    groups.set(groupId, node);
    return node;
  };
  for (const task of dag.tasks) if (task.group !== undefined) ensure(task.group).taskIds.push(task.taskId);
  return [...groups.values()];
}
