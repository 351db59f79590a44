import { useRef } from 'react';
import { Link, NavLink, useNavigate } from 'react-router-dom';
import { errorMessage } from '../api';
import { useSignOut, useSignedIn } from './queries';

/** The signed-in user's name and role, with "API tokens" and "Sign out". */
export function UserMenu() {
  const me = useSignedIn();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const menu = useRef<HTMLDetailsElement>(null);
  // Sign-in off: everyone is the same local admin, with nothing to sign out of.
  if (!me || me.via === 'local') return null;

  const close = () => menu.current?.removeAttribute('open');
  return (
    <details className="user-menu" ref={menu} data-testid="user-menu">
      <summary title="Account">
        <span data-testid="user-name">{me.username}</span>
        <span className="role-pill" data-testid="user-role">
          {me.role}
        </span>
      </summary>
      <div className="user-menu-items">
        <Link to="/tokens" data-testid="menu-tokens" onClick={close}>
          API tokens
        </Link>
        <button
          type="button"
          data-testid="sign-out"
          disabled={signOut.isPending}
          onClick={() => signOut.mutate(undefined, { onSuccess: () => navigate('/login', { replace: true }) })}
        >
          Sign out
        </button>
        {signOut.isError && <p className="form-error">{errorMessage(signOut.error)}</p>}
      </div>
    </details>
  );
}

/** Nav links of the security pages: the audit log for everyone, users for admins. */
export function AccountNavLinks() {
  const me = useSignedIn();
  return (
    <>
      <NavLink to="/audit">Audit log</NavLink>
      {me?.role === 'admin' && <NavLink to="/users">Users</NavLink>}
    </>
  );
}
