import { Link } from 'react-router-dom';
import type { AssetEvent } from '@sluice/client';
import { dagPath, runPath } from '../paths';

/** Who made an event: the task's run (a link to it), or the actor who posted it. */
export function AssetEventSource({ event }: { event: AssetEvent }) {
  const { source } = event;
  if (source.kind === 'external') {
    return (
      <span data-testid={`event-source-${event.id}`}>
        posted by <strong>{source.actor}</strong>
      </span>
    );
  }
  return (
    <span data-testid={`event-source-${event.id}`}>
      <Link to={dagPath(source.dagId)}>{source.dagId}</Link> ·{' '}
      {source.runId ? (
        <Link to={runPath(source.dagId, source.runId, source.taskId)}>
          {source.taskId} in {source.runId}
        </Link>
      ) : (
        <>{source.taskId} (run removed)</>
      )}
      {source.tryNumber > 1 && <span className="muted"> (try {source.tryNumber})</span>}
    </span>
  );
}

/** An event's metadata as compact JSON; `{}` shows as a dash. */
export function EventExtra({ extra }: { extra: Record<string, unknown> }) {
  if (Object.keys(extra).length === 0) return <span className="muted">—</span>;
  return <code className="asset-extra">{JSON.stringify(extra)}</code>;
}
