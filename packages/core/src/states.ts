/**
 * Every state of every entity, the legal moves between them, and the named
 * sets the rest of the code asks about. Nothing else in Sluice spells a state
 * as a string literal it invents; it imports it from here.
 */
import { IllegalTransitionError } from './errors';

export const TaskInstanceState = {
  /** Created with its run (or reset by a clear); nobody has looked at it yet. */
  none: 'none',
  /** Set by the scheduler when every dependency passed; waits for a slot. */
  scheduled: 'scheduled',
  /** Set by the scheduler (or the worker's fast path) when the BullMQ job is added. */
  queued: 'queued',
  /** Set by the worker when it claims the try and starts executing it. */
  running: 'running',
  /** Set by the worker when the try returned; or by a user marking it. */
  success: 'success',
  /** Set by the worker (or the timeout/zombie check) when the last try failed; or by a user. */
  failed: 'failed',
  /** Set by the worker (or the timeout/zombie check) when a try failed and tries remain. */
  up_for_retry: 'up_for_retry',
  /** Set by the scheduler when an upstream failed and the trigger rule cannot pass any more. */
  upstream_failed: 'upstream_failed',
  /** Set by the scheduler (trigger rule, branch) or by a task asking to be skipped. */
  skipped: 'skipped',
  /** Set by the worker while an external job (EMR step, Glue run) runs without holding a slot. */
  deferred: 'deferred',
} as const;
export type TaskInstanceState = (typeof TaskInstanceState)[keyof typeof TaskInstanceState];
export const taskInstanceStates = Object.values(TaskInstanceState) as readonly TaskInstanceState[];

export const DagRunState = {
  /** Created by the scheduler or a trigger; waiting for maxActiveRuns to let it start. */
  queued: 'queued',
  /** Set by the scheduler when the run may start its tasks. */
  running: 'running',
  /** Set by the scheduler when every task is terminal and none failed; or by a user. */
  success: 'success',
  /** Set by the scheduler when a leaf task failed or dagrunTimeout passed; or by a user. */
  failed: 'failed',
} as const;
export type DagRunState = (typeof DagRunState)[keyof typeof DagRunState];
export const dagRunStates = Object.values(DagRunState) as readonly DagRunState[];

export const BackfillState = {
  /** Created by a user; the scheduler has not created its first run yet. */
  queued: 'queued',
  /** Set by the scheduler when it creates the backfill's first runs; or by a user resuming it. */
  running: 'running',
  /** Set by a user: no run is created or started; its running runs go on to the end. */
  paused: 'paused',
  /** Set by the scheduler when every interval was reached and none of its runs is unfinished. */
  completed: 'completed',
  /** Set by a user: no run is created any more; its queued runs fail, running ones finish. */
  cancelled: 'cancelled',
} as const;
export type BackfillState = (typeof BackfillState)[keyof typeof BackfillState];
export const backfillStates = Object.values(BackfillState) as readonly BackfillState[];

/** Nothing will happen to these without a user clearing them. */
export const terminalTaskStates: ReadonlySet<TaskInstanceState> = new Set<TaskInstanceState>([
  'success',
  'failed',
  'upstream_failed',
  'skipped',
]);
/** States a worker holds or is about to hold: they count against concurrency limits. */
export const activeTaskStates: ReadonlySet<TaskInstanceState> = new Set<TaskInstanceState>([
  'queued',
  'running',
  'deferred',
]);
/** Outcomes that make a run fail when a task ends in them. */
export const failedTaskStates: ReadonlySet<TaskInstanceState> = new Set<TaskInstanceState>([
  'failed',
  'upstream_failed',
]);
/** States a task instance can still leave without a user clearing it: everything not terminal. */
export const unfinishedTaskStates: ReadonlySet<TaskInstanceState> = new Set<TaskInstanceState>(
  taskInstanceStates.filter((s) => !terminalTaskStates.has(s)),
);
/**
 * Unfinished states whose try has not started: a task instance in one of
 * them reaches a terminal state only through `running` or through a
 * scheduling pass (skip, upstream_failed), each of which checks the run's
 * end itself.
 */
export const notStartedTaskStates: ReadonlySet<TaskInstanceState> = new Set<TaskInstanceState>([
  'none',
  'scheduled',
  'queued',
  'up_for_retry',
]);
/**
 * States in which a try holds a worker or an external job: moving such a
 * task instance elsewhere (clear, mark, a run's timeout) stops its try,
 * which is closed with it.
 */
export const stoppableTaskStates: ReadonlySet<TaskInstanceState> = new Set<TaskInstanceState>(['running', 'deferred']);
/** What a stopped try's row ends as when its task instance does not end (a clear sends it back to `none`). */
export const stoppedTryState: TaskInstanceState = 'failed';
/** Tasks a run marked failed fails; the rest of its unfinished ones are skipped. */
export const failedWithRunTaskStates: ReadonlySet<TaskInstanceState> = new Set<TaskInstanceState>([
  'queued',
  'running',
  'deferred',
  'up_for_retry',
]);
/** Runs not over yet: they count against maxActiveRuns. */
export const unfinishedRunStates: ReadonlySet<DagRunState> = new Set<DagRunState>(['queued', 'running']);
/** Runs that are over; a clear reopens them. */
export const terminalRunStates: ReadonlySet<DagRunState> = new Set<DagRunState>(['success', 'failed']);
/**
 * Backfills not over yet: their runs count against the backfill's own
 * maxActiveRuns, not the DAG's. A finished backfill's runs are ordinary runs.
 */
export const activeBackfillStates: ReadonlySet<BackfillState> = new Set<BackfillState>(['queued', 'running', 'paused']);

export const isTerminalTaskState = (s: TaskInstanceState): boolean => terminalTaskStates.has(s);
export const isActiveTaskState = (s: TaskInstanceState): boolean => activeTaskStates.has(s);
export const isTerminalRunState = (s: DagRunState): boolean => terminalRunStates.has(s);

const T = TaskInstanceState;
/**
 * from → the states it may move to. A user's "mark success/failed" and
 * "clear" are legal from every state they are offered on; everything else is
 * the lifecycle of one try. Every unfinished state may also become `skipped`:
 * a run that hits its dagrunTimeout skips what has not finished (Airflow does
 * the same). `none` and `up_for_retry` may become `queued` at once: a task
 * promoted straight through is scheduled and queued in one write.
 */
const taskTransitions: Record<TaskInstanceState, readonly TaskInstanceState[]> = {
  none: [T.scheduled, T.queued, T.skipped, T.upstream_failed, T.success, T.failed],
  scheduled: [T.queued, T.none, T.skipped, T.upstream_failed, T.success, T.failed],
  queued: [T.running, T.scheduled, T.up_for_retry, T.skipped, T.none, T.success, T.failed],
  running: [T.success, T.failed, T.up_for_retry, T.skipped, T.deferred, T.none],
  deferred: [T.queued, T.running, T.success, T.failed, T.up_for_retry, T.skipped, T.none],
  up_for_retry: [T.scheduled, T.queued, T.skipped, T.none, T.success, T.failed],
  success: [T.none, T.failed],
  failed: [T.none, T.success],
  upstream_failed: [T.none, T.success, T.failed],
  skipped: [T.none, T.success, T.failed],
};

const runTransitions: Record<DagRunState, readonly DagRunState[]> = {
  queued: ['running', 'failed', 'success'],
  running: ['success', 'failed', 'queued'],
  success: ['queued', 'running', 'failed'],
  failed: ['queued', 'running', 'success'],
};

/** A user pauses, resumes and cancels; the scheduler starts and completes. */
const backfillTransitions: Record<BackfillState, readonly BackfillState[]> = {
  queued: ['running', 'paused', 'cancelled', 'completed'],
  running: ['paused', 'cancelled', 'completed'],
  paused: ['running', 'cancelled'],
  completed: [],
  cancelled: [],
};

export function canTransitionTask(from: TaskInstanceState, to: TaskInstanceState): boolean {
  return taskTransitions[from].includes(to);
}

/** The states a task instance may be in for a move to `to` to be legal. */
export function taskStatesAllowedBefore(to: TaskInstanceState): TaskInstanceState[] {
  return taskInstanceStates.filter((from) => canTransitionTask(from, to));
}

/** Throws IllegalTransitionError unless `from → to` is in the table. */
export function transitionTask(from: TaskInstanceState, to: TaskInstanceState): TaskInstanceState {
  if (!canTransitionTask(from, to)) throw new IllegalTransitionError('task instance', from, to);
  return to;
}

export function canTransitionRun(from: DagRunState, to: DagRunState): boolean {
  return runTransitions[from].includes(to);
}

export function runStatesAllowedBefore(to: DagRunState): DagRunState[] {
  return dagRunStates.filter((from) => canTransitionRun(from, to));
}

/** Throws IllegalTransitionError unless `from → to` is in the table. */
export function transitionRun(from: DagRunState, to: DagRunState): DagRunState {
  if (!canTransitionRun(from, to)) throw new IllegalTransitionError('dag run', from, to);
  return to;
}

export function canTransitionBackfill(from: BackfillState, to: BackfillState): boolean {
  return backfillTransitions[from].includes(to);
}

export function backfillStatesAllowedBefore(to: BackfillState): BackfillState[] {
  return backfillStates.filter((from) => canTransitionBackfill(from, to));
}
