import { useState } from 'react';
import type { FormEvent } from 'react';
import type { AuthOptions } from '@sluice/client';
import { useSearchParams } from 'react-router-dom';
import { errorMessage, hasStatus } from '../api';
import { useSignIn } from './queries';
import { safeReturnTo, ssoPath } from './return-to';
import { TextField } from '../components/Field';

/** What a failed sign-in says: never which of the two was wrong. */
function signInError(raw: unknown): string {
  if (hasStatus(raw, 401)) return 'Wrong username or password.';
  // The API's own message says how long to wait.
  if (hasStatus(raw, 429)) return errorMessage(raw);
  return `Could not sign in: ${errorMessage(raw)}`;
}

/** Username and password, and single sign-on when the server has a provider. */
export function LoginPage({ options }: { options: AuthOptions }) {
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  // Set by the API when the browser came back from a failed single sign-on.
  const ssoError = params.get('ssoError');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useSignIn();

  function submit(event: FormEvent) {
    event.preventDefault();
    // The gate takes the user to returnTo once the session is known.
    signIn.mutate({ username: username.trim(), password });
  }

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} data-testid="login-form">
        <h1 className="login-brand">
          <img src="/favicon.svg" alt="" width={26} height={26} />
          Sign in to Sluice
        </h1>
        {options.password && (
          <>
            <TextField
              label="Username"
              name="username"
              autoComplete="username"
              testId="login-username"
              required
              value={username}
              onChange={setUsername}
            />
            <TextField
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              testId="login-password"
              required
              value={password}
              onChange={setPassword}
            />
            {signIn.isError && (
              <p className="form-error" role="alert" data-testid="login-error">
                {signInError(signIn.error)}
              </p>
            )}
            <button
              type="submit"
              className="button button-primary login-submit"
              data-testid="login-submit"
              disabled={signIn.isPending}
            >
              {signIn.isPending ? 'Signing in…' : 'Sign in'}
            </button>
          </>
        )}
        {ssoError && (
          <p className="form-error" role="alert" data-testid="login-sso-error">
            {ssoError}
          </p>
        )}
        {options.sso && (
          <>
            {options.password && <div className="login-or">or</div>}
            <a className="button login-submit" href={ssoPath(options.sso.loginUrl, returnTo)} data-testid="login-sso">
              Sign in with {options.sso.name}
            </a>
          </>
        )}
      </form>
    </main>
  );
}
