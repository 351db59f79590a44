import type { Backfill } from '@sluice/client';
import { errorMessage } from '../api';
import { usePermission } from '../auth/queries';
import { formatDateTime } from '../format';
import { runStateStyle } from '../states';
import { useBackfills, useChangeBackfill } from './queries';

/** A DAG's backfills with their progress and pause/resume/cancel; nothing when it has none. */
export function BackfillList({ dagId }: { dagId: string }) {
  const backfills = useBackfills(dagId);
  const change = useChangeBackfill(dagId);
  const canChange = usePermission('operator', 'Pausing or cancelling a backfill');
  const items = backfills.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="card" data-testid="backfills">
      <h2 className="card-title">Backfills</h2>
      {change.isError && <p className="form-error">{errorMessage(change.error)}</p>}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>Range</th>
              <th>State</th>
              <th>Progress</th>
              <th>Started</th>
              <th className="col-actions" />
            </tr>
          </thead>
          <tbody>
            {items.map((b) => (
              <tr key={b.id} data-testid={`backfill-${b.id}`}>
                <td>
                  {b.from.slice(0, 10)} → {b.to.slice(0, 10)}
                  {b.reverse && <span className="muted small"> newest first</span>}
                  <div className="muted small">
                    reprocess {b.reprocess}, {b.maxActiveRuns} at a time
                  </div>
                </td>
                <td>
                  <span className="pill" data-testid="backfill-state">
                    {b.state}
                  </span>
                </td>
                <td>
                  <ProgressBar backfill={b} />
                </td>
                <td className="small">
                  {formatDateTime(b.createdAt)} <span className="muted">by {b.createdBy}</span>
                </td>
                <td className="col-actions">
                  {(['pause', 'resume', 'cancel'] as const)
                    .filter((action) => offered(b, action))
                    .map((action) => (
                      <button
                        key={action}
                        type="button"
                        className={`button button-small${action === 'cancel' ? ' button-danger-outline' : ''}`}
                        data-testid={`backfill-${action}`}
                        disabled={!canChange.allowed || change.isPending}
                        title={canChange.title}
                        onClick={() => change.mutate({ id: b.id, action })}
                      >
                        {action[0]?.toUpperCase()}
                        {action.slice(1)}
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function offered(b: Backfill, action: 'pause' | 'resume' | 'cancel'): boolean {
  if (action === 'pause') return b.state === 'queued' || b.state === 'running';
  if (action === 'resume') return b.state === 'paused';
  return b.state === 'queued' || b.state === 'running' || b.state === 'paused';
}

/** Finished runs as coloured shares of the intervals, with the counts beside. */
function ProgressBar({ backfill }: { backfill: Backfill }) {
  const { intervals, decided, runs } = backfill.progress;
  const share = (n: number) => `${intervals === 0 ? 0 : (100 * n) / intervals}%`;
  return (
    <div className="progress" data-testid="backfill-progress">
      <div
        className="progress-bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={intervals}
        aria-valuenow={decided}
        aria-label={`${decided} of ${intervals} intervals decided`}
      >
        {(['success', 'failed', 'running', 'queued'] as const).map((state) => (
          <span key={state} style={{ width: share(runs[state]), background: runStateStyle(state).color }} />
        ))}
      </div>
      <span className="small" data-testid="backfill-counts">
        {decided}/{intervals} intervals · {runs.success} success · {runs.failed} failed · {runs.running} running
      </span>
    </div>
  );
}
