import { useInfiniteQuery } from '@tanstack/react-query';
import type { BrowseRunsQuery, BrowseTaskInstancesQuery } from '@sluice/client';
import { api, queryKeys } from '../api';
import { LIVE_POLL_MS, SETTLED_POLL_MS, isRunTerminal, isTaskActive } from '../states';

export const RUN_PAGE = 25;
export const TASK_INSTANCE_PAGE = 50;

export type RunListFilters = Omit<BrowseRunsQuery, 'limit' | 'cursor'>;
export type TaskInstanceListFilters = Omit<BrowseTaskInstancesQuery, 'limit' | 'cursor'>;

/** Keyset pages of runs; "load more" asks for the page after the last one's cursor. Polls while a shown run moves. */
export function useRunList(filters: RunListFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.runList(filters),
    queryFn: ({ pageParam }) =>
      api.browseRuns({ ...filters, limit: RUN_PAGE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((r) => !isRunTerminal(r.state)))
        ? LIVE_POLL_MS
        : SETTLED_POLL_MS,
  });
}

export function useTaskInstanceList(filters: TaskInstanceListFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.taskInstanceList(filters),
    queryFn: ({ pageParam }) =>
      api.browseTaskInstances({ ...filters, limit: TASK_INSTANCE_PAGE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((t) => isTaskActive(t.state))) ? LIVE_POLL_MS : SETTLED_POLL_MS,
  });
}
