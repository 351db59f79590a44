/**
 * What a change to the DAG files does to the DAGs' structure, DAG by DAG:
 * added, removed, renamed (same tasks under a new id) or changed, and for a
 * changed DAG which of its settings and tasks changed and how its graph
 * moved. Pure: `sluice dags plan` feeds it the specs of both sides.
 */
import { DEFAULT_QUEUE, type DagSpec, type TaskSpec } from './dag-spec';
import { topologicalOrder } from './dag-graph';

export type DagChangeKind = 'added' | 'removed' | 'renamed' | 'changed' | 'unchanged';

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface TaskChange {
  taskId: string;
  kind: 'added' | 'removed' | 'changed';
  /** For `changed`: the fields that differ. */
  changes: FieldChange[];
}

/** One side of a DAG: its spec and, when known, the hash of its version (spec + code). */
export interface DagSide {
  spec: DagSpec;
  hash?: string | undefined;
}

export interface DagDiff {
  dagId: string;
  kind: DagChangeKind;
  /** For `renamed`: the id the DAG had before. */
  renamedFrom: string | null;
  base: DagSpec | null;
  head: DagSpec | null;
  /** DAG settings that changed (schedule, timezone, startDate…), and `code` when only the bundle differs. */
  changes: FieldChange[];
  tasks: TaskChange[];
  /** The graph as edge lines, each prefixed `+ ` (new), `- ` (gone) or `  ` (kept). */
  graph: string[];
}

/** DAG settings a plan reports, in the order it reports them. */
const dagFields = [
  'schedule',
  'assetSchedule',
  'timezone',
  'startDate',
  'endDate',
  'catchup',
  'maxActiveRuns',
  'maxActiveTasks',
  'dagrunTimeoutMs',
  'pausedOnCreation',
  'confSchema',
  'owner',
  'tags',
  'description',
] as const satisfies ReadonlyArray<keyof DagSpec>;

/** Task settings a plan reports: what the worker runs and how the scheduler treats it. */
const taskFields: ReadonlyArray<readonly [string, (t: TaskSpec) => unknown]> = [
  ['operator', (t) => t.operator.kind],
  ['options', (t) => t.operator.options],
  ['upstream', (t) => [...t.upstream].sort()],
  ['triggerRule', (t) => t.triggerRule],
  ['retries', (t) => t.retry.retries],
  [
    'retryDelay',
    (t) => ({
      retryDelayMs: t.retry.retryDelayMs,
      exponentialBackoff: t.retry.exponentialBackoff,
      maxRetryDelayMs: t.retry.maxRetryDelayMs,
    }),
  ],
  ['executionTimeoutMs', (t) => t.executionTimeoutMs],
  ['pool', (t) => t.pool],
  ['poolSlots', (t) => t.poolSlots],
  ['priorityWeight', (t) => t.priorityWeight],
  ['branch', (t) => t.branch ?? null],
  ['role', (t) => t.role ?? null],
  ['failRun', (t) => t.failRun ?? false],
  ['group', (t) => t.group ?? null],
  ['queue', (t) => t.queue ?? DEFAULT_QUEUE],
  ['maxActiveTisPerDag', (t) => t.maxActiveTisPerDag ?? null],
  ['outlets', (t) => t.outlets ?? []],
];

const same = (a: unknown, b: unknown): boolean => stableJson(a) === stableJson(b);

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function taskChanges(base: DagSpec, head: DagSpec): TaskChange[] {
  const before = new Map(base.tasks.map((t) => [t.taskId, t]));
  const after = new Map(head.tasks.map((t) => [t.taskId, t]));
  const out: TaskChange[] = [];
  for (const id of topologicalOrder(head)) {
    const a = after.get(id);
    const b = before.get(id);
    if (!a) continue;
    if (!b) {
      out.push({ taskId: id, kind: 'added', changes: [] });
      continue;
    }
    const changes = taskFields
      .filter(([, read]) => !same(read(b), read(a)))
      .map(([field, read]) => ({ field, before: read(b), after: read(a) }));
    if (changes.length > 0) out.push({ taskId: id, kind: 'changed', changes });
  }
  for (const id of topologicalOrder(base)) {
    if (!after.has(id)) out.push({ taskId: id, kind: 'removed', changes: [] });
  }
  return out;
}

function edges(spec: DagSpec | null): string[] {
  if (!spec) return [];
  const lines: string[] = [];
  for (const id of topologicalOrder(spec)) {
    const task = spec.tasks.find((t) => t.taskId === id);
    if (!task) continue;
    if (task.upstream.length === 0) lines.push(`${id}`);
    for (const up of task.upstream) lines.push(`${up} → ${id}`);
  }
  return lines;
}

/** The graph's edges (and root tasks), marked added, removed or kept. */
export function graphDiff(base: DagSpec | null, head: DagSpec | null): string[] {
  const before = edges(base);
  const after = edges(head);
  const kept = new Set(before);
  const lines = after.map((e) => (kept.has(e) ? `  ${e}` : `+ ${e}`));
  const now = new Set(after);
  for (const e of before) if (!now.has(e)) lines.push(`- ${e}`);
  return lines;
}

/** Same tasks with the same operators and dependencies: a DAG that only changed its id. */
function sameShape(a: DagSpec, b: DagSpec): boolean {
  const shape = (s: DagSpec) =>
    stableJson(
      [...s.tasks]
        .map((t) => ({ id: t.taskId, op: t.operator.kind, up: [...t.upstream].sort() }))
        .sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
  return shape(a) === shape(b);
}

function diffOne(dagId: string, base: DagSide | null, head: DagSide | null): DagDiff {
  const empty = { renamedFrom: null, changes: [], tasks: [] };
  if (!base && head)
    return { dagId, kind: 'added', base: null, head: head.spec, ...empty, graph: graphDiff(null, head.spec) };
  if (base && !head)
    return { dagId, kind: 'removed', base: base.spec, head: null, ...empty, graph: graphDiff(base.spec, null) };
  if (!base || !head) throw new Error('diffOne needs a side');
  const changes: FieldChange[] = dagFields
    .filter((f) => !same(base.spec[f], head.spec[f]))
    .map((f) => ({ field: f, before: base.spec[f], after: head.spec[f] }));
  const tasks = taskChanges(base.spec, head.spec);
  if (changes.length === 0 && tasks.length === 0 && base.hash && head.hash && base.hash !== head.hash)
    changes.push({ field: 'code', before: base.hash, after: head.hash });
  const kind: DagChangeKind = changes.length > 0 || tasks.length > 0 ? 'changed' : 'unchanged';
  return {
    dagId,
    kind,
    renamedFrom: null,
    base: base.spec,
    head: head.spec,
    changes,
    tasks,
    graph: graphDiff(base.spec, head.spec),
  };
}

/** Every DAG on either side, compared: sorted by id, a rename shown once under its new id. */
export function diffDags(base: readonly DagSide[], head: readonly DagSide[]): DagDiff[] {
  const before = new Map(base.map((d) => [d.spec.dagId, d]));
  const after = new Map(head.map((d) => [d.spec.dagId, d]));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const added = [...after.keys()].filter((id) => !before.has(id));
  const renames = new Map<string, string>();
  for (const to of added) {
    const next = after.get(to);
    const from = removed.find((id) => {
      const old = before.get(id);
      return old && next && ![...renames.values()].includes(id) && sameShape(old.spec, next.spec);
    });
    if (from) renames.set(to, from);
  }
  const renamedFrom = new Set(renames.values());
  const ids = [...new Set([...before.keys(), ...after.keys()])].filter((id) => !renamedFrom.has(id)).sort();
  return ids.map((id) => {
    const from = renames.get(id);
    if (from === undefined) return diffOne(id, before.get(id) ?? null, after.get(id) ?? null);
    const diff = diffOne(id, before.get(from) ?? null, after.get(id) ?? null);
    const changes = diff.changes.filter((c) => c.field !== 'code');
    return { ...diff, kind: 'renamed', renamedFrom: from, changes };
  });
}
