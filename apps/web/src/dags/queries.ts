import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DagSummary, Grid, MappedGridPage, TriggerRunBody } from '@sluice/client';
import { api, queryKeys } from '../api';
import { useTimeFormat } from '../prefs/useZone';
import { LIVE_POLL_MS, SETTLED_POLL_MS, isRunTerminal, isTaskActive } from '../states';

export interface DagListFilters {
  tag?: string;
  paused?: boolean;
}

function anyRunLive(dags: DagSummary[]): boolean {
  return dags.some((dag) => dag.recentRuns.some((run) => !isRunTerminal(run.state)));
}

/** True while any run, or any task in a run, shown on the grid can still change. */
export function isGridLive(grid: Grid): boolean {
  return grid.runs.some(
    (run) => !isRunTerminal(run.state) || Object.values(run.states).some((state) => isTaskActive(state)),
  );
}

export function useDagList(filters: DagListFilters) {
  return useQuery({
    queryKey: queryKeys.dagList(filters),
    queryFn: () => api.listDags(filters),
    refetchInterval: (query) =>
      query.state.data && anyRunLive(query.state.data.items) ? LIVE_POLL_MS : SETTLED_POLL_MS,
  });
}

/** A file broken in a pull request shows on a page left open within a few seconds, not at the next reload. */
const IMPORT_ERRORS_POLL_MS = 5_000;

export function useImportErrors() {
  return useQuery({
    queryKey: queryKeys.importErrors(),
    queryFn: () => api.listImportErrors(),
    refetchInterval: IMPORT_ERRORS_POLL_MS,
  });
}

export function useDag(dagId: string, enabled = true) {
  return useQuery({ queryKey: queryKeys.dag(dagId), queryFn: () => api.getDag(dagId), enabled });
}

/** The top bar's time format on a page of one DAG: "the DAG's zone" is that DAG's schedule zone. */
export function useDagTimeFormat(dagId: string) {
  return useTimeFormat(useDag(dagId).data?.timezone);
}

export const GRID_RUNS = 25;

/** The grid of the DAG's last `limit` runs; "load older" asks for more, keeping the shown grid until they come. */
export function useGrid(dagId: string, limit = GRID_RUNS) {
  return useQuery({
    queryKey: queryKeys.grid(dagId, limit),
    queryFn: () => api.getGrid(dagId, { limit }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data && isGridLive(query.state.data) ? LIVE_POLL_MS : SETTLED_POLL_MS),
  });
}

/** Instances of a mapped task shown at a time in the grid: pages, so a map over 10,000 items stays quick. */
export const MAPPED_PAGE = 50;

function isMappedPageLive(page: MappedGridPage): boolean {
  return page.runs.some((run) => run.instances.some((i) => isTaskActive(i.state)));
}

/** One page of a mapped task's instances in the grid's runs, while the row is expanded; polls while any moves. */
export function useMappedGrid(dagId: string, taskId: string, limit: number, offset: number, live: boolean) {
  return useQuery({
    queryKey: queryKeys.mappedGrid(dagId, taskId, limit, offset),
    queryFn: () => api.getMappedGrid(dagId, taskId, { limit, offset, count: MAPPED_PAGE }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      live || (query.state.data && isMappedPageLive(query.state.data)) ? LIVE_POLL_MS : SETTLED_POLL_MS,
  });
}

/** Refreshes everything that shows this DAG: the list, its page, its runs. */
function useInvalidateDag() {
  const queryClient = useQueryClient();
  return (dagId: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.allDagLists() }),
      queryClient.invalidateQueries({ queryKey: queryKeys.dag(dagId) }),
    ]);
}

export function useSetPaused(dagId: string) {
  const invalidate = useInvalidateDag();
  return useMutation({
    mutationFn: (isPaused: boolean) => api.setPaused(dagId, isPaused),
    onSettled: () => invalidate(dagId),
  });
}

export function useTriggerRun(dagId: string) {
  const invalidate = useInvalidateDag();
  return useMutation({
    mutationFn: (body: TriggerRunBody) => api.triggerRun(dagId, body),
    onSuccess: () => invalidate(dagId),
  });
}
