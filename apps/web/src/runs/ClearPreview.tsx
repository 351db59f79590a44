import type { ClearResult, TaskState } from '@sluice/client';
import { errorMessage } from '../api';
import { StateBadge } from '../components/StateBadge';

interface PreviewProps {
  /** The dry run's answer; undefined while it loads. */
  result: ClearResult | undefined;
  error: unknown;
}

/** What a clear will reset, run by run, from its dry run: shown before the user confirms. */
export function ClearPreview({ result, error }: PreviewProps) {
  if (error) return <p className="form-error">{errorMessage(error)}</p>;
  if (!result) return <p className="muted small">Working out what will be cleared…</p>;
  const count = result.runs.reduce((n, r) => n + r.tasks.length, 0);
  if (count === 0) return <p data-testid="clear-preview-empty">Nothing matches: no task instance will be cleared.</p>;
  return (
    <div className="preview" data-testid="clear-preview">
      <p>
        {count} task instance{count === 1 ? '' : 's'} in {result.runs.length} run{result.runs.length === 1 ? '' : 's'}{' '}
        will be cleared:
      </p>
      <ul className="preview-list">
        {result.runs.map((run) => (
          <li key={run.runId}>
            <code>{run.runId}</code>
            <TaskStates tasks={run.tasks} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Task ids with the state each is in now. */
export function TaskStates({ tasks }: { tasks: ReadonlyArray<{ taskId: string; state: TaskState }> }) {
  return (
    <span className="preview-tasks">
      {tasks.map((t) => (
        <span key={t.taskId} className="preview-task" data-testid={`preview-task-${t.taskId}`}>
          {t.taskId} <StateBadge kind="task" state={t.state} />
        </span>
      ))}
    </span>
  );
}
