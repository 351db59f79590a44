import type { RunDetail } from '@sluice/client';
import { StateBadge } from '../components/StateBadge';
import { useDagTimeFormat } from '../dags/queries';
import { elapsedMs, formatDuration } from '../format';
import { RunActions } from './RunActions';

/** The run's facts, its conf, and its actions (clear, mark). */
export function RunSummaryCard({ run }: { run: RunDetail }) {
  const hasConf = Object.keys(run.conf).length > 0;
  const { format: formatDateTime } = useDagTimeFormat(run.dagId);

  return (
    <section className="card">
      <header className="card-header">
        <div className="title-row">
          <StateBadge kind="run" state={run.state} testId="run-state" />
          <span className="pill">{run.runType}</span>
          <code className="run-id">{run.runId}</code>
        </div>
        <RunActions run={run} />
      </header>
      <dl className="facts" data-testid="run-summary">
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
    </section>
  );
}
