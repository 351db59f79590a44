import { type FormEvent, useState } from 'react';
import type { Pool } from '@sluice/client';
import { errorMessage } from '../api';
import { LoadError, Spinner } from '../components/Loading';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { runStateStyle } from '../states';
import { useDeletePool, usePools, useSetPool } from './queries';

/** Running and queued slots as shares of the pool's size. */
function Occupancy({ pool }: { pool: Pool }) {
  const share = (n: number) => `${pool.slots === 0 ? 0 : Math.min(100, (100 * n) / pool.slots)}%`;
  return (
    <div className="progress">
      <div
        className="progress-bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={pool.slots}
        aria-valuenow={pool.running + pool.queued}
      >
        <span style={{ width: share(pool.running), background: runStateStyle('running').color }} />
        <span style={{ width: share(pool.queued), background: runStateStyle('queued').color }} />
      </div>
      <span className="small" data-testid={`pool-occupancy-${pool.name}`}>
        {pool.running} running · {pool.queued} queued · {pool.free} free of {pool.slots}
      </span>
    </div>
  );
}

/** Pools: slots shared by tasks across DAGs, how many their tasks hold, and a form to size one. */
export function PoolsPage() {
  const pools = usePools();
  const save = useSetPool();
  const remove = useDeletePool();
  const [name, setName] = useState('');
  const [slots, setSlots] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ name: name.trim(), body: { slots: Number(slots) } }, { onSuccess: () => setName('') });
  };

  const columns: Array<Column<Pool>> = [
    { key: 'name', header: 'Pool', render: (p) => <code>{p.name}</code> },
    { key: 'slots', header: 'Slots', render: (p) => p.slots },
    { key: 'occupancy', header: 'Occupancy', render: (p) => <Occupancy pool={p} /> },
    { key: 'description', header: 'Description', render: (p) => p.description ?? <span className="muted">—</span> },
    {
      key: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      className: 'col-actions',
      render: (p) => (
        <button
          type="button"
          className="button button-small button-danger-outline"
          data-testid={`pool-delete-${p.name}`}
          disabled={remove.isPending}
          onClick={() => remove.mutate(p.name)}
        >
          Delete
        </button>
      ),
    },
  ];

  return (
    <div className="page">
      <header className="page-header">
        <h1>Pools</h1>
      </header>
      <p className="lead">
        A task takes <code>poolSlots</code> of its <code>pool</code> while it is queued or running; when a pool is full,
        its tasks wait. A pool that is not listed here limits nothing.
      </p>
      <form className="actions" onSubmit={submit} data-testid="pool-form">
        <label className="field">
          <span className="field-label">Pool</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required data-testid="pool-name" />
        </label>
        <label className="field">
          <span className="field-label">Slots</span>
          <input
            type="number"
            min={0}
            step={1}
            value={slots}
            onChange={(e) => setSlots(e.target.value)}
            required
            data-testid="pool-slots"
          />
        </label>
        <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="pool-save">
          Set
        </button>
      </form>
      {save.isError && <p className="form-error">{errorMessage(save.error)}</p>}
      {remove.isError && <p className="form-error">{errorMessage(remove.error)}</p>}
      {pools.error ? (
        <LoadError what="pools" error={pools.error} />
      ) : !pools.data ? (
        <Spinner />
      ) : (
        <Table
          columns={columns}
          rows={pools.data.items}
          rowKey={(p) => p.name}
          rowProps={(p) => ({ 'data-testid': `pool-row-${p.name}` })}
          empty="No pools: no task is limited."
        />
      )}
    </div>
  );
}
