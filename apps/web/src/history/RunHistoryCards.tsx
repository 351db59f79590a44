import { Link } from 'react-router-dom';
import type { RunDetail } from '@sluice/client';
import { isRunLive } from '../runs/queries';
import { taskStateStyle } from '../states';
import { dagCodePath, dagGraphPath } from './paths';
import { RunGantt } from './RunGantt';
import { RunNotes } from './RunNotes';

interface RunHistoryCardsProps {
  run: RunDetail;
  selectedTaskId: string | null;
  /** The task a note may be added on; null for a mapped task or one of its instances (notes are kept per task). */
  noteTaskId: string | null;
  onSelect: (taskId: string, tryNumber: number | null) => void;
}

/** The run page's notes and Gantt chart, with links to the run's graph and its version's code. */
export function RunHistoryCards({ run, selectedTaskId, noteTaskId, onSelect }: RunHistoryCardsProps) {
  return (
    <>
      <section className="card" aria-labelledby="notes-title">
        <h2 className="card-title" id="notes-title">
          Notes
        </h2>
        <RunNotes dagId={run.dagId} runId={run.runId} selectedTaskId={noteTaskId} />
      </section>
      <section className="card" aria-labelledby="gantt-title">
        <div className="card-toolbar">
          <h2 className="card-title" id="gantt-title">
            Gantt
          </h2>
          <div className="gantt-legend">
            <span>
              <span className="swatch gantt-bar is-queued" style={{ position: 'static' }} />
              queued
            </span>
            {(['running', 'success', 'up_for_retry', 'failed'] as const).map((state) => (
              <span key={state}>
                <span className="swatch" style={{ background: taskStateStyle(state).color }} />
                {taskStateStyle(state).label}
              </span>
            ))}
          </div>
          <span className="actions">
            <Link to={dagGraphPath(run.dagId, run.runId)} data-testid="run-graph-link">
              Graph of this run
            </Link>
            <Link to={dagCodePath(run.dagId, run.versionHash)} data-testid="run-code-link">
              Code of this run's version
            </Link>
          </span>
        </div>
        <RunGantt
          dagId={run.dagId}
          runId={run.runId}
          live={isRunLive(run)}
          selectedTaskId={selectedTaskId}
          onSelect={onSelect}
        />
      </section>
    </>
  );
}
