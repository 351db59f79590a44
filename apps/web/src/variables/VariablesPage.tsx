import { useState } from 'react';
import type { Variable } from '@sluice/client';
import { errorMessage } from '../api';
import { ConfirmDialog } from '../components/Dialog';
import { LoadError, Spinner } from '../components/Loading';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { useTimeFormat } from '../prefs/useZone';
import { VariableDialog } from './VariableDialog';
import { useDeleteVariable, useVariables } from './queries';

/** Variables tasks read with ctx.variable(name); secret values come from the API as *** and stay that way. */
export function VariablesPage() {
  const { format: formatDateTime } = useTimeFormat();
  const variables = useVariables();
  const remove = useDeleteVariable();
  // `editing` undefined: no dialog; null: a new variable.
  const [editing, setEditing] = useState<Variable | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<Variable | null>(null);

  const columns: Array<Column<Variable>> = [
    { key: 'key', header: 'Key', render: (v) => <code>{v.key}</code> },
    {
      key: 'value',
      header: 'Value',
      render: (v) =>
        v.secret ? (
          <span className="muted" title="secret: never shown">
            ***
          </span>
        ) : (
          <code className="variable-value">{v.value}</code>
        ),
    },
    { key: 'secret', header: 'Secret', render: (v) => (v.secret ? 'yes' : <span className="muted">—</span>) },
    { key: 'description', header: 'Description', render: (v) => v.description ?? <span className="muted">—</span> },
    { key: 'updated', header: 'Updated', className: 'nowrap', render: (v) => formatDateTime(v.updatedAt) },
    {
      key: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      className: 'col-actions',
      render: (v) => (
        <span className="actions">
          <button type="button" className="button button-small" onClick={() => setEditing(v)}>
            Set
          </button>
          <button
            type="button"
            className="button button-small button-danger-outline"
            data-testid={`variable-delete-${v.key}`}
            onClick={() => setDeleting(v)}
          >
            Delete
          </button>
        </span>
      ),
    },
  ];

  return (
    <div className="page">
      <header className="page-header">
        <h1>Variables</h1>
        <button
          type="button"
          className="button button-primary"
          data-testid="variable-new"
          onClick={() => setEditing(null)}
        >
          + New variable
        </button>
      </header>
      <p className="lead">
        Values tasks read with <code>ctx.variable(name)</code> or a shell task&rsquo;s{' '}
        <code>{"env: { NAME: { variable: 'key' } }"}</code>. All are stored encrypted; secret ones are never shown and
        are masked in task logs.
      </p>
      {variables.error ? (
        <LoadError what="variables" error={variables.error} />
      ) : !variables.data ? (
        <Spinner />
      ) : (
        <Table
          columns={columns}
          rows={variables.data.items}
          rowKey={(v) => v.key}
          rowProps={(v) => ({ 'data-testid': `variable-row-${v.key}` })}
          empty="No variables yet."
        />
      )}
      {editing !== undefined && (
        <VariableDialog key={editing?.key ?? '(new)'} editing={editing} open onClose={() => setEditing(undefined)} />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete ${deleting.key}?` : ''}
        confirmLabel="Delete"
        confirmTestId="variable-delete-confirm"
        danger
        busy={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onConfirm={() => {
          if (deleting) remove.mutate(deleting.key, { onSuccess: () => setDeleting(null) });
        }}
        onClose={() => {
          remove.reset();
          setDeleting(null);
        }}
      >
        Tasks that read it will fail until it is set again.
      </ConfirmDialog>
    </div>
  );
}
