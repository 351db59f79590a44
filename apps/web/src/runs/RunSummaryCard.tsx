import { useState } from 'react';
import type { RunDetail } from '@sluice/client';
import { errorMessage } from '../api';
import { usePermission } from '../auth/queries';
import { ConfirmDialog } from '../components/Dialog';
import { StateBadge } from '../components/StateBadge';
import { elapsedMs, formatDateTime, formatDuration } from '../format';
import { useSetRunState } from './queries';

/** The run's facts, its conf, and the "mark run failed" action. */
export function RunSummaryCard({ run }: { run: RunDetail }) {
  const [confirming, setConfirming] = useState(false);
  const markRun = useSetRunState(run.dagId, run.runId);
  const canMark = usePermission('operator', 'Marking a run');
  const hasConf = Object.keys(run.conf).length > 0;

  function close() {
    setConfirming(false);
    markRun.reset();
  }

  return (
    <section className="card">
      <header className="card-header">
        <div className="title-row">
          <StateBadge kind="run" state={run.state} testId="run-state" />
          <span className="pill">{run.runType}</span>
          <code className="run-id">{run.runId}</code>
        </div>
        <div className="actions">
          <button
            type="button"
            className="button button-danger-outline"
            data-testid="mark-run-failed"
            disabled={!canMark.allowed || run.state === 'failed'}
            title={canMark.title}
            onClick={() => setConfirming(true)}
          >
            Mark run failed
          </button>
        </div>
      </header>
      <dl className="facts">
        <div>
          <dt>Logical date</dt>
          <dd>{formatDateTime(run.logicalDate)}</dd>
        </div>
        <div>
          <dt>Data interval</dt>
          <dd>
            {formatDateTime(run.dataIntervalStart)} → {formatDateTime(run.dataIntervalEnd)}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatDateTime(run.startedAt)}</dd>
        </div>
        <div>
          <dt>Ended</dt>
          <dd>{formatDateTime(run.endedAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(elapsedMs(run.startedAt, run.endedAt, null))}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>
            <code>{run.versionHash.slice(0, 10)}</code>
            {run.bundleCommit && (
              <span className="muted small" title={run.bundleCommit}>
                {' '}
                from commit{' '}
                {run.sourceUrl ? (
                  <a href={run.sourceUrl} target="_blank" rel="noreferrer">
                    <code>{run.bundleCommit.slice(0, 12)}</code>
                  </a>
                ) : (
                  <code>{run.bundleCommit.slice(0, 12)}</code>
                )}
              </span>
            )}
          </dd>
        </div>
      </dl>
      <details className="conf" open={hasConf}>
        <summary>Run config{hasConf ? '' : ' (empty)'}</summary>
        <pre className="json" data-testid="run-conf">
          {JSON.stringify(run.conf, null, 2)}
        </pre>
      </details>

      <ConfirmDialog
        open={confirming}
        title="Mark this run failed?"
        confirmLabel="Mark run failed"
        confirmTestId="mark-run-failed-confirm"
        danger
        busy={markRun.isPending}
        error={markRun.isError ? errorMessage(markRun.error) : null}
        onClose={close}
        onConfirm={() => markRun.mutate('failed', { onSuccess: close })}
      >
        <p>
          The run <code>{run.runId}</code> ends as failed; unfinished tasks will not be scheduled.
        </p>
      </ConfirmDialog>
    </section>
  );
}
