import { Link } from 'react-router-dom';
import type { TaskInstance } from '@sluice/client';
import { StateBadge } from '../components/StateBadge';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { elapsedMs, formatDateTime, formatDuration } from '../format';
import { runPath } from '../paths';

interface TaskInstanceTableProps {
  dagId: string;
  runId: string;
  taskInstances: TaskInstance[];
  selectedTaskId: string | null;
  onSelect: (taskId: string) => void;
}

export function TaskInstanceTable({ dagId, runId, taskInstances, selectedTaskId, onSelect }: TaskInstanceTableProps) {
  const columns: Array<Column<TaskInstance>> = [
    {
      key: 'task',
      header: 'Task',
      render: (ti) => (
        <Link to={runPath(dagId, runId, ti.taskId)} className="task-link" onClick={(event) => event.stopPropagation()}>
          {ti.taskId}
        </Link>
      ),
    },
    { key: 'state', header: 'State', render: (ti) => <StateBadge kind="task" state={ti.state} /> },
    {
      key: 'try',
      header: 'Try',
      className: 'num nowrap',
      render: (ti) => `${ti.tryNumber}/${ti.maxTries}`,
    },
    { key: 'operator', header: 'Operator', render: (ti) => <span className="muted">{ti.operator}</span> },
    { key: 'started', header: 'Started', className: 'nowrap', render: (ti) => formatDateTime(ti.startedAt) },
    {
      key: 'duration',
      header: 'Duration',
      className: 'nowrap',
      render: (ti) => formatDuration(elapsedMs(ti.startedAt, ti.endedAt, ti.durationMs)),
    },
    {
      key: 'waiting',
      header: 'Waiting for',
      render: (ti) => (ti.waitingReason ? <span className="waiting">{ti.waitingReason}</span> : null),
    },
  ];

  return (
    <Table
      columns={columns}
      rows={taskInstances}
      rowKey={(ti) => ti.taskId}
      rowProps={(ti) => ({
        'data-testid': `ti-row-${ti.taskId}`,
        'data-state': ti.state,
        className: `is-clickable${ti.taskId === selectedTaskId ? ' is-selected' : ''}`,
        onClick: () => onSelect(ti.taskId),
      })}
      empty="This run has no task instances."
    />
  );
}
