import { Link, useSearchParams } from 'react-router-dom';
import type { AuditEvent } from '@sluice/client';
import { errorMessage } from '../api';
import { LoadError, Spinner } from '../components/Loading';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { useTimeFormat } from '../prefs/useZone';
import { useSignedIn } from '../auth/queries';
import { dagPath, runPath } from '../paths';
import { AuditFilters } from './AuditFilters';
import { useAuditLog } from './queries';
import type { AuditFilters as Filters } from './queries';

const FILTER_KEYS = ['actor', 'action', 'dagId'] as const;

function readFilters(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

function Target({ event }: { event: AuditEvent }) {
  if (!event.dagId) return <span className="muted">—</span>;
  return (
    <span className="audit-target">
      <Link to={dagPath(event.dagId)}>{event.dagId}</Link>
      {event.runId && (
        <>
          {' / '}
          <Link to={runPath(event.dagId, event.runId, event.taskId ?? undefined)}>
            <code className="run-id">{event.runId}</code>
          </Link>
        </>
      )}
      {event.taskId && <> / {event.taskId}</>}
    </span>
  );
}

function auditColumns(formatDateTime: (iso: string | null) => string): Array<Column<AuditEvent>> {
  return [
    { key: 'at', header: 'When', className: 'nowrap', render: (e) => formatDateTime(e.at) },
    { key: 'actor', header: 'Actor', render: (e) => <span data-testid="audit-actor">{e.actor}</span> },
    { key: 'action', header: 'Action', render: (e) => <code>{e.action}</code> },
    { key: 'target', header: 'DAG / run / task', render: (e) => <Target event={e} /> },
    {
      key: 'details',
      header: 'Details',
      render: (e) =>
        Object.keys(e.details).length > 0 ? (
          <code className="audit-details">{JSON.stringify(e.details)}</code>
        ) : (
          <span className="muted">—</span>
        ),
    },
  ];
}

/** Who changed what, signed in, made or used a token; newest first, older pages on demand. */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const log = useAuditLog(filters);
  const events = log.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.keys(filters).length > 0;
  const isAdmin = useSignedIn()?.role === 'admin';
  const { format } = useTimeFormat();

  return (
    <div className="page">
      <header className="page-header">
        <h1>Audit log</h1>
      </header>
      {!isAdmin && (
        <p className="lead" data-testid="audit-scope">
          Events about the DAGs you may see. Sign-ins, tokens and user changes are shown to admins only.
        </p>
      )}
      <AuditFilters key={params.toString()} value={filters} onApply={(next) => setParams({ ...next })} />
      {log.error && !log.data ? (
        <LoadError what="the audit log" error={log.error} />
      ) : !log.data ? (
        <Spinner />
      ) : (
        <>
          <Table
            columns={auditColumns(format)}
            rows={events}
            rowKey={(e) => e.id}
            rowProps={(e) => ({ 'data-testid': `audit-row-${e.id}`, 'data-action': e.action, 'data-actor': e.actor })}
            empty={filtered ? 'No event matches these filters.' : 'Nothing recorded yet.'}
          />
          <div className="actions">
            {log.hasNextPage ? (
              <button
                type="button"
                className="button"
                data-testid="audit-load-older"
                disabled={log.isFetchingNextPage}
                onClick={() => void log.fetchNextPage()}
              >
                {log.isFetchingNextPage ? 'Loading…' : 'Load older'}
              </button>
            ) : (
              events.length > 0 && <span className="muted small">That is everything.</span>
            )}
            {log.isFetchNextPageError && <span className="inline-error">{errorMessage(log.error)}</span>}
          </div>
        </>
      )}
    </div>
  );
}
