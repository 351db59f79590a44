import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TokenBody } from '@sluice/client';
import { api, queryKeys } from '../api';

/** `enabled`: false with sign-in off, where there is no user to own a token. */
export function useTokens(enabled: boolean) {
  return useQuery({ queryKey: queryKeys.tokens(), queryFn: () => api.listTokens(), enabled });
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TokenBody) => api.createToken(body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.tokens() }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.revokeToken(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.tokens() }),
  });
}
