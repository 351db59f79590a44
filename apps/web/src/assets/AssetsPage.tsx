import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { AssetSummary } from '@sluice/client';
import { LoadError, Spinner } from '../components/Loading';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { TextFilter } from '../components/TextFilter';
import { formatRelative } from '../format';
import { assetPath, dagPath } from '../paths';
import { useTimeFormat } from '../prefs/useZone';
import { useAssetList } from './queries';

/** Every asset a DAG updates or waits on: when it last changed, which tasks update it, which DAGs it triggers. */
export function AssetsPage() {
  const [filter, setFilter] = useState('');
  const assets = useAssetList('');
  const { zone, format } = useTimeFormat();
  const needle = filter.toLowerCase();
  const shown = assets.data?.items.filter((a) => a.uri.toLowerCase().includes(needle)) ?? [];

  const columns: Array<Column<AssetSummary>> = [
    {
      key: 'uri',
      header: 'URI',
      render: (a) => (
        <Link to={assetPath(a.uri)} className="asset-uri">
          {a.uri}
        </Link>
      ),
    },
    {
      key: 'last',
      header: 'Last event',
      className: 'nowrap',
      render: (a) =>
        a.lastEvent ? (
          <span title={format(a.lastEvent.createdAt)}>
            {format(a.lastEvent.createdAt)} <span className="muted small">{formatRelative(a.lastEvent.createdAt)}</span>
          </span>
        ) : (
          <span className="muted">never</span>
        ),
    },
    {
      key: 'producers',
      header: 'Updated by',
      render: (a) =>
        a.producers.length === 0 ? (
          <span className="muted">no task</span>
        ) : (
          <ul className="plain-list">
            {a.producers.map((p) => (
              <li key={`${p.dagId}.${p.taskId}`}>
                <Link to={dagPath(p.dagId)}>{p.dagId}</Link>
                <span className="muted"> · {p.taskId}</span>
              </li>
            ))}
          </ul>
        ),
    },
    {
      key: 'consumers',
      header: 'Triggers',
      render: (a) =>
        a.consumers.length === 0 ? (
          <span className="muted">no DAG</span>
        ) : (
          <ul className="plain-list">
            {a.consumers.map((dagId) => (
              <li key={dagId}>
                <Link to={dagPath(dagId)}>{dagId}</Link>
              </li>
            ))}
          </ul>
        ),
    },
  ];

  return (
    <div className="page">
      <header className="page-header">
        <h1>Assets</h1>
      </header>
      <p className="lead">
        Data that tasks update (their <code>outlets</code>) and DAGs are scheduled on. An event is one update: a
        task&rsquo;s success, or one posted from outside.
      </p>
      <div className="filter-bar">
        <TextFilter label="URI contains" value={filter} onCommit={setFilter} testId="asset-filter" />
      </div>
      {assets.error && !assets.data ? (
        <LoadError what="assets" error={assets.error} />
      ) : !assets.data ? (
        <Spinner />
      ) : (
        <>
          <Table
            columns={columns}
            rows={shown}
            rowKey={(a) => a.uri}
            rowProps={(a) => ({ 'data-testid': `asset-row-${a.uri}` })}
            empty={filter ? `No asset's URI contains "${filter}".` : 'No assets yet: no DAG names one.'}
          />
          <p className="muted small" data-testid="asset-count">
            {shown.length} of {assets.data.items.length}
            {assets.data.nextCursor ? '+' : ''} assets. Times in {zone}.
          </p>
        </>
      )}
    </div>
  );
}
