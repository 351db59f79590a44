import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '@sluice/client';
import { errorMessage } from '../api';
import { usePermission } from '../auth/queries';
import { Dialog } from '../components/Dialog';
import { runPath } from '../paths';
import { useTimeFormat } from '../prefs/useZone';
import { fromLocalInput } from '../prefs/zone';
import { type FormValues, confFields, confFromValues, fieldOfIssue, initialValues, valuesFromConf } from './confSchema';
import { ConfFormFields, FieldError } from './TriggerForm';
import { useDag, useTriggerRun } from './queries';

type ParsedConf = { ok: true; conf: Record<string, unknown> } | { ok: false; message: string };

/** Run config must be a JSON object; anything else is refused before it reaches the API. */
export function parseConf(text: string): ParsedConf {
  if (text.trim() === '') return { ok: true, conf: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (raw) {
    return { ok: false, message: `Invalid JSON: ${errorMessage(raw)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'conf must be a JSON object, e.g. {"date": "2026-01-01"}' };
  }
  return { ok: true, conf: value as Record<string, unknown> };
}

/**
 * The Trigger button and its dialog, used on the DAG list and the DAG page.
 * Not offered to a role that may not trigger: the list shows nothing, the
 * DAG page says which role it takes.
 */
export function TriggerButton({ dagId, compact = false }: { dagId: string; compact?: boolean }) {
  const permission = usePermission('operator', 'Triggering');
  if (!permission.allowed)
    return compact ? null : (
      <span className="muted small" data-testid="trigger-not-allowed">
        {permission.title}
      </span>
    );
  return <TriggerDialogButton dagId={dagId} compact={compact} />;
}

type Mode = 'form' | 'json';

/** API issues by where the form shows them: a conf field's name, `@logicalDate`, `@runId` or `@form`. */
function issuesByField(raw: unknown): Record<string, string> {
  if (!(raw instanceof ApiError)) return { '@form': errorMessage(raw) };
  const byField: Record<string, string> = {};
  for (const issue of raw.issues ?? []) {
    const field = fieldOfIssue(issue.path);
    byField[field] = byField[field] ? `${byField[field]}; ${issue.message}` : issue.message;
  }
  // A taken run id is a conflict without issues: it belongs beside the run id.
  if (raw.status === 409 && !byField['@runId']) byField['@runId'] = raw.message;
  else if (Object.keys(byField).length === 0 || raw.issues?.some((i) => fieldOfIssue(i.path) === '@form'))
    byField['@form'] = errorMessage(raw);
  return byField;
}

function TriggerDialogButton({ dagId, compact }: { dagId: string; compact: boolean }) {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  return (
    <>
      {created && (
        <span className="trigger-created small" role="status" data-testid="trigger-created">
          Queued <Link to={runPath(dagId, created)}>{created}</Link>
        </span>
      )}
      <button
        type="button"
        className={`button button-primary${compact ? ' button-small' : ''}`}
        data-testid={`trigger-${dagId}`}
        data-shortcut={compact ? undefined : 'trigger'}
        onClick={() => setOpen(true)}
      >
        ▶ Trigger
      </button>
      {open && (
        <TriggerDialog
          dagId={dagId}
          onClose={() => setOpen(false)}
          onCreated={(runId) => {
            setOpen(false);
            setCreated(runId);
          }}
        />
      )}
    </>
  );
}

/**
 * The trigger dialog: a form made from the DAG's confSchema (or its JSON,
 * in the JSON mode), the logical date and the run id; the API's refusals
 * beside the fields they name, cleared when sent again; on success the
 * dialog closes and a link to the new run stays beside the button.
 */
function TriggerDialog({
  dagId,
  onClose,
  onCreated,
}: {
  dagId: string;
  onClose(): void;
  onCreated(runId: string): void;
}) {
  const dag = useDag(dagId);
  const fields = useMemo(() => confFields(dag.data?.confSchema ?? null), [dag.data]);
  const { zone } = useTimeFormat(dag.data?.timezone);
  const [mode, setMode] = useState<Mode | null>(null);
  const shownMode: Mode = mode ?? (fields.length > 0 ? 'form' : 'json');
  const [values, setValues] = useState<FormValues | null>(null);
  const formValues = values ?? initialValues(fields);
  const [text, setText] = useState('{}');
  const [logicalDate, setLogicalDate] = useState('');
  const [runId, setRunId] = useState('');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const trigger = useTriggerRun(dagId);
  const errors = { ...(trigger.isError ? issuesByField(trigger.error) : {}), ...localErrors };

  function switchMode(next: Mode) {
    if (next === shownMode) return;
    if (next === 'json') {
      const built = confFromValues(fields, formValues);
      if (built.ok) setText(JSON.stringify(built.conf, null, 2));
    } else {
      const parsed = parseConf(text);
      if (parsed.ok) setValues(valuesFromConf(fields, parsed.conf));
    }
    setLocalErrors({});
    setMode(next);
  }

  function submit() {
    trigger.reset();
    const problems: Record<string, string> = {};
    let conf: Record<string, unknown> = {};
    if (shownMode === 'json') {
      const parsed = parseConf(text);
      if (parsed.ok) conf = parsed.conf;
      else problems['@json'] = parsed.message;
    } else {
      const built = confFromValues(fields, formValues);
      if (built.ok) conf = built.conf;
      else Object.assign(problems, built.errors);
    }
    const logical = logicalDate ? fromLocalInput(logicalDate, zone) : null;
    if (logicalDate && !logical) problems['@logicalDate'] = 'is not a date and time';
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    trigger.mutate(
      { conf, ...(logical ? { logicalDate: logical } : {}), ...(runId.trim() ? { runId: runId.trim() } : {}) },
      {
        onSuccess: (run) => onCreated(run.runId),
      },
    );
  }

  return (
    <Dialog
      open
      onClose={onClose}
      title={
        <>
          Trigger <code>{dagId}</code>
        </>
      }
      testId="trigger-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="trigger-confirm"
            disabled={trigger.isPending}
            onClick={submit}
          >
            {trigger.isPending ? 'Triggering…' : 'Trigger'}
          </button>
        </>
      }
    >
      <form
        className="trigger-form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        {fields.length > 0 && (
          <div className="segmented" role="tablist" aria-label="Run config as">
            {(['form', 'json'] as const).map((option) => (
              <button
                key={option}
                type="button"
                role="tab"
                aria-selected={shownMode === option}
                className={shownMode === option ? 'is-selected' : ''}
                data-testid={`conf-mode-${option}`}
                onClick={() => switchMode(option)}
              >
                {option === 'form' ? 'Form' : 'JSON'}
              </button>
            ))}
          </div>
        )}
        {shownMode === 'form' ? (
          <ConfFormFields
            fields={fields}
            values={formValues}
            errors={errors}
            onChange={(name, value) => {
              setValues({ ...formValues, [name]: value });
              setLocalErrors(({ [name]: _, ...rest }) => rest);
            }}
          />
        ) : (
          <label className="field">
            <span className="field-label">Run config (conf), JSON object</span>
            <textarea
              className={`code-input${errors['@json'] ? ' has-error' : ''}`}
              data-testid="conf-input"
              rows={8}
              spellCheck={false}
              value={text}
              onChange={(event) => {
                setText(event.target.value);
                setLocalErrors(({ '@json': _, ...rest }) => rest);
              }}
            />
          </label>
        )}
        {errors['@json'] && (
          <p className="form-error" data-testid="conf-error">
            {errors['@json']}
          </p>
        )}
        {shownMode === 'json' &&
          Object.entries(errors)
            .filter(([field]) => !field.startsWith('@'))
            .map(([field, message]) => (
              <p key={field} className="form-error" data-testid={`conf-field-${field}-error`}>
                {field}: {message}
              </p>
            ))}
        <div className="field-row">
          <div className={`field${errors['@logicalDate'] ? ' has-error' : ''}`}>
            <label className="field-label" htmlFor="trigger-logical-date">
              Logical date ({zone}), optional
            </label>
            <input
              id="trigger-logical-date"
              type="datetime-local"
              step={1}
              className="text-input"
              data-testid="trigger-logical-date"
              value={logicalDate}
              onChange={(e) => {
                setLogicalDate(e.target.value);
                setLocalErrors(({ '@logicalDate': _, ...rest }) => rest);
              }}
            />
            <span className="muted small">The start of the data interval the run is for; now when empty.</span>
            <FieldError message={errors['@logicalDate']} testId="trigger-logical-date-error" />
          </div>
          <div className={`field${errors['@runId'] ? ' has-error' : ''}`}>
            <label className="field-label" htmlFor="trigger-run-id">
              Run id, optional
            </label>
            <input
              id="trigger-run-id"
              className="text-input"
              data-testid="trigger-run-id"
              placeholder="manual__<logical date>"
              value={runId}
              onChange={(e) => setRunId(e.target.value)}
            />
            <FieldError message={errors['@runId']} testId="trigger-run-id-error" />
          </div>
        </div>
        {errors['@form'] && (
          <p className="form-error" data-testid="trigger-error">
            {errors['@form']}
          </p>
        )}
        {/* Enter in a field submits, as in any form. */}
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}
