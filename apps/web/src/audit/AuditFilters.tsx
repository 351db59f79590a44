import { useState } from 'react';
import type { FormEvent } from 'react';
import type { AuditFilters as Filters } from './queries';
import { TextField } from '../components/Field';

/** Actions the API records; the field takes any other name too. */
const KNOWN_ACTIONS = [
  'trigger',
  'clear',
  'clear_run',
  'clear_range',
  'pause',
  'unpause',
  'mark_success',
  'mark_failed',
  'mark_run_success',
  'mark_run_failed',
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'token_create',
  'token_revoke',
  'token_use',
  'user_create',
  'user_update',
  'user_delete',
  'backfill_create',
  'backfill_pause',
  'backfill_resume',
  'backfill_cancel',
];

interface AuditFiltersProps {
  value: Filters;
  onApply: (filters: Filters) => void;
}

/** Actor, action and DAG; applied together, kept in the URL so a filtered view can be shared. */
export function AuditFilters({ value, onApply }: AuditFiltersProps) {
  const [actor, setActor] = useState(value.actor ?? '');
  const [action, setAction] = useState(value.action ?? '');
  const [dagId, setDagId] = useState(value.dagId ?? '');

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: Filters = {};
    if (actor.trim()) next.actor = actor.trim();
    if (action.trim()) next.action = action.trim();
    if (dagId.trim()) next.dagId = dagId.trim();
    onApply(next);
  }

  function reset() {
    setActor('');
    setAction('');
    setDagId('');
    onApply({});
  }

  return (
    <form className="filter-form" onSubmit={submit} data-testid="audit-filters">
      <TextField label="Actor" testId="audit-filter-actor" placeholder="username" value={actor} onChange={setActor} />
      <label className="field">
        <span className="field-label">Action</span>
        <input
          className="text-input"
          data-testid="audit-filter-action"
          list="audit-actions"
          placeholder="any"
          value={action}
          onChange={(event) => setAction(event.target.value)}
        />
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </label>
      <TextField label="DAG" testId="audit-filter-dag" placeholder="dag id" value={dagId} onChange={setDagId} />
      <div className="filter-form-buttons">
        <button type="submit" className="button button-primary" data-testid="audit-apply">
          Filter
        </button>
        <button type="button" className="button" onClick={reset}>
          Clear filters
        </button>
      </div>
    </form>
  );
}
