import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { ClearResult, MarkRunResult, RunDetail } from '@sluice/client';
import { api, errorMessage } from '../api';
import { usePermission } from '../auth/queries';
import { ConfirmDialog } from '../components/Dialog';
import { ClearPreview, TaskStates } from './ClearPreview';
import { useInvalidateDagData } from './queries';

type Action = 'clear-all' | 'clear-failed' | 'mark-success' | 'mark-failed';

const LABELS: Record<Action, string> = {
  'clear-all': '↻ Clear run',
  'clear-failed': '↻ Clear failed',
  'mark-success': 'Mark run success',
  'mark-failed': 'Mark run failed',
};

/** A run's actions, each showing its dry run before it is confirmed: clear (all or failed), mark success or failed. */
export function RunActions({ run }: { run: RunDetail }) {
  const [pending, setPending] = useState<Action | null>(null);
  const canAct = usePermission('operator', 'Clearing or marking a run');
  const disabled = (action: Action): boolean =>
    !canAct.allowed ||
    (action === 'mark-success' && run.state === 'success') ||
    (action === 'mark-failed' && run.state === 'failed');
  return (
    <div className="actions">
      {(Object.keys(LABELS) as Action[]).map((action) => (
        <button
          key={action}
          type="button"
          className={`button${action === 'mark-failed' ? ' button-danger-outline' : ''}`}
          data-testid={action === 'mark-failed' ? 'mark-run-failed' : `run-${action}`}
          disabled={disabled(action)}
          title={canAct.title}
          onClick={() => setPending(action)}
        >
          {LABELS[action]}
        </button>
      ))}
      {pending && <RunActionDialog run={run} action={pending} onClose={() => setPending(null)} />}
    </div>
  );
}

function RunActionDialog({ run, action, onClose }: { run: RunDetail; action: Action; onClose: () => void }) {
  const invalidate = useInvalidateDagData();
  const isClear = action === 'clear-all' || action === 'clear-failed';
  const onlyFailed = action === 'clear-failed';
  const to = action === 'mark-success' ? 'success' : 'failed';
  const preview = useQuery<{ clear: ClearResult | null; mark: MarkRunResult | null }>({
    queryKey: ['run-action-preview', run.dagId, run.runId, action],
    queryFn: () =>
      isClear
        ? api.clearRun(run.dagId, run.runId, { onlyFailed, dryRun: true }).then((r) => ({ clear: r, mark: null }))
        : api.markRun(run.dagId, run.runId, to, { dryRun: true }).then((r) => ({ clear: null, mark: r })),
    staleTime: 0,
    gcTime: 0,
  });
  const apply = useMutation({
    mutationFn: async (): Promise<void> => {
      if (isClear) await api.clearRun(run.dagId, run.runId, { onlyFailed });
      else await api.markRun(run.dagId, run.runId, to);
    },
    onSuccess: async () => {
      await invalidate(run.dagId);
      onClose();
    },
  });
  const marked = preview.data?.mark?.tasks ?? [];
  return (
    <ConfirmDialog
      open
      title={isClear ? `Clear ${onlyFailed ? 'the failed tasks of ' : ''}this run?` : `Mark this run ${to}?`}
      confirmLabel={isClear ? 'Clear' : `Mark run ${to}`}
      confirmTestId={action === 'mark-failed' ? 'mark-run-failed-confirm' : 'run-action-confirm'}
      danger={action === 'mark-failed'}
      busy={apply.isPending || preview.isPending}
      error={apply.isError ? errorMessage(apply.error) : null}
      onClose={onClose}
      onConfirm={() => apply.mutate()}
    >
      {isClear ? (
        <ClearPreview result={preview.data?.clear ?? undefined} error={preview.error} />
      ) : preview.error ? (
        <p className="form-error">{errorMessage(preview.error)}</p>
      ) : (
        <div data-testid="mark-preview">
          <p>
            The run <code>{run.runId}</code> ends as {to}
            {marked.length === 0
              ? '; no task instance changes.'
              : `; ${marked.length} task instance${marked.length === 1 ? ' is' : 's are'} marked with it:`}
          </p>
          {marked.length > 0 && <TaskStates tasks={marked} />}
        </div>
      )}
    </ConfirmDialog>
  );
}
