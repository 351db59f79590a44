import { Toggle } from '../components/Toggle';
import { useSetPaused } from './queries';

/** On = active (scheduling), off = paused, as in Airflow. */
export function PausedToggle({ dagId, isPaused }: { dagId: string; isPaused: boolean }) {
  const mutation = useSetPaused(dagId);
  // Show the requested value while the request is in flight.
  const paused = mutation.isPending && mutation.variables !== undefined ? mutation.variables : isPaused;
  return (
    <span className="paused-toggle">
      <Toggle
        checked={!paused}
        label={paused ? `Unpause ${dagId}` : `Pause ${dagId}`}
        testId={`pause-toggle-${dagId}`}
        onChange={(active) => mutation.mutate(!active)}
      />
      {mutation.isError && <span className="inline-error">Could not {paused ? 'unpause' : 'pause'}</span>}
    </span>
  );
}
