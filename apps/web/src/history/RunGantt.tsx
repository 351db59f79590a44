import type { GanttBar } from './gantt';
import { layoutGantt } from './gantt';
import { LoadError, Spinner } from '../components/Loading';
import { formatDateTime, formatDuration } from '../format';
import { taskStateStyle } from '../states';
import { useRunGantt } from './queries';
import './history.css';

interface RunGanttProps {
  dagId: string;
  runId: string;
  live: boolean;
  selectedTaskId: string | null;
  onSelect: (taskId: string, tryNumber: number | null) => void;
}

function barLabel(taskId: string, bar: GanttBar): string {
  const what = bar.kind === 'queued' ? `queued for try ${bar.tryNumber}` : `try ${bar.tryNumber}, ${bar.state}`;
  return `${taskId}: ${what}, ${formatDateTime(new Date(bar.start).toISOString())} for ${formatDuration(bar.end - bar.start)}`;
}

/** A run's tasks against time: each try a bar in its state's colour, and the wait before the current try. */
export function RunGantt({ dagId, runId, live, selectedTaskId, onSelect }: RunGanttProps) {
  const gantt = useRunGantt(dagId, runId, live);
  if (gantt.error) return <LoadError what="the Gantt chart" error={gantt.error} />;
  if (!gantt.data) return <Spinner />;
  const layout = layoutGantt(gantt.data, Date.now());

  return (
    <div className="gantt" data-testid="gantt">
      <div className="gantt-axis" aria-hidden="true">
        <span>{formatDateTime(new Date(layout.start).toISOString())}</span>
        <span>{formatDuration(layout.end - layout.start)}</span>
      </div>
      {layout.rows.map(({ task, bars }) => (
        <div
          key={task.taskId}
          className={`gantt-row${task.taskId === selectedTaskId ? ' is-selected' : ''}`}
          data-testid={`gantt-row-${task.taskId}`}
        >
          <button
            type="button"
            className="gantt-label"
            title={`${task.taskId} (${task.operator})`}
            onClick={() => onSelect(task.taskId, null)}
          >
            {task.taskId}
          </button>
          <div className="gantt-track">
            {bars.length === 0 && <span className="gantt-none muted small">{taskStateStyle(task.state).label}</span>}
            {bars.map((bar) => {
              const style = bar.kind === 'try' && bar.state !== 'queued' ? taskStateStyle(bar.state) : null;
              return (
                <button
                  type="button"
                  key={`${bar.kind}-${bar.tryNumber}`}
                  className={`gantt-bar is-${bar.kind}`}
                  data-testid={`gantt-${bar.kind}-${task.taskId}-${bar.tryNumber}`}
                  data-state={bar.state}
                  style={{
                    left: `${bar.left}%`,
                    width: `${bar.width}%`,
                    ...(style ? { background: style.color } : {}),
                  }}
                  title={barLabel(task.taskId, bar)}
                  aria-label={barLabel(task.taskId, bar)}
                  onClick={() => onSelect(task.taskId, bar.kind === 'try' ? bar.tryNumber : null)}
                />
              );
            })}
          </div>
        </div>
      ))}
    </div>
  );
}
