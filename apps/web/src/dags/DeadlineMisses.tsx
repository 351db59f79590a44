import { Link } from 'react-router-dom';
import type { DagDetail, DeadlineMiss } from '@sluice/client';
import { StateBadge } from '../components/StateBadge';
import { Table, type Column } from '../components/Table';
import { formatDateTime, formatDuration } from '../format';
import { runPath } from '../paths';

const FROM_LABEL: Record<NonNullable<DagDetail['deadline']>['from'], string> = {
  logicalDate: 'the logical date',
  queuedAt: 'being queued',
  runAfter: 'the end of the data interval',
};

/** The DAG's deadline setting in words: "within 2h of being queued". */
export function deadlineText(deadline: DagDetail['deadline']): string {
  return deadline ? `within ${formatDuration(deadline.withinMs)} of ${FROM_LABEL[deadline.from]}` : 'none';
}

/** The DAG's latest runs that missed their deadline; nothing when it has no deadline and never missed one. */
export function DeadlineMisses({ dag }: { dag: DagDetail }) {
  if (!dag.deadline && dag.deadlineMisses.length === 0) return null;
  const columns: Array<Column<DeadlineMiss>> = [
    { key: 'run', header: 'Run', render: (m) => <Link to={runPath(dag.dagId, m.runId)}>{m.runId}</Link> },
    { key: 'state', header: 'State', render: (m) => <StateBadge kind="run" state={m.state} /> },
    { key: 'deadline', header: 'Deadline', className: 'nowrap', render: (m) => formatDateTime(m.deadlineAt) },
    { key: 'missed', header: 'Found missed', className: 'nowrap', render: (m) => formatDateTime(m.missedAt) },
  ];
  return (
    <section className="card" data-testid="deadline-misses">
      <h2 className="card-title">Missed deadlines</h2>
      <Table
        columns={columns}
        rows={dag.deadlineMisses}
        rowKey={(m) => m.runId}
        rowProps={(m) => ({ 'data-testid': `deadline-miss-${m.runId}` })}
        empty="No run has missed its deadline."
      />
    </section>
  );
}
