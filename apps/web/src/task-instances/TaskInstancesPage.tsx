import { Link, useSearchParams } from 'react-router-dom';
import type { TaskInstanceListItem, TaskState } from '@sluice/client';
import { LoadMore } from '../components/LoadMore';
import { LoadError, Spinner } from '../components/Loading';
import { StateBadge } from '../components/StateBadge';
import { Table, type Column } from '../components/Table';
import { showingText } from '../components/showing';
import { useDagList } from '../dags/queries';
import { elapsedMs, formatDuration } from '../format';
import { useNow } from '../net/useNow';
import { dagPath, runPath } from '../paths';
import { useTimeFormat } from '../prefs/useZone';
import { useTaskInstanceList, type TaskInstanceListFilters } from '../runs/listQueries';
import { TASK_STATES, isTaskActive } from '../states';
import { TextFilter } from '../components/TextFilter';

function readFilters(params: URLSearchParams): TaskInstanceListFilters {
  const filters: TaskInstanceListFilters = {};
  const dagId = params.get('dagId');
  if (dagId) filters.dagId = dagId;
  const taskId = params.get('taskId');
  if (taskId) filters.taskId = taskId;
  const state = TASK_STATES.find((s) => s === params.get('state'));
  if (state) filters.state = state;
  return filters;
}

/** Task instances of every DAG, newest run first: "which loads failed this week, anywhere?" */
export function TaskInstancesPage() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const list = useTaskInstanceList(filters);
  const dags = useDagList({});
  const { zone, format } = useTimeFormat(null);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const first = list.data?.pages[0];
  const now = useNow(
    1000,
    items.some((t) => t.state === 'running'),
  );

  function set(key: string, value: string) {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  }

  const columns: Array<Column<TaskInstanceListItem>> = [
    { key: 'dag', header: 'DAG', render: (t) => <Link to={dagPath(t.dagId)}>{t.dagId}</Link> },
    {
      key: 'task',
      header: 'Task',
      render: (t) => <Link to={runPath(t.dagId, t.runId, t.taskId)}>{t.taskId}</Link>,
    },
    {
      key: 'run',
      header: 'Run',
      className: 'hide-narrow',
      render: (t) => <code className="run-id">{t.runId}</code>,
    },
    { key: 'state', header: 'State', render: (t) => <StateBadge kind="task" state={t.state} /> },
    {
      key: 'tries',
      header: 'Tries',
      className: 'num',
      render: (t) => (
        <span className={t.tryNumber > 1 ? 'retried' : undefined}>
          {t.tryNumber}/{t.maxTries}
        </span>
      ),
    },
    {
      key: 'logical',
      header: <span title="The logical date of the run the task belongs to">Logical date</span>,
      className: 'nowrap',
      render: (t) => format(t.logicalDate),
    },
    {
      key: 'duration',
      header: 'Duration',
      className: 'nowrap num',
      render: (t) => formatDuration(elapsedMs(t.startedAt, t.endedAt, t.durationMs, now)),
    },
  ];

  return (
    <div className="page">
      <header className="page-header">
        <h1>Task instances</h1>
        {first && (
          <span className="muted small" data-testid="ti-count">
            {showingText(items.length, first.total, first.totalCapped, 'task instances')}
          </span>
        )}
      </header>
      <form className="filter-bar" aria-label="Filter task instances" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span className="field-label">DAG</span>
          <select
            className="text-input"
            data-testid="ti-filter-dag"
            value={params.get('dagId') ?? ''}
            onChange={(e) => set('dagId', e.target.value)}
          >
            <option value="">any</option>
            {(dags.data?.items ?? []).map((d) => (
              <option key={d.dagId} value={d.dagId}>
                {d.dagId}
              </option>
            ))}
          </select>
        </label>
        <TextFilter
          label="Task id"
          testId="ti-filter-task"
          value={params.get('taskId') ?? ''}
          onCommit={(v) => set('taskId', v)}
        />
        <label className="field">
          <span className="field-label">State</span>
          <select
            className="text-input"
            data-testid="ti-filter-state"
            value={params.get('state') ?? ''}
            onChange={(e) => set('state', e.target.value)}
          >
            <option value="">any</option>
            {TASK_STATES.map((s: TaskState) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p className="muted small">Times in {zone}.</p>
      {list.error && !list.data ? (
        <LoadError what="task instances" error={list.error} />
      ) : !list.data ? (
        <Spinner />
      ) : (
        <>
          <Table
            columns={columns}
            rows={items}
            rowKey={(t) => `${t.dagId}/${t.runId}/${t.taskId}`}
            rowProps={(t) => ({
              'data-testid': `ti-list-row-${t.dagId}-${t.runId}-${t.taskId}`,
              'data-state': t.state,
              className: isTaskActive(t.state) ? 'is-live' : undefined,
            })}
            empty={params.toString() ? 'No task instance matches these filters.' : 'No task has run yet.'}
          />
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            error={list.isFetchNextPageError ? list.error : null}
            onLoad={() => void list.fetchNextPage()}
            testId="ti-load-more"
            shownAny={items.length > 0}
          />
        </>
      )}
    </div>
  );
}
