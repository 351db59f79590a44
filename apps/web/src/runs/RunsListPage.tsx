import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { RunListItem, RunState, RunType } from '@sluice/client';
import { LoadMore } from '../components/LoadMore';
import { LoadError, Spinner } from '../components/Loading';
import { StateBadge } from '../components/StateBadge';
import { Table, type Column } from '../components/Table';
import { showingText } from '../components/showing';
import { elapsedMs, formatDuration } from '../format';
import { useNow } from '../net/useNow';
import { dagPath, runPath } from '../paths';
import { useTimeFormat } from '../prefs/useZone';
import { fromLocalInput } from '../prefs/zone';
import { useDag } from '../dags/queries';
import { isRunTerminal } from '../states';
import { type RunListFilters, useRunList } from './listQueries';

const RUN_STATES: readonly RunState[] = ['queued', 'running', 'success', 'failed'];
const RUN_TYPES: readonly RunType[] = ['manual', 'scheduled', 'backfill', 'asset_triggered'];
const ORDERS = [
  { value: 'newest', label: 'Newest logical date first' },
  { value: 'oldest', label: 'Oldest logical date first' },
] as const;

function pick<T extends string>(value: string | null, options: readonly T[]): T | undefined {
  return options.find((o) => o === value);
}

/** The day after `day` (YYYY-MM-DD), so a "to" date includes the whole of that day. */
function dayAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The URL's filters as the API takes them: dates are whole days in the zone the times are shown in. */
function readFilters(params: URLSearchParams, dagId: string | undefined, zone: string): RunListFilters {
  const filters: RunListFilters = { order: params.get('order') === 'oldest' ? 'oldest' : 'newest' };
  if (dagId) filters.dagId = dagId;
  const state = pick(params.get('state'), RUN_STATES);
  if (state) filters.state = state;
  const runType = pick(params.get('type'), RUN_TYPES);
  if (runType) filters.runType = runType;
  const from = params.get('from');
  const fromIso = from ? fromLocalInput(`${from}T00:00`, zone) : null;
  if (fromIso) filters.from = fromIso;
  const to = params.get('to');
  const toIso = to ? fromLocalInput(`${dayAfter(to)}T00:00`, zone) : null;
  if (toIso) filters.to = toIso;
  return filters;
}

/** Every DAG's runs (`/runs`) or one DAG's (`/dags/:dagId/runs`), filtered, sorted and paged. */
export function RunsListPage() {
  const { dagId } = useParams();
  const dag = useDag(dagId ?? '', dagId !== undefined);
  const { zone, format } = useTimeFormat(dag.data?.timezone);
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params, dagId, zone);
  const runs = useRunList(filters);
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];
  const first = runs.data?.pages[0];
  const live = items.some((r) => !isRunTerminal(r.state));
  const now = useNow(1000, live);

  function set(key: string, value: string) {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  }

  const columns: Array<Column<RunListItem>> = [
    ...(dagId
      ? []
      : [
          {
            key: 'dag',
            header: 'DAG',
            render: (r: RunListItem) => <Link to={dagPath(r.dagId)}>{r.dagId}</Link>,
          },
        ]),
    {
      key: 'run',
      header: 'Run',
      render: (r) => (
        <Link to={runPath(r.dagId, r.runId)}>
          <code className="run-id">{r.runId}</code>
        </Link>
      ),
    },
    { key: 'state', header: 'State', render: (r) => <StateBadge kind="run" state={r.state} /> },
    { key: 'type', header: 'Type', render: (r) => r.runType },
    {
      key: 'logical',
      header: <span title="The start of the data interval the run is for">Logical date</span>,
      className: 'nowrap',
      render: (r) => format(r.logicalDate),
    },
    {
      key: 'after',
      header: <span title="When a scheduled run may start: the end of its data interval">Run after</span>,
      className: 'nowrap hide-narrow',
      render: (r) => format(r.dataIntervalEnd),
    },
    {
      key: 'started',
      header: 'Started',
      className: 'nowrap hide-narrow',
      render: (r) => format(r.startedAt),
    },
    {
      key: 'duration',
      header: 'Duration',
      className: 'nowrap num',
      render: (r) => (
        <span data-testid={`run-duration-${r.runId}`}>
          {formatDuration(elapsedMs(r.startedAt, r.endedAt, null, now))}
        </span>
      ),
    },
  ];

  return (
    <div className="page">
      {dagId && (
        <nav className="breadcrumbs">
          <Link to="/">DAGs</Link>
          <span>/</span>
          <Link to={dagPath(dagId)}>{dagId}</Link>
          <span>/</span>
          <span>runs</span>
        </nav>
      )}
      <header className="page-header">
        <h1>{dagId ? `Runs of ${dagId}` : 'Runs'}</h1>
        {first && (
          <span className="muted small" data-testid="runs-count">
            {showingText(items.length, first.total, first.totalCapped, 'runs')}
          </span>
        )}
      </header>
      <form className="filter-bar" aria-label="Filter runs" onSubmit={(event) => event.preventDefault()}>
        <label className="field">
          <span className="field-label">State</span>
          <select
            className="text-input"
            data-testid="runs-filter-state"
            value={params.get('state') ?? ''}
            onChange={(e) => set('state', e.target.value)}
          >
            <option value="">any</option>
            {RUN_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Type</span>
          <select
            className="text-input"
            data-testid="runs-filter-type"
            value={params.get('type') ?? ''}
            onChange={(e) => set('type', e.target.value)}
          >
            <option value="">any</option>
            {RUN_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Logical date from ({zone})</span>
          <input
            type="date"
            className="text-input"
            data-testid="runs-filter-from"
            value={params.get('from') ?? ''}
            onChange={(e) => set('from', e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">to ({zone})</span>
          <input
            type="date"
            className="text-input"
            data-testid="runs-filter-to"
            value={params.get('to') ?? ''}
            onChange={(e) => set('to', e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Sort</span>
          <select
            className="text-input"
            data-testid="runs-sort"
            value={filters.order ?? 'newest'}
            onChange={(e) => set('order', e.target.value === 'oldest' ? 'oldest' : '')}
          >
            {ORDERS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p className="muted small">Times in {zone}.</p>
      {runs.error && !runs.data ? (
        <LoadError what="runs" error={runs.error} />
      ) : !runs.data ? (
        <Spinner />
      ) : (
        <>
          <Table
            columns={columns}
            rows={items}
            rowKey={(r) => `${r.dagId}/${r.runId}`}
            rowProps={(r) => ({ 'data-testid': `runs-row-${r.dagId}-${r.runId}`, 'data-state': r.state })}
            empty={params.toString() ? 'No run matches these filters.' : 'No runs yet.'}
          />
          <LoadMore
            hasMore={runs.hasNextPage}
            loading={runs.isFetchingNextPage}
            error={runs.isFetchNextPageError ? runs.error : null}
            onLoad={() => void runs.fetchNextPage()}
            testId="runs-load-more"
            shownAny={items.length > 0}
          />
        </>
      )}
    </div>
  );
}
