import { Link } from 'react-router-dom';
import type { RunSummary } from '@sluice/client';
import { formatDateTime } from '../format';
import { runPath } from '../paths';
import { runStateStyle } from '../states';

/** The last runs as dots, oldest left, newest right; each links to its run. */
export function RecentRuns({ dagId, runs }: { dagId: string; runs: RunSummary[] }) {
  if (runs.length === 0) return <span className="muted">no runs yet</span>;
  const oldestFirst = [...runs].reverse();
  return (
    <span className="recent-runs">
      {oldestFirst.map((run) => {
        const style = runStateStyle(run.state);
        return (
          <Link
            key={run.runId}
            to={runPath(dagId, run.runId)}
            className={`state-dot${run.state === 'running' ? ' is-live' : ''}`}
            style={{ background: style.color }}
            title={`${run.runId}\n${style.label} · ${formatDateTime(run.logicalDate)}`}
            aria-label={`${run.runId}: ${style.label}`}
            data-testid={`run-dot-${run.runId}`}
            data-state={run.state}
          />
        );
      })}
    </span>
  );
}
