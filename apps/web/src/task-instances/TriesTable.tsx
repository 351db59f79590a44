import type { TaskTry } from '@sluice/client';
import { StateBadge } from '../components/StateBadge';
import { Table } from '../components/Table';
import type { Column } from '../components/Table';
import { elapsedMs, formatDuration } from '../format';

interface TriesTableProps {
  tries: TaskTry[];
  selectedTry: number;
  onSelect: (tryNumber: number) => void;
  /** Formats a time in the zone the page shows. */
  formatTime: (iso: string | null) => string;
}

/** One row per attempt; choosing a row shows that attempt's log. */
export function TriesTable({ tries, selectedTry, onSelect, formatTime }: TriesTableProps) {
  const columns: Array<Column<TaskTry>> = [
    { key: 'try', header: 'Try', className: 'num', render: (t) => t.tryNumber },
    { key: 'state', header: 'State', render: (t) => <StateBadge kind="task" state={t.state} /> },
    { key: 'host', header: 'Host', render: (t) => t.hostname ?? <span className="muted">—</span> },
    { key: 'started', header: 'Started', className: 'nowrap', render: (t) => formatTime(t.startedAt) },
    {
      key: 'duration',
      header: 'Duration',
      className: 'nowrap',
      render: (t) => formatDuration(elapsedMs(t.startedAt, t.endedAt, t.durationMs)),
    },
    {
      key: 'error',
      header: 'Error',
      render: (t) =>
        t.stoppedBy !== null ? (
          <span className="try-stopped" data-testid={`try-stopped-${t.tryNumber}`}>
            Stopped: {t.stoppedBy}
          </span>
        ) : t.error ? (
          <span className="try-error" title={t.error.stack ?? t.error.message}>
            <strong>{t.error.name}:</strong> {t.error.message}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
  ];
  const newestFirst = [...tries].sort((a, b) => b.tryNumber - a.tryNumber);
  return (
    <Table
      className="compact"
      columns={columns}
      rows={newestFirst}
      rowKey={(t) => String(t.tryNumber)}
      rowProps={(t) => ({
        'data-testid': `try-row-${t.tryNumber}`,
        'data-state': t.state,
        className: `is-clickable${t.tryNumber === selectedTry ? ' is-selected' : ''}`,
        onClick: () => onSelect(t.tryNumber),
      })}
      empty="Not tried yet."
    />
  );
}
