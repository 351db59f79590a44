import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Role, UserBody } from '@sluice/client';
import { errorMessage } from '../api';
import { SelectField, TextField } from '../components/Field';
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
        <TextField label="Username" testId="user-new-name" required value={username} onChange={setUsername} />
        <SelectField<Role> label="Role" testId="user-new-role" options={ROLES} value={role} onChange={setRole} />
        <TextField
          label="Password (12+ characters; blank: SSO only)"
          testId="user-new-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
        />
        <TextField
          label="Teams (comma-separated)"
          testId="user-new-teams"
          placeholder="e.g. growth, finance"
          value={teams}
          onChange={setTeams}
        />
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
