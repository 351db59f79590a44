import type { CallbackRunInfo, RunDetail, TaskState } from '@sluice/client';
import { StateBadge } from '../components/StateBadge';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { useDagTimeFormat } from '../dags/queries';

/** A callback's state drawn as the task state it resembles. */
const asTaskState: Record<CallbackRunInfo['state'], TaskState> = {
  pending: 'queued',
  running: 'running',
  success: 'success',
  failed: 'failed',
};

/** The run's deadline and the callbacks its events fired, with each one's attempts and last error. */
export function CallbackTable({ run }: { run: RunDetail }) {
  const { format: formatDateTime } = useDagTimeFormat(run.dagId);
  const columns: Array<Column<CallbackRunInfo>> = [
    { key: 'event', header: 'Event', render: (c) => c.event },
    {
      key: 'source',
      header: 'For',
      render: (c) => (c.taskId ? `${c.taskId} (try ${c.tryNumber ?? '?'})` : 'the run'),
    },
    { key: 'kind', header: 'Callback', render: (c) => `${c.kind}${c.scope === 'dag' ? ' (DAG)' : ''}` },
    {
      key: 'state',
      header: 'State',
      render: (c) => <StateBadge kind="task" state={asTaskState[c.state]} />,
    },
    { key: 'attempts', header: 'Attempts', className: 'num', render: (c) => `${c.attempts}/${c.maxAttempts}` },
    {
      key: 'error',
      header: 'Last error',
      render: (c) => (c.lastError ? <span title={c.log}>{`${c.lastError.name}: ${c.lastError.message}`}</span> : ''),
    },
    { key: 'ended', header: 'Ended', className: 'nowrap', render: (c) => formatDateTime(c.endedAt) },
  ];
  if (run.callbacks.length === 0 && !run.deadline) return null;
  return (
    <section className="card" data-testid="callbacks">
      <h2 className="card-title">Alerts</h2>
      {run.deadline && (
        <p className="muted" data-testid="run-deadline" data-missed={run.deadline.missedAt ? 'true' : 'false'}>
          {run.deadline.missedAt
            ? `Missed its deadline of ${formatDateTime(run.deadline.at)}`
            : `Deadline ${formatDateTime(run.deadline.at)}`}
        </p>
      )}
      <Table columns={columns} rows={run.callbacks} rowKey={(c) => c.id} empty="No callbacks fired." />
    </section>
  );
}
