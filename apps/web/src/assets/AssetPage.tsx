import { Link, useParams } from 'react-router-dom';
import type { AssetEventWithRuns } from '@sluice/client';
import { isNotFound } from '../api';
import { usePermission } from '../auth/queries';
import { ErrorBanner } from '../components/ErrorBanner';
import { LoadError, Spinner } from '../components/Loading';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { formatRelative } from '../format';
import { dagPath, runPath } from '../paths';
import { useTimeFormat } from '../prefs/useZone';
import { AssetEventSource, EventExtra } from './AssetEventSource';
import { RecordEventForm } from './RecordEventForm';
import { useAsset } from './queries';

/** One asset: the tasks that update it, the DAGs it triggers, its recent events and what each triggered. */
export function AssetPage() {
  const { uri = '' } = useParams();
  const asset = useAsset(uri);
  const { zone, format } = useTimeFormat();
  const canRecord = usePermission('operator', 'Recording an event');

  const breadcrumbs = (
    <nav className="breadcrumbs">
      <Link to="/assets">Assets</Link>
      <span>/</span>
      <span className="asset-uri">{uri}</span>
    </nav>
  );
  if (asset.error && !asset.data) {
    return (
      <div className="page">
        {breadcrumbs}
        {isNotFound(asset.error) ? (
          <ErrorBanner title={`No asset "${uri}"`}>No DAG names it and no event was recorded for it.</ErrorBanner>
        ) : (
          <LoadError what={`asset ${uri}`} error={asset.error} />
        )}
      </div>
    );
  }
  if (!asset.data) return <Spinner />;
  const a = asset.data;

  const columns: Array<Column<AssetEventWithRuns>> = [
    {
      key: 'at',
      header: 'When',
      className: 'nowrap',
      render: (e) => (
        <>
          {format(e.createdAt)} <span className="muted small">{formatRelative(e.createdAt)}</span>
        </>
      ),
    },
    { key: 'source', header: 'From', render: (e) => <AssetEventSource event={e} /> },
    { key: 'extra', header: 'Metadata', render: (e) => <EventExtra extra={e.extra} /> },
    {
      key: 'runs',
      header: 'Triggered',
      render: (e) =>
        e.triggeredRuns.length === 0 ? (
          <span className="muted">no run yet</span>
        ) : (
          <ul className="plain-list">
            {e.triggeredRuns.map((r) => (
              <li key={`${r.dagId}/${r.runId}`}>
                <Link to={runPath(r.dagId, r.runId)} data-testid={`event-run-${r.dagId}`}>
                  {r.dagId} · {r.runId}
                </Link>
              </li>
            ))}
          </ul>
        ),
    },
  ];

  return (
    <div className="page">
      {breadcrumbs}
      <header className="page-header">
        <h1 className="asset-uri">{a.uri}</h1>
      </header>
      <dl className="facts">
        <div>
          <dt>Updated by</dt>
          <dd data-testid="asset-producers">
            {a.producers.length === 0 ? (
              <span className="muted">no task (events come from outside)</span>
            ) : (
              <ul className="plain-list">
                {a.producers.map((p) => (
                  <li key={`${p.dagId}.${p.taskId}`}>
                    <Link to={dagPath(p.dagId)}>{p.dagId}</Link> · <code>{p.taskId}</code>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Triggers</dt>
          <dd data-testid="asset-consumers">
            {a.consumers.length === 0 ? (
              <span className="muted">no DAG is scheduled on it</span>
            ) : (
              <ul className="plain-list">
                {a.consumers.map((c) => (
                  <li key={c.dagId}>
                    <Link to={dagPath(c.dagId)}>{c.dagId}</Link>{' '}
                    <span className="muted small">
                      {c.queuedEvents === 0
                        ? 'nothing waiting'
                        : `${c.queuedEvents} event${c.queuedEvents === 1 ? '' : 's'} not in a run yet`}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Known since</dt>
          <dd>{format(a.createdAt)}</dd>
        </div>
      </dl>
      {canRecord.allowed && <RecordEventForm uri={a.uri} />}
      <section className="card">
        <h2 className="card-title">Recent events</h2>
        <Table
          columns={columns}
          rows={a.events}
          rowKey={(e) => e.id}
          rowProps={(e) => ({ 'data-testid': `asset-event-${e.id}` })}
          empty="No event yet."
        />
        <p className="muted small">
          Newest first{a.nextCursor ? ', the latest 50' : ''}. Times in {zone}.
        </p>
      </section>
    </div>
  );
}
