import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Backfill, BackfillBody } from '@sluice/client';
import { api } from '../api';
import { LIVE_POLL_MS } from '../states';

/** Under the DAG's key, so whatever refreshes the DAG refreshes its backfills. */
const backfillsKey = (dagId: string) => ['dag', dagId, 'backfills'] as const;

const isActive = (b: Backfill): boolean => b.state === 'queued' || b.state === 'running' || b.state === 'paused';

export function useBackfills(dagId: string) {
  return useQuery({
    queryKey: backfillsKey(dagId),
    queryFn: () => api.listBackfills({ dagId, limit: 20 }),
    refetchInterval: (query) => (query.state.data?.items.some(isActive) ? LIVE_POLL_MS : false),
  });
}

export function usePreviewBackfill() {
  return useMutation({ mutationFn: (body: BackfillBody) => api.previewBackfill(body) });
}

export function useCreateBackfill(dagId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BackfillBody) => api.createBackfill(body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['dag', dagId] }),
  });
}

export function useChangeBackfill(dagId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'pause' | 'resume' | 'cancel' }) =>
      api.changeBackfill(id, action),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: backfillsKey(dagId) }),
  });
}
