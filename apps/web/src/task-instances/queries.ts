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

export function useClearTask(dagId: string, runId: string, taskId: string) {
  const invalidate = useInvalidateDagData();
  return useMutation({
    mutationFn: (downstream: boolean) => api.clearTask(dagId, runId, taskId, { downstream }),
    onSuccess: () => invalidate(dagId),
  });
}

export function useSetTaskState(dagId: string, runId: string, taskId: string) {
  const invalidate = useInvalidateDagData();
  return useMutation({
    mutationFn: (state: 'success' | 'failed') => api.setTaskState(dagId, runId, taskId, state),
    onSuccess: () => invalidate(dagId),
  });
}
