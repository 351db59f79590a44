import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { UserBody, UserChange } from '@sluice/client';
import { api, queryKeys } from '../api';

export function useUsers(enabled: boolean) {
  return useQuery({ queryKey: queryKeys.users(), queryFn: () => api.listUsers(), enabled });
}

function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.users() });
}

export function useCreateUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({ mutationFn: (body: UserBody) => api.createUser(body), onSuccess: invalidate });
}

export function useUpdateUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (input: { username: string; change: UserChange }) => api.updateUser(input.username, input.change),
    onSuccess: invalidate,
  });
}

export function useDeleteUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({ mutationFn: (username: string) => api.deleteUser(username), onSuccess: invalidate });
}
