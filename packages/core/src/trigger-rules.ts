/**
 * Trigger rules: whether a task may run given the states of its direct
 * upstream tasks (Airflow's TriggerRuleDep, with flag_upstream_failed on).
 *
 * The answer is an outcome and a sentence the UI shows. Rules decide as early
 * as they can: `one_success` runs as soon as one upstream succeeded,
 * `all_success` is skipped as soon as one upstream was skipped. A task with
 * no upstream tasks always runs, whatever its rule.
 */
import { assertNever } from './assert-never';
import type { TriggerRule } from './dag-spec';
import { isTerminalTaskState, type TaskInstanceState } from './states';

export type TriggerOutcome = 'run' | 'wait' | 'skip' | 'upstream_failed';

export interface TriggerEvaluation {
  outcome: TriggerOutcome;
  reason: string;
}

/** An upstream task instance, named so reasons can say which one. */
export interface UpstreamTask {
  taskId: string;
  state: TaskInstanceState;
  /** A setup task (role `setup`): what `all_done_setup_success` looks at. */
  setup?: boolean;
}

interface Tally {
  total: number;
  success: UpstreamTask[];
  failed: UpstreamTask[];
  upstreamFailed: UpstreamTask[];
  skipped: UpstreamTask[];
  notDone: UpstreamTask[];
  setups: UpstreamTask[];
}

function tally(upstream: ReadonlyArray<TaskInstanceState | UpstreamTask>): Tally {
  const t: Tally = {
    total: upstream.length,
    success: [],
    failed: [],
    upstreamFailed: [],
    skipped: [],
    notDone: [],
    setups: [],
  };
  upstream.forEach((entry, index) => {
    const task = typeof entry === 'string' ? { taskId: `#${index + 1}`, state: entry } : entry;
    if (task.setup === true) t.setups.push(task);
    if (task.state === 'success') t.success.push(task);
    else if (task.state === 'failed') t.failed.push(task);
    else if (task.state === 'upstream_failed') t.upstreamFailed.push(task);
    else if (task.state === 'skipped') t.skipped.push(task);
    else if (!isTerminalTaskState(task.state)) t.notDone.push(task);
  });
  return t;
}

const plural = (n: number, word: string): string => `${n} upstream ${word}${n === 1 ? '' : 's'}`;

/** ": extract, clean" — ids only when the caller gave them, at most five. */
function names(tasks: readonly UpstreamTask[]): string {
  const named = tasks.filter((t) => !t.taskId.startsWith('#')).map((t) => t.taskId);
  if (named.length === 0) return '';
  const more = named.length > 5 ? ` and ${named.length - 5} more` : '';
  return `: ${named.slice(0, 5).join(', ')}${more}`;
}

/** "2 upstream tasks failed: extract, clean". */
function says(tasks: readonly UpstreamTask[], verb: string, rule?: TriggerRule): string {
  return `${plural(tasks.length, 'task')} ${verb}${names(tasks)}${rule ? ` (${rule})` : ''}`;
}

/** "all 3 upstream tasks succeeded", "the upstream task succeeded". */
const every = (n: number, verb: string, verbMany = verb): string =>
  n === 1 ? `the upstream task ${verb}` : `all ${n} upstream tasks ${verbMany}`;

const waiting = (t: Tally): TriggerEvaluation => ({
  outcome: 'wait',
  reason: `waiting for ${plural(t.notDone.length, 'task')}${names(t.notDone)}`,
});

/**
 * Evaluates `rule` against the states of a task's direct upstream tasks.
 * Pass `{ taskId, state }` objects to get reasons that name the tasks.
 */
export function evaluateTriggerRule(
  rule: TriggerRule,
  upstream: ReadonlyArray<TaskInstanceState | UpstreamTask>,
): TriggerEvaluation {
  if (upstream.length === 0) return { outcome: 'run', reason: 'the task has no upstream tasks' };
  const t = tally(upstream);
  const failures = [...t.failed, ...t.upstreamFailed];
  const allDone = t.notDone.length === 0;

  switch (rule) {
    case 'all_success':
      if (failures.length > 0) return { outcome: 'upstream_failed', reason: says(failures, 'failed', rule) };
      if (t.skipped.length > 0) return { outcome: 'skip', reason: says(t.skipped, 'skipped', rule) };
      if (allDone) return { outcome: 'run', reason: every(t.total, 'succeeded') };
      return waiting(t);

    case 'all_failed':
      if (t.success.length > 0 || t.skipped.length > 0) {
        const notFailed = [...t.success, ...t.skipped];
        return { outcome: 'skip', reason: says(notFailed, 'did not fail', rule) };
      }
      if (allDone) return { outcome: 'run', reason: every(t.total, 'failed') };
      return waiting(t);

    case 'all_done':
      if (allDone) return { outcome: 'run', reason: every(t.total, 'finished') };
      return waiting(t);

    case 'one_success':
      if (t.success.length > 0) return { outcome: 'run', reason: says(t.success, 'succeeded') };
      if (!allDone) return waiting(t);
      if (t.skipped.length === t.total) {
        return { outcome: 'skip', reason: `${every(t.total, 'was skipped', 'were skipped')} (${rule})` };
      }
      return { outcome: 'upstream_failed', reason: `no upstream task succeeded; ${says(failures, 'failed', rule)}` };

    case 'one_failed':
      if (failures.length > 0) return { outcome: 'run', reason: says(failures, 'failed') };
      if (allDone) return { outcome: 'skip', reason: `no upstream task failed (${rule})` };
      return waiting(t);

    case 'none_failed':
      if (failures.length > 0) return { outcome: 'upstream_failed', reason: says(failures, 'failed', rule) };
      if (allDone) return { outcome: 'run', reason: `no upstream task failed` };
      return waiting(t);

    case 'none_failed_min_one_success':
      if (failures.length > 0) {
        return { outcome: 'upstream_failed', reason: says(failures, 'failed', rule) };
      }
      if (t.skipped.length === t.total) {
        return { outcome: 'skip', reason: `${every(t.total, 'was skipped', 'were skipped')} (${rule})` };
      }
      if (allDone) return { outcome: 'run', reason: `no upstream task failed; ${says(t.success, 'succeeded')}` };
      return waiting(t);

    case 'none_skipped':
      if (t.skipped.length > 0) return { outcome: 'skip', reason: says(t.skipped, 'skipped', rule) };
      if (allDone) return { outcome: 'run', reason: `no upstream task was skipped` };
      return waiting(t);

    case 'all_skipped': {
      const notSkipped = [...t.success, ...failures];
      if (notSkipped.length > 0) return { outcome: 'skip', reason: says(notSkipped, 'was not skipped', rule) };
      if (allDone) return { outcome: 'run', reason: every(t.total, 'was skipped', 'were skipped') };
      return waiting(t);
    }

    case 'one_done': {
      const done = [...t.success, ...t.failed];
      if (done.length > 0) return { outcome: 'run', reason: says(done, 'finished') };
      if (allDone) return { outcome: 'skip', reason: `no upstream task succeeded or failed (${rule})` };
      return waiting(t);
    }

    case 'all_done_min_one_success':
      if (!allDone) return waiting(t);
      if (t.success.length > 0)
        return { outcome: 'run', reason: `${every(t.total, 'finished')}; ${says(t.success, 'succeeded')}` };
      if (failures.length > 0)
        return { outcome: 'upstream_failed', reason: `no upstream task succeeded; ${says(failures, 'failed', rule)}` };
      return { outcome: 'skip', reason: `${every(t.total, 'was skipped', 'were skipped')} (${rule})` };

    case 'all_done_setup_success': {
      if (!allDone) return waiting(t);
      const succeeded = t.setups.filter((s) => s.state === 'success');
      if (t.setups.length === 0 || succeeded.length > 0) {
        const setups =
          succeeded.length > 0 ? `; ${plural(succeeded.length, 'setup task')} succeeded${names(succeeded)}` : '';
        return { outcome: 'run', reason: `${every(t.total, 'finished')}${setups}` };
      }
      if (t.setups.every((s) => s.state === 'skipped'))
        return {
          outcome: 'skip',
          reason: `${plural(t.setups.length, 'setup task')} skipped${names(t.setups)} (${rule})`,
        };
      return { outcome: 'upstream_failed', reason: `no setup task succeeded${names(t.setups)} (${rule})` };
    }

    case 'always':
      return { outcome: 'run', reason: 'the trigger rule is always' };

    default:
      return assertNever(rule);
  }
}

/**
 * Whether an upstream's success can decide a task under `rule` while
 * another upstream is unfinished. When it cannot, a task that succeeds need
 * not evaluate that downstream until its last upstream ends (the join check
 * of the fast path).
 */
export function successDecidesEarly(rule: TriggerRule): boolean {
  switch (rule) {
    case 'all_success':
    case 'all_done':
    case 'none_failed':
    case 'none_failed_min_one_success':
    case 'none_skipped':
    case 'all_done_min_one_success':
    case 'all_done_setup_success':
    case 'one_failed':
      return false;
    case 'all_failed':
    case 'one_success':
    case 'all_skipped':
    case 'one_done':
    case 'always':
      return true;
    default:
      return assertNever(rule);
  }
}
