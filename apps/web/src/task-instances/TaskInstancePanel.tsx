import { useEffect, useRef, useState } from 'react';
import { type TaskInstanceDetail, taskInstanceKey } from '@sluice/client';
import { shortJson } from '../runs/mapped';
import { LoadError, Spinner } from '../components/Loading';
import { StateBadge } from '../components/StateBadge';
import { useDagTimeFormat } from '../dags/queries';
import { elapsedMs, formatDuration } from '../format';
import { ExternalJobPanel } from './ExternalJobPanel';
import { LogPanel } from './LogPanel';
import { TaskActions } from './TaskActions';
import { TriesTable } from './TriesTable';
import { useTaskInstance } from './queries';
import { useLogTail } from './useLogTail';

interface TaskInstancePanelProps {
  dagId: string;
  runId: string;
  taskId: string;
  runLive: boolean;
  /** Only in a running run does a mark schedule what is downstream. */
  runRunning: boolean;
  /** The try whose log to show; null follows the latest. */
  selectedTry: number | null;
  onSelectTry: (tryNumber: number | null) => void;
}

export function TaskInstancePanel(props: TaskInstancePanelProps) {
  const query = useTaskInstance(props.dagId, props.runId, props.taskId, props.runLive);
  const ref = useRef<HTMLElement>(null);
  const loaded = query.data !== undefined;

  // Bring the panel into view when it opens below the fold (e.g. arriving from a grid cell).
  useEffect(() => {
    const element = ref.current;
    if (loaded && element && element.getBoundingClientRect().top > window.innerHeight - 120) {
      element.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  }, [loaded]);

  return (
    <section ref={ref} className="card ti-panel" data-testid="ti-panel" aria-label={`Task ${props.taskId}`}>
      {query.error ? (
        <LoadError what={`task ${props.taskId}`} error={query.error} />
      ) : !query.data ? (
        <Spinner />
      ) : (
        <TaskInstanceDetails {...props} ti={query.data} />
      )}
    </section>
  );
}

function latestTry(ti: TaskInstanceDetail): number {
  return ti.tries.reduce((max, t) => Math.max(max, t.tryNumber), 0);
}

function TaskInstanceDetails(props: TaskInstancePanelProps & { ti: TaskInstanceDetail }) {
  const { ti, selectedTry, onSelectTry, dagId, runId } = props;
  const [cleared, setCleared] = useState<string[] | null>(null);
  const latest = latestTry(ti);
  const shownTry = selectedTry !== null && ti.tries.some((t) => t.tryNumber === selectedTry) ? selectedTry : latest;
  // `load[3]` for an instance of a mapped task: the task routes read and act on that one instance.
  const key = taskInstanceKey(ti);
  const tail = useLogTail({ dagId, runId, taskId: key, tryNumber: shownTry, enabled: shownTry > 0 });
  const failure = ti.tries.find((t) => t.tryNumber === latest)?.error ?? null;
  const time = useDagTimeFormat(dagId);

  return (
    <>
      <header className="card-header">
        <div className="title-row">
          <h2>{key}</h2>
          <StateBadge kind="task" state={ti.state} testId="ti-state" />
          <span className="muted">
            {ti.operator} · try {ti.tryNumber}/{ti.maxTries} ·{' '}
            {formatDuration(elapsedMs(ti.startedAt, ti.endedAt, ti.durationMs))}
          </span>
          {ti.mapIndex !== undefined && (
            <span className="muted" data-testid="ti-map-item">
              item <code>{shortJson(ti.mapItem)}</code>
            </span>
          )}
        </div>
        <TaskActions
          dagId={dagId}
          runId={runId}
          taskInstance={ti}
          runRunning={props.runRunning}
          onCleared={setCleared}
        />
      </header>

      {cleared && (
        <p className="notice" data-testid="clear-result">
          Cleared {cleared.length === 0 ? 'nothing' : cleared.join(', ')}.
        </p>
      )}
      {ti.waitingReason && (
        <p className="notice" data-testid="waiting-reason">
          Waiting: {ti.waitingReason}
        </p>
      )}
      {failure && ti.state === 'failed' && (
        <div className="failure">
          <strong>{failure.name}</strong>: {failure.message}
        </div>
      )}

      {ti.external && Object.keys(ti.external).length > 0 && <ExternalJobPanel facts={ti.external} />}

      <h3>Tries</h3>
      <TriesTable
        tries={ti.tries}
        selectedTry={shownTry}
        onSelect={(n) => onSelectTry(n === latest ? null : n)}
        formatTime={time.format}
      />

      <div className="log-header">
        <h3>
          Log{shownTry > 0 ? ` · try ${shownTry}` : ''}
          {tail.tryNumber !== null && !tail.complete && <span className="live-pill">live</span>}
        </h3>
        {ti.tries.length > 1 && (
          <label className="inline-field">
            Try
            <select
              data-testid="log-try-select"
              value={shownTry}
              onChange={(event) => {
                const n = Number(event.target.value);
                onSelectTry(n === latest ? null : n);
              }}
            >
              {ti.tries.map((t) => (
                <option key={t.tryNumber} value={t.tryNumber}>
                  {t.tryNumber}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <LogPanel
        key={shownTry}
        dagId={dagId}
        runId={runId}
        taskId={key}
        tryNumber={Math.max(1, shownTry)}
        tail={tail}
        emptyText={shownTry > 0 ? 'No output.' : 'This task has not run yet.'}
      />

      {ti.output !== null && ti.output !== undefined && (
        <>
          <h3>Output</h3>
          <pre className="json">{JSON.stringify(ti.output, null, 2)}</pre>
        </>
      )}
    </>
  );
}
