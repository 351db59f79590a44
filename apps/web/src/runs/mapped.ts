/**
 * A run's task instances as the run page lists them: an unmapped task is one
 * row; a mapped task is one row standing for all its instances (counted by
 * state, in the worst one), whose instances are listed apart.
 */
import { TASK_STATE_SEVERITY, type TaskInstance, type TaskState, worstTaskState } from '@sluice/client';

export type TaskRow =
  | { kind: 'task'; ti: TaskInstance }
  | {
      kind: 'mapped';
      taskId: string;
      /** The instances in map-index order. */
      instances: TaskInstance[];
      /** Stands for the whole task: the worst state, most tries, first start and (all ended) last end. */
      summary: TaskInstance;
      counts: Partial<Record<TaskState, number>>;
    };

/** Groups instances of the same mapped task (they come ordered by task, then map index). */
export function taskRows(taskInstances: readonly TaskInstance[]): TaskRow[] {
  const rows: TaskRow[] = [];
  const mapped = new Map<string, TaskInstance[]>();
  for (const ti of taskInstances) {
    if (ti.mapIndex === undefined) {
      rows.push({ kind: 'task', ti });
      continue;
    }
    const list = mapped.get(ti.taskId);
    if (list) {
      list.push(ti);
    } else {
      const instances = [ti];
      mapped.set(ti.taskId, instances);
      // Placeholder, completed below once every instance is in.
      rows.push({ kind: 'mapped', taskId: ti.taskId, instances, summary: ti, counts: {} });
    }
  }
  return rows.map((row) => (row.kind === 'mapped' ? summarise(row.taskId, row.instances) : row));
}

function summarise(taskId: string, instances: TaskInstance[]): TaskRow {
  const sorted = [...instances].sort((a, b) => (a.mapIndex ?? 0) - (b.mapIndex ?? 0));
  const counts: Partial<Record<TaskState, number>> = {};
  for (const ti of sorted) counts[ti.state] = (counts[ti.state] ?? 0) + 1;
  const first = sorted[0];
  const starts = sorted.flatMap((ti) => (ti.startedAt ? [ti.startedAt] : [])).sort();
  const ends = sorted.map((ti) => ti.endedAt);
  const allEnded = ends.every((e) => e !== null);
  const summary: TaskInstance = {
    taskId,
    state: worstTaskState(sorted.map((ti) => ti.state)),
    tryNumber: Math.max(0, ...sorted.map((ti) => ti.tryNumber)),
    maxTries: first?.maxTries ?? 1,
    operator: first?.operator ?? '',
    startedAt: starts[0] ?? null,
    endedAt: allEnded ? ([...ends].sort().at(-1) ?? null) : null,
    durationMs: null,
    waitingReason: null,
    external: null,
  };
  return { kind: 'mapped', taskId, instances: sorted, summary, counts };
}

/** "3 success · 1 failed · 2 running", worst first. */
export function countsText(counts: Partial<Record<TaskState, number>>, label: (s: TaskState) => string): string {
  return TASK_STATE_SEVERITY.flatMap((s) => {
    const n = counts[s] ?? 0;
    return n > 0 ? [`${n} ${label(s)}`] : [];
  }).join(' · ');
}

/** An item as short JSON for a table cell: cut to `max` characters with an ellipsis. */
export function shortJson(value: unknown, max = 60): string {
  const text = value === undefined ? '—' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
