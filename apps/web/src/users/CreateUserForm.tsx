import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Role, UserBody } from '@sluice/client';
import { errorMessage } from '../api';
import { ROLES } from '../auth/roles';
import { useCreateUser } from './queries';
import { parseTeams } from './teams';

/** A new user: name, role, teams, and a password (blank: single sign-on only). */
export function CreateUserForm() {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [teams, setTeams] = useState('');
  const create = useCreateUser();

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: UserBody = { username: username.trim(), role, teams: parseTeams(teams) };
    if (password !== '') body.password = password;
    create.mutate(body, {
      onSuccess: () => {
        setUsername('');
        setPassword('');
        setTeams('');
      },
    });
  }

  return (
    <section className="card">
      <h2 className="card-title">Add a user</h2>
      <form className="filter-form" onSubmit={submit} data-testid="user-form">
        <label className="field">
          <span className="field-label">Username</span>
          <input
            className="text-input"
            data-testid="user-new-name"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Role</span>
          <select
            className="text-input"
            data-testid="user-new-role"
            value={role}
            onChange={(event) => setRole(event.target.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Password (12+ characters; blank: SSO only)</span>
          <input
            className="text-input"
            type="password"
            autoComplete="new-password"
            data-testid="user-new-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Teams (comma-separated)</span>
          <input
            className="text-input"
            data-testid="user-new-teams"
            placeholder="e.g. growth, finance"
            value={teams}
            onChange={(event) => setTeams(event.target.value)}
          />
        </label>
        <div className="filter-form-buttons">
          <button type="submit" className="button button-primary" data-testid="user-create" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add user'}
          </button>
        </div>
      </form>
      {create.isError && (
        <p className="form-error" data-testid="user-error">
          {errorMessage(create.error)}
        </p>
      )}
    </section>
  );
}
