import { useState } from 'react';
import type { ApiToken } from '@sluice/client';
import { errorMessage } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { ConfirmDialog } from '../components/Dialog';
import { LoadError, Spinner } from '../components/Loading';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { useTimeFormat } from '../prefs/useZone';
import { useSignedIn } from '../auth/queries';
import { CreateTokenForm } from './CreateTokenForm';
import { useRevokeToken, useTokens } from './queries';

function tokenStatus(t: ApiToken, now: number): 'revoked' | 'expired' | 'active' {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return 'expired';
  return 'active';
}

/** Your API tokens (an admin sees everyone's): make one, see when each was last used, revoke. */
export function TokensPage() {
  const { format: formatDateTime } = useTimeFormat();
  const me = useSignedIn();
  const tokens = useTokens(me !== null && me.via !== 'local');
  const revoke = useRevokeToken();
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  if (!me || me.via === 'local')
    return (
      <div className="page">
        <h1>API tokens</h1>
        <ErrorBanner title="API tokens belong to users" tone="warning">
          Sign-in is off on this server (SLUICE_AUTH=off), so there is no user to make a token for.
        </ErrorBanner>
      </div>
    );

  const now = Date.now();
  const columns: Array<Column<ApiToken>> = [
    { key: 'name', header: 'Name', render: (t) => <strong>{t.name}</strong> },
    ...(me.role === 'admin' ? [{ key: 'user', header: 'User', render: (t: ApiToken) => t.username }] : []),
    { key: 'role', header: 'Role', render: (t) => t.role },
    { key: 'prefix', header: 'Starts with', render: (t) => <code>{t.prefix}…</code> },
    { key: 'created', header: 'Created', className: 'nowrap', render: (t) => formatDateTime(t.createdAt) },
    {
      key: 'expires',
      header: 'Expires',
      className: 'nowrap',
      render: (t) => (t.expiresAt ? formatDateTime(t.expiresAt) : <span className="muted">never</span>),
    },
    { key: 'used', header: 'Last used', className: 'nowrap', render: (t) => formatDateTime(t.lastUsedAt) },
    {
      key: 'status',
      header: 'Status',
      render: (t) => <span className={`pill token-${tokenStatus(t, now)}`}>{tokenStatus(t, now)}</span>,
    },
    {
      key: 'revoke',
      header: <span className="visually-hidden">Revoke</span>,
      className: 'col-actions',
      render: (t) =>
        tokenStatus(t, now) === 'active' && (
          <button
            type="button"
            className="button button-small button-danger-outline"
            data-testid={`token-revoke-${t.username}-${t.name}`}
            onClick={() => setRevoking(t)}
          >
            Revoke
          </button>
        ),
    },
  ];

  function close() {
    setRevoking(null);
    revoke.reset();
  }

  return (
    <div className="page">
      <header className="page-header">
        <h1>API tokens</h1>
      </header>
      <p className="lead">
        For scripts and the CLI: send it as <code>Authorization: Bearer &lt;token&gt;</code>. A token acts with its own
        role, never more than its owner&apos;s.
      </p>
      <CreateTokenForm role={me.role} />
      {tokens.error ? (
        <LoadError what="API tokens" error={tokens.error} />
      ) : !tokens.data ? (
        <Spinner />
      ) : (
        <Table
          columns={columns}
          rows={tokens.data.items}
          rowKey={(t) => t.id}
          rowProps={(t) => ({ 'data-testid': `token-row-${t.username}-${t.name}`, 'data-status': tokenStatus(t, now) })}
          empty="No tokens yet."
        />
      )}
      <ConfirmDialog
        open={revoking !== null}
        title={
          <>
            Revoke <code>{revoking?.name}</code>?
          </>
        }
        confirmLabel="Revoke"
        confirmTestId="token-revoke-confirm"
        danger
        busy={revoke.isPending}
        error={revoke.isError ? errorMessage(revoke.error) : null}
        onClose={close}
        onConfirm={() => revoking && revoke.mutate(revoking.id, { onSuccess: close })}
      >
        <p>Anything still using it gets 401 from its next request. This cannot be undone.</p>
      </ConfirmDialog>
    </div>
  );
}
