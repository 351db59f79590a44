import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { DagSummary } from '@sluice/client';
import { LoadError, Spinner } from '../components/Loading';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { Tag } from '../components/Tag';
import { formatRelative } from '../format';
import { useZoneChoice } from '../prefs/useZone';
import { type ZoneChoice, formatInZone, resolveZone } from '../prefs/zone';
import { type DagSort, DAG_SORTS, matchesSearch, readSort, sortDags } from './listSort';
import { dagPath } from '../paths';
import { ImportErrors } from './ImportErrors';
import { PausedToggle } from './PausedToggle';
import { RecentRuns } from './RecentRuns';
import { TriggerButton } from './TriggerButton';
import { useDagList, useImportErrors } from './queries';
import type { DagListFilters } from './queries';

type StatusFilter = 'all' | 'active' | 'paused';

const STATUS_FILTERS: ReadonlyArray<{ value: StatusFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'paused', label: 'Paused' },
];

function toFilters(status: StatusFilter, tag: string | null): DagListFilters {
  const filters: DagListFilters = {};
  if (tag) filters.tag = tag;
  if (status !== 'all') filters.paused = status === 'paused';
  return filters;
}

function readStatus(value: string | null): StatusFilter {
  return value === 'active' || value === 'paused' ? value : 'all';
}

/** The list's columns; times in the zone picked ("the DAG's zone" is each DAG's own). */
function columnsFor(zone: ZoneChoice): Array<Column<DagSummary>> {
  return [
    {
      key: 'paused',
      header: <span className="visually-hidden">Active</span>,
      className: 'col-toggle',
      render: (dag) => <PausedToggle dagId={dag.dagId} isPaused={dag.isPaused} />,
    },
    {
      key: 'dag',
      header: 'DAG',
      render: (dag) => (
        <div className="dag-cell">
          <Link to={dagPath(dag.dagId)} className="dag-link">
            {dag.dagId}
          </Link>
          {dag.description && <div className="dag-description">{dag.description}</div>}
        </div>
      ),
    },
    {
      key: 'owner',
      header: 'Owner',
      className: 'hide-narrow',
      render: (dag) => dag.owner ?? <span className="muted">—</span>,
    },
    {
      key: 'schedule',
      header: 'Schedule',
      className: 'nowrap',
      render: (dag) =>
        dag.schedule ? <code className="schedule">{dag.schedule}</code> : <span className="muted">manual only</span>,
    },
    {
      key: 'tags',
      header: 'Tags',
      className: 'hide-narrow',
      render: (dag) => (
        <span className="tags">
          {dag.tags.map((tag) => (
            <Tag key={tag} name={tag} />
          ))}
        </span>
      ),
    },
    {
      key: 'runs',
      header: 'Recent runs',
      render: (dag) => <RecentRuns dagId={dag.dagId} runs={dag.recentRuns} />,
    },
    {
      key: 'next',
      header: 'Next run after',
      className: 'nowrap',
      render: (dag) =>
        dag.nextRunAt ? (
          <span title="When the next scheduled run may start: the end of the data interval it covers (its logical date is that interval's start)">
            {formatInZone(dag.nextRunAt, resolveZone(zone, dag.timezone))}
            <div className="muted small">{formatRelative(dag.nextRunAt)}</div>
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      className: 'col-actions',
      render: (dag) => <TriggerButton dagId={dag.dagId} compact />,
    },
  ];
}

export function DagListPage() {
  const [params, setParams] = useSearchParams();
  const status = readStatus(params.get('status'));
  const tag = params.get('tag');
  const dags = useDagList(toFilters(status, tag));
  const importErrors = useImportErrors();
  const [zone] = useZoneChoice();
  const columns = useMemo(() => columnsFor(zone), [zone]);
  // Typed into local state first: the URL follows, and a fast typist's keys are never lost to a navigation.
  const [search, setSearch] = useState(params.get('q') ?? '');
  const sort = readSort(params.get('sort'));
  const rows = useMemo(
    () =>
      sortDags(
        (dags.data?.items ?? []).filter((dag) => matchesSearch(dag, search)),
        sort,
      ),
    [dags.data, search, sort],
  );

  function setFilter(key: 'status' | 'tag' | 'q' | 'sort', value: string | null) {
    const next = new URLSearchParams(params);
    if (value === null || value === 'all' || value === '' || (key === 'sort' && value === 'name')) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: key === 'q' });
  }

  return (
    <div className="page">
      <header className="page-header">
        <h1>DAGs</h1>
        <div className="filters">
          {/* biome-ignore lint/a11y/useSemanticElements: a segmented control laid out as one row; a fieldset's own layout and border break it */}
          <div className="segmented" role="group" aria-label="Filter by status">
            {STATUS_FILTERS.map((filter) => (
              <button
                key={filter.value}
                type="button"
                className={status === filter.value ? 'is-selected' : ''}
                onClick={() => setFilter('status', filter.value)}
              >
                {filter.label}
              </button>
            ))}
          </div>
          <input
            type="search"
            className="text-input dag-search"
            placeholder="Search DAGs  ( / )"
            aria-label="Search DAGs by id, description, owner or tag"
            data-testid="dag-search"
            data-shortcut="search"
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              setFilter('q', event.target.value);
            }}
          />
          <label className="dag-sort">
            <span className="visually-hidden">Sort DAGs by</span>
            <select
              className="text-input"
              data-testid="dag-sort"
              value={sort}
              onChange={(event) => setFilter('sort', event.target.value)}
            >
              {DAG_SORTS.map((option: { value: DagSort; label: string }) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
          {tag && (
            <button type="button" className="filter-chip" onClick={() => setFilter('tag', null)}>
              tag: {tag} <span aria-hidden="true">×</span>
            </button>
          )}
        </div>
      </header>

      {importErrors.data && <ImportErrors errors={importErrors.data.items} />}

      {dags.error && !dags.data ? (
        <LoadError what="DAGs" error={dags.error} />
      ) : !dags.data ? (
        <Spinner />
      ) : (
        <Table
          columns={columns}
          rows={rows}
          rowKey={(dag) => dag.dagId}
          rowProps={(dag) => ({
            'data-testid': `dag-row-${dag.dagId}`,
            'data-paused': String(dag.isPaused),
            className: dag.isPaused ? 'is-paused' : undefined,
          })}
          empty={
            tag || search || status !== 'all'
              ? 'No DAG matches these filters.'
              : 'No DAGs loaded. Put DAG files in dags/.'
          }
        />
      )}
    </div>
  );
}
