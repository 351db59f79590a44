import { useState } from 'react';
import type { TaskInstance } from '@sluice/client';
import { errorMessage } from '../api';
import { usePermission } from '../auth/queries';
import { ConfirmDialog } from '../components/Dialog';
import { useClearTask, useSetTaskState } from './queries';

interface TaskActionsProps {
  dagId: string;
  runId: string;
  taskInstance: TaskInstance;
  /** Told what a clear reset, so the panel can say so. */
  onCleared: (taskIds: string[]) => void;
}

type Pending = 'clear' | 'success' | 'failed' | null;

/** Clear (optionally with downstream) and mark success/failed, each behind a confirmation. */
export function TaskActions({ dagId, runId, taskInstance, onCleared }: TaskActionsProps) {
  const { taskId, state } = taskInstance;
  const [pending, setPending] = useState<Pending>(null);
  const [downstream, setDownstream] = useState(false);
  const clear = useClearTask(dagId, runId, taskId);
  const mark = useSetTaskState(dagId, runId, taskId);
  const canClear = usePermission('operator', 'Clearing');
  const canMark = usePermission('operator', 'Marking');

  function close() {
    setPending(null);
    setDownstream(false);
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
            Clear <code>{taskId}</code>?
          </>
        }
        confirmLabel="Clear"
        confirmTestId="clear-confirm"
        busy={clear.isPending}
        error={clear.isError ? errorMessage(clear.error) : null}
        onClose={close}
        onConfirm={() =>
          clear.mutate(downstream, {
            onSuccess: (result) => {
              onCleared(result.cleared);
              close();
            },
          })
        }
      >
        <p>The task instance goes back to the scheduler and runs again as a new try.</p>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="clear-downstream"
            checked={downstream}
            onChange={(event) => setDownstream(event.target.checked)}
          />
          Clear downstream tasks too
        </label>
      </ConfirmDialog>

      {(['success', 'failed'] as const).map((target) => (
        <ConfirmDialog
          key={target}
          open={pending === target}
          title={
            <>
              Mark <code>{taskId}</code> as {target}?
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
          <p>Sets the state by hand. Downstream tasks are then scheduled by their trigger rules.</p>
        </ConfirmDialog>
      ))}
    </div>
  );
}
