import { TASK_STATES, taskStateStyle } from '../states';

/** One swatch per task state, so the grid's colours need no guessing. */
export function StateLegend() {
  return (
    <ul className="legend" aria-label="Task state colours">
      {TASK_STATES.map((state) => {
        const style = taskStateStyle(state);
        return (
          <li key={state}>
            <span className="legend-swatch" style={{ background: style.color }} />
            {style.label}
          </li>
        );
      })}
    </ul>
  );
}
