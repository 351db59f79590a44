/**
 * Messages between the worker and the child processes that run `fn` tasks
 * (fn-pool.ts ↔ fn-child.ts). Plain JSON: dates travel as ISO strings, the
 * upstream outputs as [taskId, output] pairs, the return value as its JSON.
 */
import { toError, type AssetEventData, type CallbackContextData, type CallbackEvent } from '@sluice/core';

/** What the worker sends to run one task function. */
export interface RunTaskMessage {
  type: 'run';
  id: number;
  hash: string;
  /** The DAG version's bundle; absent when this child already imported it. */
  bundle?: string;
  run: {
    dagId: string;
    runId: string;
    taskId: string;
    logicalDate: string;
    dataIntervalStart: string;
    dataIntervalEnd: string;
    conf: Record<string, unknown>;
    tryNumber: number;
    maxTries: number;
    /** A mapped task's instance: its index and its item; absent for an unmapped task. */
    mapIndex?: number;
    item?: unknown;
  };
  upstream: string[];
  outputs: Array<[string, unknown]>;
  /** URIs of the task's outlets: what `ctx.outletEvent` accepts. */
  outlets?: string[];
  /** An asset-triggered run's events, for `ctx.triggeringEvents`. */
  triggeringEvents?: AssetEventData[];
  /** Variables the task's process.env holds besides the child's minimal base. */
  env: Record<string, string>;
  /** Set to run a callback of the DAG file instead of the task's function. */
  callback?: CallbackCall;
}

/** Which callback function to call (the DAG's when `taskId` is null) and the context it gets. */
export interface CallbackCall {
  taskId: string | null;
  event: CallbackEvent;
  position: number;
  context: CallbackContextData;
}

/** The answer to a child's `variable` request: the value, or `missing`, or why it could not be read. */
export interface VariableAnswerMessage {
  type: 'variable';
  request: number;
  value?: string;
  missing?: boolean;
  error?: WireError;
}

export type ParentMessage = RunTaskMessage | VariableAnswerMessage;

/** A thrown value as data, with the marks that carry retry semantics (see @sluice/core's isNonRetryable, isSkip, retryAfterMs). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  nonRetryable?: boolean;
  skipTask?: boolean;
  retryAfterMs?: number;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'log'; id: number; line: string }
  /** `ctx.variable(name)` of task `id`: the worker reads it (and masks it when secret) and answers `request`. */
  | { type: 'variable'; id: number; request: number; name: string }
  /** `outputJson` absent: the function returned undefined. `imported`: the bundle is now loaded in this child. */
  | { type: 'done'; id: number; outputJson?: string; imported: boolean }
  | { type: 'failed'; id: number; error: WireError; imported: boolean }
  /** Thrown outside any task's promise (a stray timer's error); the child exits after sending it. */
  | { type: 'fatal'; error: WireError };

/** Encodes whatever was thrown, keeping the fields the worker's retry decisions read. */
export function toWireError(raw: unknown): WireError {
  const err = toError(raw);
  const marks = err as { code?: unknown; nonRetryable?: unknown; skipTask?: unknown; retryAfterMs?: unknown };
  const wire: WireError = { name: err.name, message: err.message };
  if (err.stack !== undefined) wire.stack = err.stack;
  if (typeof marks.code === 'string' || typeof marks.code === 'number') wire.code = String(marks.code);
  if (marks.nonRetryable === true) wire.nonRetryable = true;
  if (marks.skipTask === true) wire.skipTask = true;
  if (typeof marks.retryAfterMs === 'number') wire.retryAfterMs = marks.retryAfterMs;
  return wire;
}

/** An error thrown by task code in a child, rebuilt in the worker with the same name, message, stack and marks. */
export class TaskFunctionError extends Error {
  override name: string;
  readonly code?: string;
  readonly nonRetryable?: boolean;
  readonly skipTask?: boolean;
  readonly retryAfterMs?: number;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    if (wire.stack !== undefined) this.stack = wire.stack;
    if (wire.code !== undefined) this.code = wire.code;
    if (wire.nonRetryable !== undefined) this.nonRetryable = wire.nonRetryable;
    if (wire.skipTask !== undefined) this.skipTask = wire.skipTask;
    if (wire.retryAfterMs !== undefined) this.retryAfterMs = wire.retryAfterMs;
  }
}
