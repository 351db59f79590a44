/** The DAG list's search and sort, done in the browser: the list is every DAG already, and small. */
import type { DagSummary } from '@sluice/client';

export type DagSort = 'name' | 'next' | 'latest' | 'failed';

export const DAG_SORTS: ReadonlyArray<{ value: DagSort; label: string }> = [
  { value: 'name', label: 'Sort: name' },
  { value: 'next', label: 'Sort: next run' },
  { value: 'latest', label: 'Sort: latest run' },
  { value: 'failed', label: 'Sort: failed first' },
];

export function readSort(value: string | null): DagSort {
  return DAG_SORTS.find((s) => s.value === value)?.value ?? 'name';
}

/** Every word of the search appears in the DAG's id, description, owner or tags (any case). */
export function matchesSearch(dag: DagSummary, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [dag.dagId, dag.description ?? '', dag.owner ?? '', ...dag.tags].join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
}

const latestAt = (dag: DagSummary) => dag.recentRuns[0]?.logicalDate ?? '';
const failedLast = (dag: DagSummary) => (dag.recentRuns[0]?.state === 'failed' ? 0 : 1);

/** Sorted copy; ties (and DAGs without the date sorted on) fall back to the id. */
export function sortDags(dags: readonly DagSummary[], sort: DagSort): DagSummary[] {
  const byId = (a: DagSummary, b: DagSummary) => a.dagId.localeCompare(b.dagId);
  const compare: Record<DagSort, (a: DagSummary, b: DagSummary) => number> = {
    name: byId,
    // Soonest first; DAGs with no next run last.
    next: (a, b) => (a.nextRunAt ?? '\uffff').localeCompare(b.nextRunAt ?? '\uffff') || byId(a, b),
    // Newest first; DAGs that never ran last.
    latest: (a, b) => latestAt(b).localeCompare(latestAt(a)) || byId(a, b),
    failed: (a, b) => failedLast(a) - failedLast(b) || byId(a, b),
  };
  return [...dags].sort(compare[sort]);
}
