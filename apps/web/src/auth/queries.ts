import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Me, Role } from '@sluice/client';
import { api, hasStatus, queryKeys } from '../api';
import { needsRoleTitle, roleAllows } from './roles';
import { setCsrfToken } from './session';

export function useAuthOptions() {
  return useQuery({ queryKey: queryKeys.authOptions(), queryFn: () => api.authOptions(), staleTime: Infinity });
}

/** Who is signed in; null when nobody is (a 401). Keeps the CSRF token for the client. */
async function loadMe(): Promise<Me | null> {
  try {
    const me = await api.me();
    setCsrfToken(me.csrfToken);
    return me;
  } catch (raw) {
    if (!hasStatus(raw, 401)) throw raw;
    setCsrfToken(null);
    return null;
  }
}

export function useMe() {
  return useQuery({ queryKey: queryKeys.me(), queryFn: loadMe, staleTime: 60_000, retry: false });
}

/** The signed-in user, for components shown only inside the sign-in gate. */
export function useSignedIn(): Me | null {
  return useMe().data ?? null;
}

/**
 * Whether the signed-in user may take an action that needs `role`, and the
 * tooltip saying why not. Hiding a button is a courtesy: the API checks too.
 */
export function usePermission(role: Role, action: string): { allowed: boolean; title?: string } {
  const me = useSignedIn();
  if (!me) return { allowed: false, title: `${action} needs the ${role} role; sign in first` };
  if (roleAllows(me.role, role)) return { allowed: true };
  return { allowed: false, title: needsRoleTitle(action, role, me.role) };
}

const KEPT_ON_SIGN_IN = new Set(['auth-options', 'me']);

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { username: string; password: string }) => api.login(input.username, input.password),
    onSuccess: async (answer) => {
      setCsrfToken(answer.csrfToken);
      // Nothing another user's session loaded may show for this one.
      queryClient.removeQueries({ predicate: (q) => !KEPT_ON_SIGN_IN.has(String(q.queryKey[0])) });
      // staleTime 0: the "nobody" answer from a moment ago must not stand in for the new session.
      await queryClient.fetchQuery({ queryKey: queryKeys.me(), queryFn: loadMe, staleTime: 0 });
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.logout(),
    onSuccess: () => {
      setCsrfToken(null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth-options' });
      queryClient.setQueryData(queryKeys.me(), null);
    },
  });
}
