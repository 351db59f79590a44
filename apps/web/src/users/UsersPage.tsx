import { useState } from 'react';
import type { User } from '@sluice/client';
import { errorMessage } from '../api';
import { ConfirmDialog } from '../components/Dialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { LoadError, Spinner } from '../components/Loading';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { useTimeFormat } from '../prefs/useZone';
import { useSignedIn } from '../auth/queries';
import { CreateUserForm } from './CreateUserForm';
import { EditUserDialog } from './EditUserDialog';
import { useDeleteUser, useUsers } from './queries';

/** Admins: every user, their role and teams; add, change, delete. */
export function UsersPage() {
  const { format: formatDateTime } = useTimeFormat();
  const me = useSignedIn();
  const isAdmin = me?.role === 'admin';
  const users = useUsers(isAdmin);
  const remove = useDeleteUser();
  const [editing, setEditing] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);

  if (!isAdmin)
    return (
      <div className="page">
        <h1>Users</h1>
        <ErrorBanner title="Managing users needs the admin role" tone="warning">
          You are signed in as {me?.username} ({me?.role}). Ask an admin to change a role or team.
        </ErrorBanner>
      </div>
    );

  const columns: Array<Column<User>> = [
    {
      key: 'user',
      header: 'User',
      render: (u) => (
        <>
          <strong>{u.username}</strong>
          {(u.displayName || u.email) && (
            <div className="muted small">{[u.displayName, u.email].filter(Boolean).join(' · ')}</div>
          )}
        </>
      ),
    },
    { key: 'role', header: 'Role', render: (u) => <span data-testid={`user-role-${u.username}`}>{u.role}</span> },
    {
      key: 'teams',
      header: 'Teams',
      render: (u) =>
        u.teams.length > 0 ? (
          <span data-testid={`user-teams-${u.username}`}>{u.teams.join(', ')}</span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    { key: 'signin', header: 'Signs in with', render: (u) => u.signIn },
    { key: 'last', header: 'Last sign-in', className: 'nowrap', render: (u) => formatDateTime(u.lastLoginAt) },
    {
      key: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      className: 'col-actions',
      render: (u) => (
        <span className="actions">
          <button
            type="button"
            className="button button-small"
            data-testid={`user-edit-${u.username}`}
            onClick={() => setEditing(u)}
          >
            Edit
          </button>
          <button
            type="button"
            className="button button-small button-danger-outline"
            data-testid={`user-delete-${u.username}`}
            disabled={u.username === me.username}
            title={u.username === me.username ? 'You cannot delete yourself' : undefined}
            onClick={() => setDeleting(u)}
          >
            Delete
          </button>
        </span>
      ),
    },
  ];

  function closeDelete() {
    setDeleting(null);
    remove.reset();
  }

  return (
    <div className="page">
      <header className="page-header">
        <h1>Users</h1>
      </header>
      <CreateUserForm />
      {users.error ? (
        <LoadError what="users" error={users.error} />
      ) : !users.data ? (
        <Spinner />
      ) : (
        <Table
          columns={columns}
          rows={users.data.items}
          rowKey={(u) => u.username}
          rowProps={(u) => ({ 'data-testid': `user-row-${u.username}` })}
        />
      )}
      {editing && <EditUserDialog user={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={
          <>
            Delete <code>{deleting?.username}</code>?
          </>
        }
        confirmLabel="Delete user"
        confirmTestId="user-delete-confirm"
        danger
        busy={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onClose={closeDelete}
        onConfirm={() => deleting && remove.mutate(deleting.username, { onSuccess: closeDelete })}
      >
        <p>Their API tokens and sessions end with them. Audit events they made stay.</p>
      </ConfirmDialog>
    </div>
  );
}
