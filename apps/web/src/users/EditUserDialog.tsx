import { useState } from 'react';
import type { Role, User } from '@sluice/client';
import { errorMessage } from '../api';
import { Dialog } from '../components/Dialog';
import { SelectField, TextField } from '../components/Field';
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
        <SelectField<Role> label="Role" testId="user-edit-role" options={ROLES} value={role} onChange={setRole} />
        <TextField label="Teams (comma-separated)" testId="user-edit-teams" value={teams} onChange={setTeams} />
        {update.isError && <p className="form-error">{errorMessage(update.error)}</p>}
      </div>
    </Dialog>
  );
}
