import { useState } from 'react';
import type { Variable } from '@sluice/client';
import { errorMessage } from '../api';
import { Dialog } from '../components/Dialog';
import { useSetVariable } from './queries';

interface VariableDialogProps {
  /** The variable being replaced, or null for a new one. */
  editing: Variable | null;
  open: boolean;
  onClose: () => void;
}

/**
 * Sets a variable. A secret one's value is never sent back to the browser,
 * so replacing it means typing the whole value again.
 */
export function VariableDialog({ editing, open, onClose }: VariableDialogProps) {
  const [key, setKey] = useState(editing?.key ?? '');
  const [value, setValue] = useState(editing && !editing.secret ? editing.value : '');
  const [secret, setSecret] = useState(editing?.secret ?? false);
  const [description, setDescription] = useState(editing?.description ?? '');
  const save = useSetVariable();

  function close() {
    save.reset();
    onClose();
  }

  function submit() {
    const body = { value, secret, ...(description.trim() ? { description: description.trim() } : {}) };
    save.mutate({ key: key.trim(), body }, { onSuccess: close });
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title={editing ? `Set ${editing.key}` : 'New variable'}
      testId="variable-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="variable-save"
            disabled={save.isPending || key.trim() === ''}
            onClick={submit}
          >
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <div className="form-stack">
        <label className="field">
          <span className="field-label">Key</span>
          <input
            className="code-input"
            data-testid="variable-key"
            value={key}
            readOnly={editing !== null}
            spellCheck={false}
            onChange={(event) => setKey(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Value{editing?.secret ? ' (secret: enter the whole value again)' : ''}</span>
          <textarea
            className="code-input"
            data-testid="variable-value"
            rows={4}
            spellCheck={false}
            autoComplete="off"
            value={value}
            onChange={(event) => setValue(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Description</span>
          <input
            className="code-input"
            data-testid="variable-description"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="variable-secret"
            checked={secret}
            onChange={(event) => setSecret(event.target.checked)}
          />
          Secret — never shown again, masked as *** in task logs
        </label>
      </div>
      {save.isError && (
        <p className="form-error" data-testid="variable-error">
          {errorMessage(save.error)}
        </p>
      )}
    </Dialog>
  );
}
