import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { DagDetail, Grid } from '@sluice/client';
import { isNotFound } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { LoadError, Spinner } from '../components/Loading';
import { StateLegend } from '../components/StateLegend';
import { Tag } from '../components/Tag';
import { formatDateTime, formatRelative } from '../format';
import { runPath } from '../paths';
import { DagGraph } from './DagGraph';
import { DagGrid } from './DagGrid';
import { PausedToggle } from './PausedToggle';
import { TriggerButton } from './TriggerButton';
import { useDag, useGrid } from './queries';

type View = 'grid' | 'graph';

export function DagPage() {
  const { dagId = '' } = useParams();
  const dag = useDag(dagId);

  if (dag.error) {
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
  const grid = useGrid(dag.dagId);

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
        <TriggerButton dagId={dag.dagId} />
      </header>
      {dag.description && <p className="lead">{dag.description}</p>}

      <dl className="facts">
        <div>
          <dt>Schedule</dt>
          <dd>
            {dag.schedule ? <code className="schedule">{dag.schedule}</code> : 'manual only'}{' '}
            <span className="muted">({dag.timezone})</span>
          </dd>
        </div>
        <div>
          <dt>Next run</dt>
          <dd>
            {dag.nextRunAt ? (
              <>
                {formatDateTime(dag.nextRunAt)} <span className="muted">{formatRelative(dag.nextRunAt)}</span>
              </>
            ) : (
              '—'
            )}
          </dd>
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
        {grid.error ? (
          <LoadError what="the runs" error={grid.error} />
        ) : !grid.data ? (
          <Spinner />
        ) : view === 'grid' ? (
          <DagGrid grid={grid.data} />
        ) : (
          <GraphOfLatestRun dag={dag} grid={grid.data} />
        )}
      </section>
    </div>
  );
}

/** The task graph coloured by the newest run; clicking a task opens it in that run. */
function GraphOfLatestRun({ dag, grid }: { dag: DagDetail; grid: Grid }) {
  const navigate = useNavigate();
  const latest = grid.runs.at(-1);
  return (
    <>
      <p className="muted small graph-caption">
        {latest ? (
          <>
            States of the newest run, <Link to={runPath(dag.dagId, latest.runId)}>{latest.runId}</Link>
          </>
        ) : (
          'No runs yet.'
        )}
      </p>
      <DagGraph
        tasks={dag.tasks}
        groups={dag.groups}
        states={latest?.states}
        onSelect={latest ? (taskId) => navigate(runPath(dag.dagId, latest.runId, taskId)) : undefined}
      />
    </>
  );
}
