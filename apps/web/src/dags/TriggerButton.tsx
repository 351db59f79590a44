import { useState } from 'react';
import { errorMessage } from '../api';
import { usePermission } from '../auth/queries';
import { Dialog } from '../components/Dialog';
import { useTriggerRun } from './queries';

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

function TriggerDialogButton({ dagId, compact }: { dagId: string; compact: boolean }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('{}');
  const [parseError, setParseError] = useState<string | null>(null);
  const trigger = useTriggerRun(dagId);

  function close() {
    setOpen(false);
    setParseError(null);
    trigger.reset();
  }

  function submit() {
    const parsed = parseConf(text);
    if (!parsed.ok) {
      setParseError(parsed.message);
      return;
    }
    setParseError(null);
    trigger.mutate(parsed.conf, { onSuccess: close });
  }

  return (
    <>
      <button
        type="button"
        className={`button button-primary${compact ? ' button-small' : ''}`}
        data-testid={`trigger-${dagId}`}
        onClick={() => setOpen(true)}
      >
        ▶ Trigger
      </button>
      <Dialog
        open={open}
        onClose={close}
        title={
          <>
            Trigger <code>{dagId}</code>
          </>
        }
        testId="trigger-dialog"
        footer={
          <>
            <button type="button" className="button" onClick={close}>
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
        <label className="field">
          <span className="field-label">Run config (conf), JSON object</span>
          <textarea
            className={`code-input${parseError ? ' has-error' : ''}`}
            data-testid="conf-input"
            rows={8}
            spellCheck={false}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setParseError(null);
            }}
          />
        </label>
        {parseError && (
          <p className="form-error" data-testid="conf-error">
            {parseError}
          </p>
        )}
        {trigger.isError && (
          <p className="form-error" data-testid="trigger-error">
            {errorMessage(trigger.error)}
          </p>
        )}
      </Dialog>
    </>
  );
}
