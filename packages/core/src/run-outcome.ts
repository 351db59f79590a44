/**
 * A run's end state from the states of its task instances: still going
 * while one is unfinished; then failed if one ended in a failing state,
 * else success. (Airflow looks only at leaf tasks; Sluice fails the run on
 * any failure, so a failure handled by a `one_failed` task still shows as a
 * failed run. As in Airflow, a teardown's failure does not count unless it
 * says so.) The scheduling decision uses it, and the statement that ends
 * a run after a try's finish builds its state lists from the same two sets.
 */
import { failedTaskStates, unfinishedTaskStates, type TaskInstanceState } from './states';

/** Task states that keep a run going. */
export const runContinuesWhileIn: ReadonlySet<TaskInstanceState> = unfinishedTaskStates;
/** Task states that make a finished run failed. */
export const runFailsWhenAnyIn: ReadonlySet<TaskInstanceState> = failedTaskStates;

export type RunOutcome =
  | { state: 'running' }
  | { state: 'success' }
  /** Failing task ids, in the order given. */
  | { state: 'failed'; failedTaskIds: string[] };

/**
 * `tasks`: every task instance of the run as [task id, state], in the order
 * reasons should list them; `ignored`: tasks whose failure does not fail the
 * run (teardowns without failRun).
 */
export function runOutcome(
  tasks: Iterable<readonly [string, TaskInstanceState]>,
  ignored: ReadonlySet<string> = new Set(),
): RunOutcome {
  const failedTaskIds: string[] = [];
  for (const [id, state] of tasks) {
    if (runContinuesWhileIn.has(state)) return { state: 'running' };
    if (runFailsWhenAnyIn.has(state) && !ignored.has(id)) failedTaskIds.push(id);
  }
  return failedTaskIds.length > 0 ? { state: 'failed', failedTaskIds } : { state: 'success' };
}
