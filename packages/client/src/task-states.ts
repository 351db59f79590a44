/**
 * How task states rank when one cell stands for many instances (a mapped
 * task in the grid or on the run page): the worst shows.
 */
import type { TaskState } from './types';

/** Worst first: failed before retrying before running before waiting before done. */
export const TASK_STATE_SEVERITY: readonly TaskState[] = [
  'failed',
  'upstream_failed',
  'up_for_retry',
  'running',
  'deferred',
  'queued',
  'scheduled',
  'none',
  'skipped',
  'success',
];

/** The state among `states` that most needs a look; `success` when there are none. */
export function worstTaskState(states: Iterable<TaskState>): TaskState {
  let worst = TASK_STATE_SEVERITY.length - 1;
  for (const s of states) {
    const rank = TASK_STATE_SEVERITY.indexOf(s);
    if (rank >= 0 && rank < worst) worst = rank;
  }
  return TASK_STATE_SEVERITY[worst] ?? 'success';
}

/** A task instance's key in URLs and the task routes: `load` unmapped, `load[3]` for an instance. */
export function taskInstanceKey(ti: { taskId: string; mapIndex?: number | undefined }): string {
  return ti.mapIndex === undefined || ti.mapIndex < 0 ? ti.taskId : `${ti.taskId}[${ti.mapIndex}]`;
}
