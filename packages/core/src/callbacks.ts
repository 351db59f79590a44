/**
 * Callbacks: what a DAG file asks to run when a try ends or a run misses its
 * deadline. Stored in the DagSpec as plain JSON — a user function is named
 * by its place (scope, event, index) and looked up in the bundle on a worker;
 * a notifier (Slack, webhook, e-mail, SNS) carries its options and runs as
 * platform code on a worker. Neither ever runs in the scheduler.
 */
import { z } from 'zod';

/** When a callback runs. `onDeadlineMiss` is DAG-level only. */
export const CallbackEvent = z.enum(['onFailure', 'onRetry', 'onSuccess', 'onDeadlineMiss']);
export type CallbackEvent = z.infer<typeof CallbackEvent>;
export const callbackEvents = CallbackEvent.options;
/** Events a try's end can fire (and a task may set). */
export const tryCallbackEvents = ['onFailure', 'onRetry', 'onSuccess'] as const satisfies readonly CallbackEvent[];
export type TryCallbackEvent = (typeof tryCallbackEvents)[number];

export const NotifierKind = z.enum(['slack', 'webhook', 'email', 'sns']);
export type NotifierKind = z.infer<typeof NotifierKind>;

/** Attempts and timeout every callback has. */
const limits = {
  /** One attempt may take this long before it is stopped and counts as failed. */
  timeoutMs: z.number().int().positive(),
  /** Extra attempts after a failed one. */
  retries: z.number().int().min(0).max(20),
};

export const CallbackSpec = z.discriminatedUnion('type', [
  /** A function of the DAG file, run in a task process like a `fn` task. */
  z.object({ type: z.literal('function'), ...limits }),
  /** A notifier, run by the worker with its options. */
  z.object({
    type: z.literal('notifier'),
    notifier: NotifierKind,
    options: z.record(z.string(), z.unknown()),
    ...limits,
  }),
]);
export type CallbackSpec = z.infer<typeof CallbackSpec>;

export const CallbackSpecs = z.object({
  onFailure: z.array(CallbackSpec).optional(),
  onRetry: z.array(CallbackSpec).optional(),
  onSuccess: z.array(CallbackSpec).optional(),
  onDeadlineMiss: z.array(CallbackSpec).optional(),
});
export type CallbackSpecs = z.infer<typeof CallbackSpecs>;

/** Which moment a run's deadline is measured from. `runAfter` is the end of its data interval. */
export const DeadlineFrom = z.enum(['logicalDate', 'queuedAt', 'runAfter']);
export type DeadlineFrom = z.infer<typeof DeadlineFrom>;

/** A run not finished `withinMs` after `from` misses its deadline: `onDeadlineMiss` runs, once. */
export const DeadlineSpec = z.object({ from: DeadlineFrom, withinMs: z.number().int().positive() });
export type DeadlineSpec = z.infer<typeof DeadlineSpec>;

/** Where a callback is declared: the DAG (every task, and the deadline) or one task. */
export type CallbackScope = { kind: 'dag' } | { kind: 'task'; taskId: string };

export interface ResolvedCallback {
  scope: CallbackScope;
  event: CallbackEvent;
  /** Its place in the list of that scope and event. */
  index: number;
  spec: CallbackSpec;
}

/**
 * The callbacks a try's end fires: the task's own for that event when it
 * declares any, else the DAG's (DAG-level callbacks are every task's default).
 */
export function callbacksForTry(
  dag: { callbacks?: CallbackSpecs | undefined },
  task: { taskId: string; callbacks?: CallbackSpecs | undefined },
  event: TryCallbackEvent,
): ResolvedCallback[] {
  const own = task.callbacks?.[event];
  if (own && own.length > 0)
    return own.map((spec, index) => ({ scope: { kind: 'task', taskId: task.taskId }, event, index, spec }));
  return (dag.callbacks?.[event] ?? []).map((spec, index) => ({ scope: { kind: 'dag' }, event, index, spec }));
}

/** The callback event a try's end fires, if any. */
export function tryCallbackEvent(to: 'success' | 'failed' | 'up_for_retry' | 'skipped'): TryCallbackEvent | null {
  switch (to) {
    case 'success':
      return 'onSuccess';
    case 'failed':
      return 'onFailure';
    case 'up_for_retry':
      return 'onRetry';
    case 'skipped':
      return null;
  }
}

/** What a callback function receives, as JSON on the wire; the SDK turns dates into Date. */
export interface CallbackContextData {
  event: CallbackEvent;
  dag: { dagId: string; owner: string | null };
  run: {
    runId: string;
    logicalDate: string;
    dataIntervalStart: string;
    dataIntervalEnd: string;
    conf: Record<string, unknown>;
    state: string;
    /** When the run missed its deadline (onDeadlineMiss). */
    deadlineAt: string | null;
  };
  /** Null for onDeadlineMiss. */
  task: { taskId: string; state: string; tryNumber: number; maxTries: number } | null;
  /** The try's error (onFailure, onRetry). */
  error: { name: string; message: string } | null;
  /** The UI page of the task (or run), when the platform knows its base URL. */
  url: string | null;
  /** The try's log through the API, when the platform knows its base URL. */
  logUrl: string | null;
}
