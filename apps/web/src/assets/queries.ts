import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AssetDetail, AssetEventBody } from '@sluice/client';
import { api, queryKeys } from '../api';
import { LIVE_POLL_MS, SETTLED_POLL_MS } from '../states';

/** Assets by URI, those starting with `prefix` when one is given. Events arrive any time, so the list polls. */
export function useAssetList(prefix: string) {
  return useQuery({
    queryKey: queryKeys.assetList(prefix),
    queryFn: () => api.listAssets({ limit: 500, ...(prefix ? { prefix } : {}) }),
    refetchInterval: SETTLED_POLL_MS,
  });
}

/** True while a DAG scheduled on the asset has events not in a run yet: a run (and its link) may come any moment. */
export function isAssetLive(asset: AssetDetail): boolean {
  return asset.consumers.some((c) => c.queuedEvents > 0);
}

export function useAsset(uri: string) {
  return useQuery({
    queryKey: queryKeys.asset(uri),
    queryFn: () => api.getAsset(uri, { limit: 50 }),
    refetchInterval: (query) => (query.state.data && isAssetLive(query.state.data) ? LIVE_POLL_MS : SETTLED_POLL_MS),
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
