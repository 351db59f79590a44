import { errorMessage } from '../api';
import { usePermission } from '../auth/queries';
import { Toggle } from '../components/Toggle';
import { useSetPaused } from './queries';

/** On = active (scheduling), off = paused, as in Airflow. Disabled, with the reason, for a role that may not pause. */
export function PausedToggle({ dagId, isPaused }: { dagId: string; isPaused: boolean }) {
  const mutation = useSetPaused(dagId);
  const permission = usePermission('operator', 'Pausing');
  // Show the requested value while the request is in flight.
  const paused = mutation.isPending && mutation.variables !== undefined ? mutation.variables : isPaused;
  return (
    <span className="paused-toggle">
      <Toggle
        checked={!paused}
        label={permission.title ?? (paused ? `Unpause ${dagId}` : `Pause ${dagId}`)}
        disabled={!permission.allowed}
        testId={`pause-toggle-${dagId}`}
        onChange={(active) => mutation.mutate(!active)}
      />
      {mutation.isError && (
        <span className="inline-error" title={errorMessage(mutation.error)}>
          Could not {paused ? 'unpause' : 'pause'}: {errorMessage(mutation.error)}
        </span>
      )}
    </span>
  );
}
