import { useState } from 'react';
import { type TaskInstance, taskInstanceKey } from '@sluice/client';
import { errorMessage } from '../api';
import { usePermission } from '../auth/queries';
import { ConfirmDialog } from '../components/Dialog';
import { ClearPreview } from '../runs/ClearPreview';
import { type ClearOptions, useClearPreview, useClearTask, useSetTaskState } from './queries';

interface TaskActionsProps {
  dagId: string;
  runId: string;
  taskInstance: TaskInstance;
  /** The engine schedules downstream of a mark only while the run runs; an ended run stays as it is. */
  runRunning: boolean;
  /** Told what a clear reset, so the panel can say so. */
  onCleared: (taskIds: string[]) => void;
  /** A mapped task's own row: how many instances a clear or mark of it acts on. */
  instances?: number;
}

type Pending = 'clear' | 'success' | 'failed' | null;

const NO_OPTIONS: ClearOptions = { upstream: false, downstream: false, past: false, future: false };
const OPTION_LABELS: Record<keyof ClearOptions, string> = {
  upstream: 'Upstream tasks too',
  downstream: 'Downstream tasks too',
  past: 'The same tasks in earlier runs',
  future: 'The same tasks in later runs',
};

/** Clear (with upstream, downstream, past, future; previewed) and mark success/failed, each behind a confirmation. */
export function TaskActions({ dagId, runId, taskInstance, runRunning, onCleared, instances }: TaskActionsProps) {
  // `load[3]` acts on one instance of a mapped task; a mapped task's own row (`load`) on all of them.
  const taskId = taskInstanceKey(taskInstance);
  const { state } = taskInstance;
  const [pending, setPending] = useState<Pending>(null);
  const [options, setOptions] = useState<ClearOptions>(NO_OPTIONS);
  const clear = useClearTask(dagId, runId, taskId);
  const preview = useClearPreview(dagId, runId, taskId, options, pending === 'clear');
  const mark = useSetTaskState(dagId, runId, taskId);
  const canClear = usePermission('operator', 'Clearing');
  const canMark = usePermission('operator', 'Marking');

  function close() {
    setPending(null);
    setOptions(NO_OPTIONS);
    clear.reset();
    mark.reset();
  }

  return (
    <div className="actions">
      <button
        type="button"
        className="button"
        data-testid="clear-button"
        disabled={!canClear.allowed}
        title={canClear.title}
        onClick={() => setPending('clear')}
      >
        ↻ Clear
      </button>
      <button
        type="button"
        className="button"
        data-testid="mark-success"
        disabled={!canMark.allowed || state === 'success'}
        title={canMark.title}
        onClick={() => setPending('success')}
      >
        Mark success
      </button>
      <button
        type="button"
        className="button"
        data-testid="mark-failed"
        disabled={!canMark.allowed || state === 'failed'}
        title={canMark.title}
        onClick={() => setPending('failed')}
      >
        Mark failed
      </button>

      <ConfirmDialog
        open={pending === 'clear'}
        title={
          <>
            Clear <code>{taskId}</code>
            {instances !== undefined && ` (all ${instances} instances)`}?
          </>
        }
        confirmLabel="Clear"
        confirmTestId="clear-confirm"
        busy={clear.isPending}
        error={clear.isError ? errorMessage(clear.error) : null}
        onClose={close}
        onConfirm={() =>
          clear.mutate(options, {
            onSuccess: (result) => {
              onCleared(result.cleared);
              close();
            },
          })
        }
      >
        <p>The task instances go back to the scheduler and run again as a new try.</p>
        {(Object.keys(OPTION_LABELS) as Array<keyof ClearOptions>).map((option) => (
          <label key={option} className="checkbox">
            <input
              type="checkbox"
              data-testid={`clear-${option}`}
              checked={options[option]}
              onChange={(event) => setOptions({ ...options, [option]: event.target.checked })}
            />
            {OPTION_LABELS[option]}
          </label>
        ))}
        <ClearPreview result={preview.data} error={preview.error} />
      </ConfirmDialog>

      {(['success', 'failed'] as const).map((target) => (
        <ConfirmDialog
          key={target}
          open={pending === target}
          title={
            <>
              Mark <code>{taskId}</code>
              {instances !== undefined && ` (all ${instances} instances)`} as {target}?
            </>
          }
          confirmLabel={`Mark ${target}`}
          confirmTestId={`mark-${target}-confirm`}
          danger={target === 'failed'}
          busy={mark.isPending}
          error={mark.isError ? errorMessage(mark.error) : null}
          onClose={close}
          onConfirm={() => mark.mutate(target, { onSuccess: close })}
        >
          <p data-testid={`mark-${target}-effect`}>
            {runRunning
              ? 'Sets the state by hand. Downstream tasks are then scheduled by their trigger rules.'
              : 'Sets the state by hand. The run has ended, so nothing downstream is scheduled: clear the downstream tasks to run them.'}
          </p>
        </ConfirmDialog>
      ))}
    </div>
  );
}
