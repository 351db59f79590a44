import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AuthOptions } from '@sluice/client';
import { Navigate, useLocation, useSearchParams } from 'react-router-dom';
import { queryKeys } from '../api';
import { LoadError, Spinner } from '../components/Loading';
import { LoginPage } from './LoginPage';
import { useAuthOptions, useMe } from './queries';
import { loginPath, safeReturnTo } from './return-to';
import { onUnauthorized, setCsrfToken } from './session';

/**
 * Shows the app to a signed-in user and the sign-in page to everyone else.
 * Any 401 (session expired, signed out in another tab) lands on
 * /login?returnTo=<where the user was>; signing in goes back there. With
 * sign-in off on the server, there is no sign-in page.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const options = useAuthOptions();
  const me = useMe();
  const location = useLocation();
  const [params] = useSearchParams();

  useEffect(
    () =>
      onUnauthorized(() => {
        // With sign-in off nobody can be signed out: a 401 there is the route's own answer.
        if (queryClient.getQueryData<AuthOptions>(queryKeys.authOptions())?.authRequired === false) return;
        setCsrfToken(null);
        queryClient.setQueryData(queryKeys.me(), null);
      }),
    [queryClient],
  );

  if (options.error) return <GateError what="how to sign in" error={options.error} />;
  if (!options.data || me.isPending) return <Spinner />;
  if (me.error) return <GateError what="who is signed in" error={me.error} />;

  const onLoginPage = location.pathname === '/login';
  if (options.data.authRequired && me.data === null) {
    if (onLoginPage) return <LoginPage options={options.data} />;
    return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  }
  if (onLoginPage) return <Navigate to={safeReturnTo(params.get('returnTo'))} replace />;
  return children;
}

function GateError({ what, error }: { what: string; error: unknown }) {
  return (
    <main className="main">
      <LoadError what={what} error={error} />
    </main>
  );
}
