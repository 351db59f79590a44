import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { VariableBody } from '@sluice/client';
import { api, queryKeys } from '../api';

export function useVariables() {
  return useQuery({ queryKey: queryKeys.variables(), queryFn: () => api.listVariables() });
}

export function useSetVariable() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ key, body }: { key: string; body: VariableBody }) => api.putVariable(key, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.variables() }),
  });
}

export function useDeleteVariable() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => api.deleteVariable(key),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.variables() }),
  });
}
