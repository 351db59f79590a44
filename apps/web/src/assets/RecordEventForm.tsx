import { type FormEvent, useState } from 'react';
import { ApiError } from '@sluice/client';
import { errorMessage } from '../api';
import { useRecordAssetEvent } from './queries';

/** The metadata text as an object, or why it is not one. */
export function parseExtra(text: string): { extra: Record<string, unknown> } | { error: string } {
  if (text.trim() === '') return { extra: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (raw) {
    return { error: `Not JSON: ${(raw as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'Must be a JSON object, like {"partition": "2026-12-01"}' };
  }
  return { extra: value as Record<string, unknown> };
}

/**
 * Records an update made outside Sluice (a file a partner dropped): the DAGs
 * scheduled on the asset see it as they see a task's. Shown to operators only.
 */
export function RecordEventForm({ uri }: { uri: string }) {
  const [text, setText] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const record = useRecordAssetEvent();
  const apiError = record.error;
  // A refusal of the metadata belongs beside the field; anything else under the form.
  const fieldIssue =
    apiError instanceof ApiError ? apiError.issues?.find((i) => i.path.includes('extra'))?.message : undefined;
  const fieldError = localError ?? fieldIssue ?? null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    record.reset();
    const parsed = parseExtra(text);
    if ('error' in parsed) {
      setLocalError(parsed.error);
      return;
    }
    setLocalError(null);
    record.mutate({ uri, extra: parsed.extra }, { onSuccess: () => setText('') });
  };

  return (
    <form className="card form-stack" onSubmit={submit} data-testid="record-event-form" aria-label="Record an event">
      <h2 className="card-title">Record an event</h2>
      <p className="muted small">
        For an update made outside Sluice. DAGs scheduled on <code>{uri}</code> count it as they count a task&rsquo;s.
      </p>
      <div className={`field${fieldError ? ' has-error' : ''}`}>
        <label className="field-label" htmlFor="asset-event-extra">
          Metadata (JSON object, optional)
        </label>
        <textarea
          id="asset-event-extra"
          className="code-input text-input"
          data-testid="record-event-extra"
          rows={3}
          spellCheck={false}
          placeholder='{"partition": "2026-12-01"}'
          value={text}
          aria-invalid={fieldError !== null}
          aria-describedby={fieldError ? 'asset-event-extra-error' : undefined}
          onChange={(event) => setText(event.target.value)}
        />
        {fieldError && (
          <span
            className="field-error"
            id="asset-event-extra-error"
            data-testid="record-event-field-error"
            role="alert"
          >
            {fieldError}
          </span>
        )}
      </div>
      <div className="actions">
        <button
          type="submit"
          className="button button-primary"
          data-testid="record-event-submit"
          disabled={record.isPending}
        >
          {record.isPending ? 'Recording…' : 'Record event'}
        </button>
        {record.isSuccess && (
          <span className="muted small" data-testid="record-event-done">
            Recorded
            {record.data.queuedFor.length > 0 ? `; queued for ${record.data.queuedFor.join(', ')}` : ''}.
          </span>
        )}
      </div>
      {apiError && !fieldIssue && (
        <p className="form-error" data-testid="record-event-error">
          {errorMessage(apiError)}
        </p>
      )}
    </form>
  );
}
