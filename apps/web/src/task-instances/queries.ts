import { useMutation, useQuery } from '@tanstack/react-query';
import { api, queryKeys } from '../api';
import { useInvalidateDagData } from '../runs/queries';
import { LIVE_POLL_MS, isTaskActive } from '../states';

/** `runLive`: keep polling while the run moves, since a `none` task may be scheduled any moment. */
export function useTaskInstance(dagId: string, runId: string, taskId: string, runLive: boolean) {
  return useQuery({
    queryKey: queryKeys.taskInstance(dagId, runId, taskId),
    queryFn: () => api.getTaskInstance(dagId, runId, taskId),
    refetchInterval: (query) =>
      runLive || (query.state.data && isTaskActive(query.state.data.state)) ? LIVE_POLL_MS : false,
  });
}

export type ClearOptions = { upstream: boolean; downstream: boolean; past: boolean; future: boolean };

export function useClearTask(dagId: string, runId: string, taskId: string) {
  const invalidate = useInvalidateDagData();
  return useMutation({
    mutationFn: (options: ClearOptions) => api.clearTask(dagId, runId, taskId, options),
    onSuccess: () => invalidate(dagId),
  });
}

/** The dry run of a clear with these options, fetched again whenever they change (while `enabled`). */
export function useClearPreview(dagId: string, runId: string, taskId: string, options: ClearOptions, enabled: boolean) {
  return useQuery({
    queryKey: ['clear-preview', dagId, runId, taskId, options],
    queryFn: () => api.clearTask(dagId, runId, taskId, { ...options, dryRun: true }),
    enabled,
    staleTime: 0,
    gcTime: 0,
  });
}

export function useSetTaskState(dagId: string, runId: string, taskId: string) {
  const invalidate = useInvalidateDagData();
  return useMutation({
    mutationFn: (state: 'success' | 'failed') => api.setTaskState(dagId, runId, taskId, state),
    onSuccess: () => invalidate(dagId),
  });
}
