import { useState } from 'react';
import type { BackfillBody, BackfillPreview, BackfillReprocess, IntervalAction } from '@sluice/client';
import { errorMessage } from '../api';
import { usePermission } from '../auth/queries';
import { Dialog } from '../components/Dialog';
import { SelectField, TextField } from '../components/Field';
import { parseConf } from '../dags/TriggerButton';
import { useCreateBackfill, usePreviewBackfill } from './queries';

const REPROCESS: readonly BackfillReprocess[] = ['none', 'failed', 'completed'];

export const ACTION_LABELS: Record<IntervalAction, string> = {
  create: 'create',
  rerun_failed: 'rerun failed tasks',
  rerun: 'rerun',
  skip_existing: 'skip: run exists',
  skip_in_flight: 'skip: run in flight',
};

/** The Backfill button of the DAG page: a form, its dry run, then the start. Only for operators. */
export function BackfillButton({ dagId }: { dagId: string }) {
  const permission = usePermission('operator', 'Backfilling');
  const [open, setOpen] = useState(false);
  if (!permission.allowed) return null;
  return (
    <>
      <button type="button" className="button" data-testid="backfill-button" onClick={() => setOpen(true)}>
        ⟲ Backfill
      </button>
      {open && <BackfillDialog dagId={dagId} onClose={() => setOpen(false)} />}
    </>
  );
}

function BackfillDialog({ dagId, onClose }: { dagId: string; onClose: () => void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reprocess, setReprocess] = useState<BackfillReprocess>('none');
  const [maxActiveRuns, setMaxActiveRuns] = useState('');
  const [reverse, setReverse] = useState(false);
  const [confText, setConfText] = useState('{}');
  const [formError, setFormError] = useState<string | null>(null);
  const preview = usePreviewBackfill();
  const create = useCreateBackfill(dagId);

  /** The form as an API body, or null (with the reason shown) when it is not one. */
  function body(): BackfillBody | null {
    const conf = parseConf(confText);
    if (!conf.ok) return fail(conf.message);
    if (from === '' || to === '') return fail('From and To are required (2026-03-01)');
    const b: BackfillBody = { dagId, from, to, reprocess, reverse, conf: conf.conf };
    if (maxActiveRuns !== '') {
      if (!/^\d+$/.test(maxActiveRuns) || Number(maxActiveRuns) < 1)
        return fail('Max active runs is a whole number, 1 or more');
      b.maxActiveRuns = Number(maxActiveRuns);
    }
    setFormError(null);
    return b;
  }

  function fail(message: string): null {
    setFormError(message);
    return null;
  }

  /** Any change to the form invalidates the preview: the start button needs a preview of what it starts. */
  function edit<T>(set: (value: T) => void): (value: T) => void {
    return (v) => {
      set(v);
      preview.reset();
    };
  }

  return (
    <Dialog
      open
      onClose={onClose}
      title={
        <>
          Backfill <code>{dagId}</code>
        </>
      }
      testId="backfill-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button"
            data-testid="backfill-preview"
            disabled={preview.isPending}
            onClick={() => {
              const b = body();
              if (b) preview.mutate(b);
            }}
          >
            {preview.isPending ? 'Working…' : 'Preview'}
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="backfill-confirm"
            disabled={!preview.data || create.isPending}
            title={preview.data ? undefined : 'Preview first'}
            onClick={() => {
              const b = body();
              if (b) create.mutate(b, { onSuccess: onClose });
            }}
          >
            {create.isPending ? 'Starting…' : 'Start backfill'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <TextField
          label="From (logical date)"
          value={from}
          onChange={edit(setFrom)}
          testId="backfill-from"
          placeholder="2026-03-01"
        />
        <TextField
          label="To (included)"
          value={to}
          onChange={edit(setTo)}
          testId="backfill-to"
          placeholder="2026-03-31"
        />
        <SelectField
          label="Intervals that have a run"
          value={reprocess}
          options={REPROCESS}
          onChange={edit<BackfillReprocess>(setReprocess)}
          testId="backfill-reprocess"
        />
        <TextField
          label="Max active runs (default: the DAG's)"
          value={maxActiveRuns}
          onChange={edit(setMaxActiveRuns)}
          testId="backfill-max-active-runs"
          inputMode="numeric"
        />
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="backfill-reverse"
          checked={reverse}
          onChange={(event) => edit(setReverse)(event.target.checked)}
        />
        Newest interval first
      </label>
      <label className="field">
        <span className="field-label">Run config (conf) of the runs it creates, JSON object</span>
        <textarea
          className="code-input"
          data-testid="backfill-conf"
          rows={3}
          spellCheck={false}
          value={confText}
          onChange={(event) => edit(setConfText)(event.target.value)}
        />
      </label>
      {formError && (
        <p className="form-error" data-testid="backfill-form-error">
          {formError}
        </p>
      )}
      {preview.isError && <p className="form-error">{errorMessage(preview.error)}</p>}
      {create.isError && <p className="form-error">{errorMessage(create.error)}</p>}
      {preview.data && <PreviewTable preview={preview.data} />}
    </Dialog>
  );
}

function PreviewTable({ preview }: { preview: BackfillPreview }) {
  if (preview.intervals.length === 0) return <p data-testid="backfill-preview-empty">No intervals in this range.</p>;
  const creates = preview.intervals.filter((i) => i.action === 'create').length;
  return (
    <div className="preview" data-testid="backfill-preview-table">
      <p>
        {preview.intervals.length} intervals, {preview.maxActiveRuns} at a time: {creates} new runs,{' '}
        {preview.intervals.filter((i) => i.action === 'rerun' || i.action === 'rerun_failed').length} reruns,{' '}
        {preview.intervals.filter((i) => i.action.startsWith('skip')).length} skipped.
      </p>
      <div className="table-wrap compact preview-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>Logical date</th>
              <th>Action</th>
              <th>Run</th>
            </tr>
          </thead>
          <tbody>
            {preview.intervals.map((i) => (
              <tr key={i.logicalDate} data-action={i.action}>
                <td>{i.logicalDate}</td>
                <td>{ACTION_LABELS[i.action]}</td>
                <td>
                  <code>{i.runId}</code>
                  {i.runState && <span className="muted small"> ({i.runState})</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
