import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import type { DagDetail, Grid, TaskState } from '@sluice/client';
import { DagGraph } from '../dags/DagGraph';
import { LoadError } from '../components/Loading';
import { formatDateTime } from '../format';
import { runPath } from '../paths';
import { useRun } from '../runs/queries';

/**
 * The task graph coloured by one run, the newest unless `?run=` names
 * another; any run the grid shows can be picked. Clicking a task opens it in
 * that run.
 */
export function GraphOfRun({ dag, grid }: { dag: DagDetail; grid: Grid }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const newestFirst = [...grid.runs].reverse();
  const runId = params.get('run') ?? newestFirst[0]?.runId ?? null;
  const run = useRun(dag.dagId, runId);
  const shown = runId !== null && run.data?.runId === runId ? run.data : null;
  const states: Record<string, TaskState> | undefined = shown
    ? Object.fromEntries(shown.taskInstances.map((ti) => [ti.taskId, ti.state]))
    : undefined;
  const options =
    newestFirst.some((r) => r.runId === runId) || runId === null
      ? newestFirst
      : [{ runId, logicalDate: shown?.logicalDate ?? '' }, ...newestFirst];

  return (
    <>
      <div className="graph-caption card-toolbar">
        {runId === null ? (
          <span className="muted small">No runs yet.</span>
        ) : (
          <>
            <label className="inline-field">
              States of run
              <select
                data-testid="graph-run-select"
                value={runId}
                onChange={(event) => {
                  const next = new URLSearchParams(params);
                  next.set('view', 'graph');
                  next.set('run', event.target.value);
                  setParams(next, { replace: true });
                }}
              >
                {options.map((r) => (
                  <option key={r.runId} value={r.runId}>
                    {r.runId}
                    {r.logicalDate ? ` (${formatDateTime(r.logicalDate)})` : ''}
                  </option>
                ))}
              </select>
            </label>
            <Link to={runPath(dag.dagId, runId)} className="small">
              Open the run
            </Link>
          </>
        )}
      </div>
      {run.error && runId !== null && <LoadError what={`run ${runId}`} error={run.error} />}
      <DagGraph
        tasks={dag.tasks}
        groups={dag.groups}
        states={states}
        onSelect={runId !== null ? (taskId) => navigate(runPath(dag.dagId, runId, taskId)) : undefined}
      />
    </>
  );
}
