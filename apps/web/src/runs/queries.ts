import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { RunDetail } from '@sluice/client';
import { api, queryKeys } from '../api';
import { LIVE_POLL_MS, isRunTerminal, isTaskActive } from '../states';

/** True while the run or any of its task instances can still change by itself. */
export function isRunLive(run: RunDetail): boolean {
  return !isRunTerminal(run.state) || run.taskInstances.some((ti) => isTaskActive(ti.state));
}

/** A run; with `runId` null (a DAG with no run yet) nothing is asked. */
export function useRun(dagId: string, runId: string | null) {
  return useQuery({
    queryKey: queryKeys.run(dagId, runId ?? ''),
    queryFn: () => api.getRun(dagId, runId ?? ''),
    enabled: runId !== null,
    refetchInterval: (query) => (query.state.data && isRunLive(query.state.data) ? LIVE_POLL_MS : false),
  });
}

/** After any change to a run, everything shown for its DAG is stale: grid, list dots, task instances. */
export function useInvalidateDagData() {
  const queryClient = useQueryClient();
  return (dagId: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.dag(dagId) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.allDagLists() }),
    ]);
}
