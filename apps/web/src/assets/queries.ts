import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AssetEventBody } from '@sluice/client';
import { api, queryKeys } from '../api';
import { SETTLED_POLL_MS } from '../states';

/** Assets by URI, those starting with `prefix` when one is given. Events arrive any time, so the list polls. */
export function useAssetList(prefix: string) {
  return useQuery({
    queryKey: queryKeys.assetList(prefix),
    queryFn: () => api.listAssets({ limit: 500, ...(prefix ? { prefix } : {}) }),
    refetchInterval: SETTLED_POLL_MS,
  });
}

export function useAsset(uri: string) {
  return useQuery({
    queryKey: queryKeys.asset(uri),
    queryFn: () => api.getAsset(uri, { limit: 50 }),
    refetchInterval: SETTLED_POLL_MS,
  });
}

/** What a DAG waits for and feeds, through assets and cross-DAG tasks (asked only while `enabled`). */
export function useDagLinks(dagId: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.dagLinks(dagId),
    queryFn: () => api.getDagLinks(dagId),
    enabled,
    refetchInterval: SETTLED_POLL_MS,
  });
}

export function useRecordAssetEvent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AssetEventBody) => api.postAssetEvent(body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.allAssets() }),
  });
}
