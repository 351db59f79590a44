import { Link } from 'react-router-dom';
import type { TaskInstance } from '@sluice/client';
import { StateBadge } from '../components/StateBadge';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { elapsedMs, formatDateTime, formatDuration } from '../format';
import { runPath } from '../paths';
import { taskStateStyle } from '../states';
import { type TaskRow, countsText, taskRows } from './mapped';

interface TaskInstanceTableProps {
  dagId: string;
  runId: string;
  taskInstances: TaskInstance[];
  selectedTaskId: string | null;
  onSelect: (taskId: string) => void;
}

const rowTaskId = (row: TaskRow) => (row.kind === 'task' ? row.ti.taskId : row.taskId);
const rowTi = (row: TaskRow) => (row.kind === 'task' ? row.ti : row.summary);

/** One row per task; a mapped task is one row counting its instances by state (they are listed below it). */
export function TaskInstanceTable({ dagId, runId, taskInstances, selectedTaskId, onSelect }: TaskInstanceTableProps) {
  const columns: Array<Column<TaskRow>> = [
    {
      key: 'task',
      header: 'Task',
      render: (row) => (
        <>
          <Link
            to={runPath(dagId, runId, rowTaskId(row))}
            className="task-link"
            onClick={(event) => event.stopPropagation()}
          >
            {rowTaskId(row)}
          </Link>
          {row.kind === 'mapped' && (
            <span className="muted small" data-testid={`ti-mapped-${row.taskId}`}>
              {' '}
              mapped × {row.instances.length}: {countsText(row.counts, (s) => taskStateStyle(s).label)}
            </span>
          )}
        </>
      ),
    },
    { key: 'state', header: 'State', render: (row) => <StateBadge kind="task" state={rowTi(row).state} /> },
    {
      key: 'try',
      header: 'Try',
      className: 'num nowrap',
      render: (row) => `${rowTi(row).tryNumber}/${rowTi(row).maxTries}`,
    },
    { key: 'operator', header: 'Operator', render: (row) => <span className="muted">{rowTi(row).operator}</span> },
    { key: 'started', header: 'Started', className: 'nowrap', render: (row) => formatDateTime(rowTi(row).startedAt) },
    {
      key: 'duration',
      header: 'Duration',
      className: 'nowrap',
      render: (row) => {
        const ti = rowTi(row);
        return formatDuration(elapsedMs(ti.startedAt, ti.endedAt, ti.durationMs));
      },
    },
    {
      key: 'waiting',
      header: 'Waiting for',
      render: (row) =>
        row.kind === 'task' && row.ti.waitingReason ? <span className="waiting">{row.ti.waitingReason}</span> : null,
    },
  ];

  return (
    <Table
      columns={columns}
      rows={taskRows(taskInstances)}
      rowKey={rowTaskId}
      rowProps={(row) => ({
        'data-testid': `ti-row-${rowTaskId(row)}`,
        'data-state': rowTi(row).state,
        className: `is-clickable${rowTaskId(row) === selectedTaskId ? ' is-selected' : ''}`,
        onClick: () => onSelect(rowTaskId(row)),
      })}
      empty="This run has no task instances."
    />
  );
}
