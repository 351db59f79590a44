import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { LIVE_POLL_MS } from '../states';

/** Under the DAG's key, so invalidating the DAG (a clear, a trigger) refreshes these too. */
export const historyKeys = {
  notes: (dagId: string, runId: string) => ['dag', dagId, 'run', runId, 'notes'] as const,
  gantt: (dagId: string, runId: string) => ['dag', dagId, 'run', runId, 'gantt'] as const,
  taskTimes: (dagId: string, runs: number) => ['dag', dagId, 'task-times', runs] as const,
  calendar: (dagId: string, year: number | null) => ['dag', dagId, 'calendar', year] as const,
  versions: (dagId: string) => ['dag', dagId, 'versions'] as const,
  version: (dagId: string, hash: string) => ['dag', dagId, 'version', hash] as const,
};

export function useRunNotes(dagId: string, runId: string) {
  return useQuery({ queryKey: historyKeys.notes(dagId, runId), queryFn: () => api.listRunNotes(dagId, runId) });
}

/** Writes (text) or deletes (null) the note of the run (`taskId` null) or of one of its tasks. */
export function useSaveRunNote(dagId: string, runId: string, taskId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (text: string | null): Promise<void> => {
      if (text === null) await api.deleteRunNote(dagId, runId, taskId);
      else await api.setRunNote(dagId, runId, taskId, text);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: historyKeys.notes(dagId, runId) }),
  });
}

/** `live`: keep following while the run moves. */
export function useRunGantt(dagId: string, runId: string, live: boolean) {
  return useQuery({
    queryKey: historyKeys.gantt(dagId, runId),
    queryFn: () => api.getRunGantt(dagId, runId),
    refetchInterval: live ? LIVE_POLL_MS : false,
  });
}

export function useTaskTimes(dagId: string, runs: number) {
  return useQuery({ queryKey: historyKeys.taskTimes(dagId, runs), queryFn: () => api.getTaskTimes(dagId, { runs }) });
}

/** `year` null: the current year in the DAG's time zone. */
export function useRunCalendar(dagId: string, year: number | null) {
  return useQuery({
    queryKey: historyKeys.calendar(dagId, year),
    queryFn: () => api.getRunCalendar(dagId, year === null ? {} : { year }),
  });
}

export function useDagVersions(dagId: string) {
  return useQuery({ queryKey: historyKeys.versions(dagId), queryFn: () => api.listDagVersions(dagId) });
}

/** Versions never change: read once. */
export function useDagVersion(dagId: string, hash: string | null) {
  return useQuery({
    queryKey: historyKeys.version(dagId, hash ?? ''),
    queryFn: () => api.getDagVersion(dagId, hash ?? ''),
    enabled: hash !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
