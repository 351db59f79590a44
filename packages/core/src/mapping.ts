/**
 * Dynamic task mapping: one task, many task instances, one per item of a
 * list known only when the run gets there (Airflow's `.expand()`).
 *
 * The list is declared, never computed by user code in the scheduler
 * (ADR 1): a JSON list in the spec, the output of an upstream task at a key
 * path, or the product of several such lists. A mapped task has one task
 * instance (map index -1) until its trigger rule lets it run; expanding it
 * turns that instance into instances 0..n-1, each with its item, or skips it
 * (an empty list), or fails it (a list longer than the DAG's maxMapLength).
 *
 * An instance is keyed `load[3]` wherever one key names it (the scheduling
 * decision, the API, the CLI); an unmapped or not yet expanded task is keyed
 * by its task id alone. No zod here: the SDK imports this module.
 */

/** Longest list a task maps over unless the DAG says otherwise (Airflow's max_map_length). */
export const DEFAULT_MAX_MAP_LENGTH = 1024;
/** Largest maxMapLength a DAG may set. */
export const MAX_MAP_LENGTH_LIMIT = 10_000;
/** The map index of a task instance that is not one of a mapped task's instances. */
export const UNMAPPED = -1;

/** Where a mapped task's items come from. */
export type MapSource =
  /** A list written in the DAG file. */
  | { from: 'list'; items: unknown[] }
  /** What upstream task `taskId` returned, at `path` (empty: the output itself is the list). */
  | { from: 'output'; taskId: string; path: string[] };

/** How a task is mapped: over one source (the item is its element), or the product of named sources (the item is an object). */
export type TaskMap = { over: MapSource } | { product: Array<{ key: string; over: MapSource }> };

/** The key of one task instance: `load` for an unmapped (or unexpanded) task, `load[3]` for instance 3. */
export function taskKey(taskId: string, mapIndex: number | undefined = UNMAPPED): string {
  return mapIndex < 0 ? taskId : `${taskId}[${mapIndex}]`;
}

// Leftmost-first: the id is everything before the last `[n]`.
const keyPattern = /(.+)\[(\d{1,9})\]$/;

/** `load[3]` → { taskId: 'load', mapIndex: 3 }; `load` → { taskId: 'load', mapIndex: -1 }. */
export function parseTaskKey(key: string): { taskId: string; mapIndex: number } {
  const m = keyPattern.exec(key);
  if (m === null) {
    if (key.includes('[') || key.includes(']'))
      throw new Error(`"${key}" is not a task instance: write <task> or <task>[<index>], e.g. load[3]`);
    return { taskId: key, mapIndex: UNMAPPED };
  }
  return { taskId: m[1] as string, mapIndex: Number(m[2]) };
}

/** The sources of a mapping, each with the key its element takes in the item (null: the element is the item). */
export function mapSources(map: TaskMap): Array<{ key: string | null; over: MapSource }> {
  return 'over' in map ? [{ key: null, over: map.over }] : map.product;
}

/** Where a source's list is, for messages: `the output of list at partitions`, `a list of 3 items`. */
export function describeSource(source: MapSource): string {
  if (source.from === 'list') return `its list of ${source.items.length}`;
  return source.path.length === 0
    ? `the output of ${source.taskId}`
    : `the output of ${source.taskId} at ${source.path.join('.')}`;
}

/** What one source held when the task was expanded: its length, or the JSON type it had instead of an array. */
export type SourceLength = { length: number } | { notAList: string };

export type Expansion =
  | { kind: 'expand'; count: number }
  | { kind: 'skip'; reason: string }
  | { kind: 'fail'; reason: string };

const formatCount = (n: number): string => n.toLocaleString('en-US');

/**
 * What expanding `taskId` does, given what each of its sources held (in
 * `mapSources` order): fail when one is not a list or the product is longer
 * than `maxMapLength`, skip when it is empty, else expand to that many.
 */
export function expansionOf(
  taskId: string,
  map: TaskMap,
  lengths: readonly SourceLength[],
  maxMapLength: number,
): Expansion {
  const sources = mapSources(map);
  let count = 1;
  for (const [i, { over }] of sources.entries()) {
    const held = lengths[i];
    if (held === undefined) throw new Error(`no length given for source ${i} of task ${taskId}`);
    if ('notAList' in held) {
      return {
        kind: 'fail',
        reason: `task ${taskId} maps over ${describeSource(over)}, which is ${held.notAList}, not a list`,
      };
    }
    count *= held.length;
  }
  if (count > maxMapLength) {
    return {
      kind: 'fail',
      reason: `task ${taskId} maps over ${formatCount(count)} items; the DAG's maxMapLength is ${formatCount(maxMapLength)}`,
    };
  }
  if (count === 0) {
    const empty = sources.filter((_, i) => (lengths[i] as { length: number }).length === 0).map((s) => s.over);
    return {
      kind: 'skip',
      reason: `task ${taskId} maps over an empty list (${empty.map(describeSource).join(', ')})`,
    };
  }
  return { kind: 'expand', count };
}

/** A task as mapIssues reads it (a TaskSpec). */
interface MappedTaskLike {
  taskId: string;
  upstream: readonly string[];
  map?: TaskMap | undefined;
  maxActiveTisPerDagrun?: number | undefined;
  branch?: unknown;
  role?: string | undefined;
}

/** What is wrong with the DAG's mapped tasks, each with the path of the option: `tasks.load.map`. */
export function mapIssues(dag: {
  tasks: readonly MappedTaskLike[];
  maxMapLength?: number | undefined;
}): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const mapped = new Set(dag.tasks.filter((t) => t.map !== undefined).map((t) => t.taskId));
  const max = dag.maxMapLength ?? DEFAULT_MAX_MAP_LENGTH;
  for (const task of dag.tasks) {
    const id = task.taskId;
    const path = `tasks.${id}.map`;
    if (task.map === undefined) {
      if (task.maxActiveTisPerDagrun !== undefined)
        issues.push({
          path: `tasks.${id}.maxActiveTisPerDagrun`,
          message: `only a mapped task takes maxActiveTisPerDagrun; "${id}" maps over nothing`,
        });
      continue;
    }
    if (task.branch !== undefined)
      issues.push({ path, message: `a branch or short circuit cannot be mapped ("${id}")` });
    if (task.role !== undefined) issues.push({ path, message: `a ${task.role} task cannot be mapped ("${id}")` });
    const sources = mapSources(task.map);
    const keys = sources.map((s) => s.key);
    for (const key of new Set(keys)) {
      if (keys.filter((k) => k === key).length > 1)
        issues.push({ path, message: `the product of "${id}" names "${key}" twice` });
    }
    let staticCount = 1;
    for (const { over } of sources) {
      if (over.from === 'list') {
        staticCount *= over.items.length;
        continue;
      }
      if (!task.upstream.includes(over.taskId))
        issues.push({
          path,
          message: `"${id}" maps over the output of "${over.taskId}", which is not one of its upstream tasks`,
        });
      else if (mapped.has(over.taskId))
        issues.push({
          path,
          message: `"${id}" maps over the output of "${over.taskId}", a mapped task; map over a task that collects its outputs instead`,
        });
    }
    if (staticCount > max)
      issues.push({
        path,
        message: `task ${id} maps over ${formatCount(staticCount)} items; the DAG's maxMapLength is ${formatCount(max)}`,
      });
  }
  return issues;
}

/** The value at `path` in `value` (`['batch', 'files']`; an array index as a string), or undefined. */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/**
 * The items of a mapping, given each source's list (in `mapSources` order):
 * the elements of the one list, or the product of the lists, the first
 * source outermost, as objects keyed like the sources. The order is the
 * map-index order the database expansion gives.
 */
export function itemsOf(map: TaskMap, lists: readonly (readonly unknown[])[]): unknown[] {
  const sources = mapSources(map);
  if ('over' in map) return [...(lists[0] ?? [])];
  let rows: Array<Record<string, unknown>> = [{}];
  sources.forEach(({ key }, i) => {
    const list = lists[i] ?? [];
    rows = rows.flatMap((row) => list.map((v) => ({ ...row, [key ?? '']: v })));
  });
  return rows;
}
