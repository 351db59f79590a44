import { useState } from 'react';
import type { Role, User } from '@sluice/client';
import { errorMessage } from '../api';
import { Dialog } from '../components/Dialog';
import { ROLES } from '../auth/roles';
import { useUpdateUser } from './queries';
import { parseTeams } from './teams';

/** Change a user's role and teams. */
export function EditUserDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const [role, setRole] = useState<Role>(user.role);
  const [teams, setTeams] = useState(user.teams.join(', '));
  const update = useUpdateUser();

  return (
    <Dialog
      open
      onClose={onClose}
      testId="user-edit-dialog"
      title={
        <>
          Edit <code>{user.username}</code>
        </>
      }
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="user-edit-save"
            disabled={update.isPending}
            onClick={() =>
              update.mutate(
                { username: user.username, change: { role, teams: parseTeams(teams) } },
                { onSuccess: onClose },
              )
            }
          >
            {update.isPending ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <div className="stack">
        <label className="field">
          <span className="field-label">Role</span>
          <select
            className="text-input"
            data-testid="user-edit-role"
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
          <span className="field-label">Teams (comma-separated)</span>
          <input
            className="text-input"
            data-testid="user-edit-teams"
            value={teams}
            onChange={(event) => setTeams(event.target.value)}
          />
        </label>
        {update.isError && <p className="form-error">{errorMessage(update.error)}</p>}
      </div>
    </Dialog>
  );
}
