import { useState } from 'react';
import type { RunNote } from '@sluice/client';
import { errorMessage } from '../api';
import { usePermission } from '../auth/queries';
import { LoadError, Spinner } from '../components/Loading';
import { formatDateTime } from '../format';
import { useRunNotes, useSaveRunNote } from './queries';
import './history.css';

interface NoteProps {
  dagId: string;
  runId: string;
  taskId: string | null;
  note: RunNote | undefined;
}

/** One note: its text, who wrote it and when; operators edit or delete it in place. */
function Note({ dagId, runId, taskId, note }: NoteProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const save = useSaveRunNote(dagId, runId, taskId);
  const canWrite = usePermission('operator', 'Writing a note');
  const what = taskId === null ? 'this run' : `task ${taskId}`;
  const testId = taskId === null ? 'note-run' : `note-task-${taskId}`;

  if (draft !== null) {
    return (
      <form
        className="note is-editing"
        data-testid={testId}
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(draft, { onSuccess: () => setDraft(null) });
        }}
      >
        <label className="field">
          <span className="field-label">Note on {what}</span>
          <textarea
            className="text-input note-input"
            data-testid={`${testId}-input`}
            value={draft}
            maxLength={4000}
            rows={3}
            onChange={(event) => setDraft(event.target.value)}
          />
        </label>
        {save.isError && <p className="inline-error">{errorMessage(save.error)}</p>}
        <div className="actions">
          <button
            type="submit"
            className="button button-primary"
            data-testid={`${testId}-save`}
            disabled={save.isPending}
          >
            Save note
          </button>
          <button type="button" className="button" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </div>
      </form>
    );
  }
  return (
    <div className="note" data-testid={testId}>
      <div className="note-head">
        <strong>{taskId === null ? 'Run' : taskId}</strong>
        {note && (
          <span className="muted small" data-testid={`${testId}-byline`}>
            {note.author} · {formatDateTime(note.updatedAt)}
          </span>
        )}
        <span className="actions">
          <button
            type="button"
            className="button button-small"
            data-testid={`${testId}-edit`}
            disabled={!canWrite.allowed}
            title={canWrite.title}
            onClick={() => setDraft(note?.text ?? '')}
          >
            {note ? 'Edit' : `Add a note on ${what}`}
          </button>
          {note && (
            <button
              type="button"
              className="button button-small"
              data-testid={`${testId}-delete`}
              disabled={!canWrite.allowed || save.isPending}
              title={canWrite.title}
              onClick={() => save.mutate(null)}
            >
              Delete
            </button>
          )}
        </span>
      </div>
      {note && (
        <p className="note-text" data-testid={`${testId}-text`}>
          {note.text}
        </p>
      )}
      {save.isError && <p className="inline-error">{errorMessage(save.error)}</p>}
    </div>
  );
}

/** The run's note, the notes on its tasks, and the selected task's (to add one). */
export function RunNotes({
  dagId,
  runId,
  selectedTaskId,
}: {
  dagId: string;
  runId: string;
  selectedTaskId: string | null;
}) {
  const notes = useRunNotes(dagId, runId);
  if (notes.error) return <LoadError what="the notes" error={notes.error} />;
  if (!notes.data) return <Spinner />;
  const byTask = new Map(notes.data.items.map((n) => [n.taskId, n]));
  const taskIds = notes.data.items.flatMap((n) => (n.taskId === null ? [] : [n.taskId]));
  if (selectedTaskId !== null && !byTask.has(selectedTaskId)) taskIds.push(selectedTaskId);
  return (
    <div className="notes" data-testid="run-notes">
      <Note dagId={dagId} runId={runId} taskId={null} note={byTask.get(null)} />
      {taskIds.map((taskId) => (
        <Note key={taskId} dagId={dagId} runId={runId} taskId={taskId} note={byTask.get(taskId)} />
      ))}
    </div>
  );
}
