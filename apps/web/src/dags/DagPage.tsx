import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { DagDetail } from '@sluice/client';
import { isNotFound } from '../api';
import { BackfillButton } from '../backfills/BackfillDialog';
import { BackfillList } from '../backfills/BackfillList';
import { ErrorBanner } from '../components/ErrorBanner';
import { LoadError, Spinner } from '../components/Loading';
import { StateLegend } from '../components/StateLegend';
import { Tag } from '../components/Tag';
import { formatRelative } from '../format';
import { GraphOfRun } from '../history/GraphOfRun';
import { dagCodePath, dagHistoryPath } from '../history/paths';
import { useTimeFormat } from '../prefs/useZone';
import { DagFileWarning } from './DagFileWarning';
import { dagPath } from '../paths';
import { AssetLinks } from './AssetLinks';
import { DagGrid } from './DagGrid';
import { DeadlineMisses, deadlineText } from './DeadlineMisses';
import { PausedToggle } from './PausedToggle';
import { TriggerButton } from './TriggerButton';
import { GRID_RUNS, useDag, useGrid } from './queries';

type View = 'grid' | 'graph';

export function DagPage() {
  const { dagId = '' } = useParams();
  const dag = useDag(dagId);

  if (dag.error && !dag.data) {
    return (
      <div className="page">
        {isNotFound(dag.error) ? (
          <ErrorBanner title={`No DAG named "${dagId}"`}>
            It may have been removed, or its file failed to import. <Link to="/">Back to DAGs</Link>
          </ErrorBanner>
        ) : (
          <LoadError what={`DAG ${dagId}`} error={dag.error} />
        )}
      </div>
    );
  }
  if (!dag.data) return <Spinner />;
  return <DagView dag={dag.data} />;
}

function DagView({ dag }: { dag: DagDetail }) {
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'graph' ? 'graph' : 'grid';
  const [limit, setLimit] = useState(GRID_RUNS);
  const grid = useGrid(dag.dagId, limit);
  const { zone, format } = useTimeFormat(dag.timezone);
  const hasOlder =
    grid.data !== undefined && (grid.data.totalRunsCapped || grid.data.runs.length < grid.data.totalRuns);

  return (
    <div className="page">
      <nav className="breadcrumbs">
        <Link to="/">DAGs</Link>
        <span>/</span>
        <span>{dag.dagId}</span>
      </nav>
      <header className="page-header">
        <div className="title-row">
          <PausedToggle dagId={dag.dagId} isPaused={dag.isPaused} />
          <h1>{dag.dagId}</h1>
          {dag.isPaused && <span className="pill">paused</span>}
        </div>
        <div className="header-actions">
          <BackfillButton dagId={dag.dagId} />
          <Link className="button" to={dagHistoryPath(dag.dagId)} data-testid="dag-history-link">
            History
          </Link>
          <Link className="button" to={dagCodePath(dag.dagId)} data-testid="dag-code-link">
            Code
          </Link>
          <Link to={`${dagPath(dag.dagId)}/runs`} className="button" data-testid="dag-runs-link">
            All runs
          </Link>
          <TriggerButton dagId={dag.dagId} />
        </div>
      </header>
      <DagFileWarning fileLoc={dag.fileLoc} />
      {dag.description && <p className="lead">{dag.description}</p>}

      <dl className="facts">
        <div>
          <dt>Schedule</dt>
          <dd>
            {dag.schedule ? (
              <code className="schedule">{dag.schedule}</code>
            ) : dag.assetSchedule ? (
              'on assets (below)'
            ) : (
              'manual only'
            )}{' '}
            <span className="muted">({dag.timezone})</span>
          </dd>
        </div>
        <div>
          <dt>
            <span title="When the next scheduled run may start: the end of the data interval it covers. Its logical date is the start of that interval.">
              Next run after
            </span>
          </dt>
          <dd data-testid="next-run">
            {dag.nextRunAt ? (
              <>
                {format(dag.nextRunAt)} <span className="muted">{formatRelative(dag.nextRunAt)}</span>
              </>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>Deadline</dt>
          <dd data-testid="dag-deadline">{deadlineText(dag.deadline)}</dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{dag.owner ?? '—'}</dd>
        </div>
        <div>
          <dt>Tasks</dt>
          <dd>{dag.taskCount}</dd>
        </div>
        <div>
          <dt>File</dt>
          <dd>
            <code>{dag.fileLoc}</code> <span className="muted small">@ {dag.versionHash.slice(0, 10)}</span>
            {dag.bundleCommit && (
              <span className="muted small" title={dag.bundleCommit}>
                {' '}
                from commit{' '}
                {dag.sourceUrl ? (
                  <a href={dag.sourceUrl} target="_blank" rel="noreferrer">
                    <code>{dag.bundleCommit.slice(0, 12)}</code>
                  </a>
                ) : (
                  <code>{dag.bundleCommit.slice(0, 12)}</code>
                )}
              </span>
            )}
          </dd>
        </div>
        {dag.tags.length > 0 && (
          <div>
            <dt>Tags</dt>
            <dd className="tags">
              {dag.tags.map((tag) => (
                <Tag key={tag} name={tag} />
              ))}
            </dd>
          </div>
        )}
      </dl>

      <AssetLinks dag={dag} format={format} />

      <section className="card">
        <div className="card-toolbar">
          <div className="segmented" role="tablist" aria-label="View">
            {(['grid', 'graph'] as const).map((option) => (
              <button
                key={option}
                type="button"
                role="tab"
                aria-selected={view === option}
                data-testid={`view-${option}`}
                className={view === option ? 'is-selected' : ''}
                onClick={() => setParams(option === 'grid' ? {} : { view: option })}
              >
                {option === 'grid' ? 'Grid' : 'Graph'}
              </button>
            ))}
          </div>
          <StateLegend />
        </div>
        {grid.error && !grid.data ? (
          <LoadError what="the runs" error={grid.error} />
        ) : !grid.data ? (
          <Spinner />
        ) : view === 'grid' ? (
          <>
            <DagGrid grid={grid.data} format={format} />
            <p className="muted small">Times in {zone}.</p>
            {hasOlder && (
              <div className="actions">
                <button
                  type="button"
                  className="button"
                  data-testid="grid-load-older"
                  disabled={grid.isFetching}
                  onClick={() => setLimit((n) => n + GRID_RUNS)}
                >
                  {grid.isPlaceholderData ? 'Loading…' : `Load ${GRID_RUNS} older runs`}
                </button>
              </div>
            )}
          </>
        ) : (
          <GraphOfRun dag={dag} grid={grid.data} />
        )}
      </section>
      <BackfillList dagId={dag.dagId} />
      <DeadlineMisses dag={dag} />
    </div>
  );
}
