import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PoolBody } from '@sluice/client';
import { api, queryKeys } from '../api';

/** Pools with their occupancy, refreshed while the page is open: slots change as tasks start and end. */
export function usePools() {
  return useQuery({ queryKey: queryKeys.pools(), queryFn: () => api.listPools(), refetchInterval: 5_000 });
}

export function useSetPool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ name, body }: { name: string; body: PoolBody }) => api.putPool(name, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.pools() }),
  });
}

export function useDeletePool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.deletePool(name),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.pools() }),
  });
}
