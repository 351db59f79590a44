import { Link, useParams, useSearchParams } from 'react-router-dom';
import { isNotFound } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { LoadError, Spinner } from '../components/Loading';
import { dagPath } from '../paths';
import { TaskInstancePanel } from '../task-instances/TaskInstancePanel';
import { RunSummaryCard } from './RunSummaryCard';
import { CallbackTable } from './CallbackTable';
import { TaskInstanceTable } from './TaskInstanceTable';
import { isRunLive, useRun } from './queries';
import { taskInstanceKey } from '@sluice/client';
import { useDagTimeFormat } from '../dags/queries';
import { MappedInstances } from './MappedInstances';
import { TriggeringEvents } from './TriggeringEvents';
import { taskRows } from './mapped';
import { RunHistoryCards } from '../history/RunHistoryCards';

/** A run: its facts, its task instances, and the selected one's tries and log (?task=…&try=…). */
export function RunPage() {
  const { dagId = '', runId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const run = useRun(dagId, runId);
  const time = useDagTimeFormat(dagId);
  const selectedTaskId = params.get('task');
  const tryParam = params.get('try');
  const selectedTry = tryParam !== null && /^\d+$/.test(tryParam) ? Number(tryParam) : null;

  function select(taskId: string, tryNumber: number | null = null) {
    const next = new URLSearchParams({ task: taskId });
    if (tryNumber !== null) next.set('try', String(tryNumber));
    setParams(next, { replace: taskId === selectedTaskId });
  }

  const breadcrumbs = (
    <nav className="breadcrumbs">
      <Link to="/">DAGs</Link>
      <span>/</span>
      <Link to={dagPath(dagId)}>{dagId}</Link>
      <span>/</span>
      <span>{runId}</span>
    </nav>
  );

  if (run.error && !run.data) {
    return (
      <div className="page">
        {breadcrumbs}
        {isNotFound(run.error) ? (
          <ErrorBanner title={`No run "${runId}" in DAG "${dagId}"`} />
        ) : (
          <LoadError what="this run" error={run.error} />
        )}
      </div>
    );
  }
  if (!run.data) return <Spinner />;

  const rows = taskRows(run.data.taskInstances);
  const mappedRows = rows.flatMap((row) => (row.kind === 'mapped' ? [row] : []));
  // `load[3]` names an instance of a mapped task; `load` alone, when mapped, its list of instances.
  const selectedExists = run.data.taskInstances.some((ti) => taskInstanceKey(ti) === selectedTaskId);
  const selectedMapped = mappedRows.some((row) => row.taskId === selectedTaskId);
  const selectedIsPlainTask = run.data.taskInstances.some(
    (ti) => ti.mapIndex === undefined && ti.taskId === selectedTaskId,
  );
  return (
    <div className="page">
      {breadcrumbs}
      <RunSummaryCard run={run.data} />
      <TriggeringEvents run={run.data} format={time.format} />
      <RunHistoryCards
        run={run.data}
        selectedTaskId={selectedTaskId}
        noteTaskId={selectedIsPlainTask ? selectedTaskId : null}
        onSelect={(taskId, tryNumber) => select(taskId, tryNumber)}
      />

      <section className="card">
        <h2 className="card-title">Task instances</h2>
        <TaskInstanceTable
          dagId={dagId}
          runId={runId}
          taskInstances={run.data.taskInstances}
          selectedTaskId={selectedTaskId}
          onSelect={(taskId) => select(taskId)}
        />
      </section>
      {mappedRows.map((row) => (
        <MappedInstances
          key={row.taskId}
          dagId={dagId}
          runId={runId}
          row={row}
          selectedKey={selectedTaskId}
          runRunning={run.data.state === 'running'}
          onSelect={(key) => select(key)}
        />
      ))}

      {selectedTaskId && selectedExists && (
        <TaskInstancePanel
          key={selectedTaskId}
          dagId={dagId}
          runId={runId}
          taskId={selectedTaskId}
          runLive={isRunLive(run.data)}
          runRunning={run.data.state === 'running'}
          selectedTry={selectedTry}
          onSelectTry={(tryNumber) => select(selectedTaskId, tryNumber)}
        />
      )}
      <CallbackTable run={run.data} />
      {selectedTaskId && !selectedExists && !selectedMapped && (
        <ErrorBanner tone="warning" title={`No task "${selectedTaskId}" in this run`} />
      )}
    </div>
  );
}
