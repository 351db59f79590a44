import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type TaskInstance, taskInstanceKey } from '@sluice/client';
import { StateBadge } from '../components/StateBadge';
import { Table } from '../components/Table';
import { elapsedMs, formatDuration } from '../format';
import { runPath } from '../paths';
import { taskStateStyle } from '../states';
import { TaskActions } from '../task-instances/TaskActions';
import { type TaskRow, countsText, shortJson } from './mapped';

/** Instances shown at a time: a task mapped over 10,000 items is paged, never rendered whole. */
export const INSTANCE_PAGE = 50;

interface MappedInstancesProps {
  dagId: string;
  runId: string;
  row: Extract<TaskRow, { kind: 'mapped' }>;
  selectedKey: string | null;
  runRunning: boolean;
  onSelect: (key: string) => void;
}

/**
 * A mapped task's instances in a run: index, item, state, tries, duration and
 * a link to each one's log, fifty to a page; clear and mark act on every
 * instance here, or on one from its own panel.
 */
export function MappedInstances({ dagId, runId, row, selectedKey, runRunning, onSelect }: MappedInstancesProps) {
  const selectedIndex = row.instances.findIndex((ti) => taskInstanceKey(ti) === selectedKey);
  const [page, setPage] = useState(selectedIndex > 0 ? Math.floor(selectedIndex / INSTANCE_PAGE) : 0);
  const [cleared, setCleared] = useState<string[] | null>(null);
  const pages = Math.max(1, Math.ceil(row.instances.length / INSTANCE_PAGE));
  const shown = row.instances.slice(page * INSTANCE_PAGE, (page + 1) * INSTANCE_PAGE);
  const first = page * INSTANCE_PAGE;

  return (
    <section className="card" data-testid={`mapped-${row.taskId}`} aria-label={`Instances of ${row.taskId}`}>
      <header className="card-header">
        <div className="title-row">
          <h2>
            <code>{row.taskId}</code>: {row.instances.length} instances
          </h2>
          <span className="muted small">{countsText(row.counts, (s) => taskStateStyle(s).label)}</span>
        </div>
        <TaskActions
          dagId={dagId}
          runId={runId}
          taskInstance={row.summary}
          runRunning={runRunning}
          onCleared={setCleared}
          instances={row.instances.length}
        />
      </header>
      {cleared && (
        <p className="notice" data-testid="mapped-clear-result">
          Cleared {cleared.length === 0 ? 'nothing' : cleared.join(', ')}.
        </p>
      )}
      <Table<TaskInstance>
        columns={[
          { key: 'index', header: 'Index', className: 'num', render: (ti) => ti.mapIndex },
          {
            key: 'item',
            header: 'Item',
            render: (ti) => (
              <code className="asset-extra" title={JSON.stringify(ti.mapItem)}>
                {shortJson(ti.mapItem)}
              </code>
            ),
          },
          { key: 'state', header: 'State', render: (ti) => <StateBadge kind="task" state={ti.state} /> },
          { key: 'try', header: 'Try', className: 'num nowrap', render: (ti) => `${ti.tryNumber}/${ti.maxTries}` },
          {
            key: 'duration',
            header: 'Duration',
            className: 'nowrap',
            render: (ti) => formatDuration(elapsedMs(ti.startedAt, ti.endedAt, ti.durationMs)),
          },
          {
            key: 'log',
            header: <span className="visually-hidden">Log</span>,
            render: (ti) => (
              <Link
                to={runPath(dagId, runId, taskInstanceKey(ti))}
                data-testid={`mapped-log-${taskInstanceKey(ti)}`}
                onClick={(event) => event.stopPropagation()}
              >
                Log of {taskInstanceKey(ti)}
              </Link>
            ),
          },
        ]}
        rows={shown}
        rowKey={taskInstanceKey}
        rowProps={(ti) => ({
          'data-testid': `ti-row-${taskInstanceKey(ti)}`,
          'data-state': ti.state,
          className: `is-clickable${taskInstanceKey(ti) === selectedKey ? ' is-selected' : ''}`,
          onClick: () => onSelect(taskInstanceKey(ti)),
        })}
      />
      {pages > 1 && (
        <div className="actions" data-testid={`mapped-pager-${row.taskId}`}>
          <button type="button" className="button" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
            Previous {INSTANCE_PAGE}
          </button>
          <span className="muted small">
            {first}–{first + shown.length - 1} of {row.instances.length}
          </span>
          <button
            type="button"
            className="button"
            data-testid={`mapped-next-${row.taskId}`}
            disabled={page >= pages - 1}
            onClick={() => setPage((p) => p + 1)}
          >
            Next {INSTANCE_PAGE}
          </button>
        </div>
      )}
    </section>
  );
}
