import { Link } from 'react-router-dom';
import type { AssetWait, DagDetail } from '@sluice/client';
import { formatRelative } from '../format';
import { assetPath, dagPath } from '../paths';
import { useDagLinks } from '../assets/queries';

/** One asset of the schedule: updated since the DAG's last asset-triggered run (how often, last when), or waiting. */
function WaitRow({ asset, format }: { asset: AssetWait['assets'][number]; format: (iso: string | null) => string }) {
  const updated = asset.queuedEvents > 0;
  return (
    <li data-testid={`asset-wait-${asset.uri}`} data-updated={updated}>
      <span className={`pill ${updated ? 'pill-ok' : ''}`}>{updated ? 'updated' : 'waiting'}</span>{' '}
      <Link to={assetPath(asset.uri)} className="asset-uri">
        {asset.uri}
      </Link>{' '}
      <span className="muted small">
        {updated
          ? `${asset.queuedEvents} event${asset.queuedEvents === 1 ? '' : 's'} since the last run, latest ${format(asset.lastQueuedAt)} (${formatRelative(asset.lastQueuedAt)})`
          : 'no event since the last run'}
      </span>
    </li>
  );
}

/**
 * What the DAG waits for (its asset schedule, each asset updated or still
 * awaited since its last asset-triggered run, and the cron it also runs on)
 * and what its tasks' outlets feed: the assets and the DAGs scheduled on them.
 */
export function AssetLinks({ dag, format }: { dag: DagDetail; format: (iso: string | null) => string }) {
  // Only the outlets need the links: which DAGs each asset they update triggers.
  const links = useDagLinks(dag.dagId, dag.outlets.length > 0);
  const wait = dag.assetSchedule;
  if (!wait && dag.outlets.length === 0) return null;
  const feeds = links.data?.feeds ?? [];

  return (
    <section className="card" data-testid="dag-assets">
      {wait && (
        <div data-testid="asset-schedule">
          <h2 className="card-title">Waits for</h2>
          <p>
            <code>{wait.condition}</code>
            {wait.cron && (
              <>
                {' '}
                or the cron <code className="schedule">{wait.cron}</code>, whichever comes first
              </>
            )}
          </p>
          <p className={wait.ready ? '' : 'muted'} data-testid="asset-schedule-reason">
            {wait.ready ? 'Ready: a run starts at the scheduler’s next look.' : wait.reason}
          </p>
          <ul className="plain-list asset-wait-list">
            {wait.assets.map((asset) => (
              <WaitRow key={asset.uri} asset={asset} format={format} />
            ))}
          </ul>
        </div>
      )}
      {dag.outlets.length > 0 && (
        <div data-testid="dag-outlets">
          <h2 className="card-title">Updates</h2>
          <ul className="plain-list asset-wait-list">
            {dag.outlets.map((o) => {
              const fed = feeds.filter((f) => f.uri === o.uri && f.taskId === o.taskId);
              return (
                <li key={`${o.taskId} ${o.uri}`} data-testid={`outlet-${o.taskId}-${o.uri}`}>
                  <code>{o.taskId}</code> updates{' '}
                  <Link to={assetPath(o.uri)} className="asset-uri">
                    {o.uri}
                  </Link>
                  {fed.length > 0 ? (
                    <>
                      {', which triggers '}
                      {fed.map((f, i) => (
                        <span key={f.dagId}>
                          {i > 0 && ', '}
                          <Link to={dagPath(f.dagId)}>{f.dagId}</Link>
                        </span>
                      ))}
                    </>
                  ) : (
                    <span className="muted small"> (no DAG is scheduled on it)</span>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
