/**
 * Error types whose class carries meaning. Retry semantics live here: a task
 * that throws NonRetryableError fails at once, whatever its retries say.
 */

/** Thrown by `transitionTask`/`transitionRun` when a move is not in the state table. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly entity: 'task instance' | 'dag run',
    readonly from: string,
    readonly to: string,
  ) {
    super(`Illegal ${entity} transition: ${from} → ${to}`);
  }
}

/** Thrown by task code (or an operator) when retrying cannot help: the try fails for good. */
export class NonRetryableError extends Error {
  override readonly name: string = 'NonRetryableError';
  /** Read by `isNonRetryable`: a DAG bundle carries its own copy of this class. */
  readonly nonRetryable = true;
}

/** Thrown by task code (or an operator) to retry after a specific delay instead of the policy's. */
export class RetryAfterError extends Error {
  override readonly name: string = 'RetryAfterError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** Thrown by task code to end the task as `skipped` (Airflow's AirflowSkipException). */
export class SkipTaskError extends Error {
  override readonly name: string = 'SkipTaskError';
  /** Read by `isSkip`: a DAG bundle carries its own copy of this class. */
  readonly skipTask = true;
}

/** Thrown by a try whose executionTimeout passed. */
export class TaskTimeoutError extends Error {
  override readonly name = 'TaskTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`Task exceeded its executionTimeout of ${timeoutMs} ms`);
  }
}

/** Thrown by compileX() option validators; the message names the option and what is wrong. */
export class InvalidOptionsError extends Error {
  override readonly name = 'InvalidOptionsError';
}

/** One problem found in a DAG definition. */
export interface DagIssue {
  /** e.g. `tasks.load.upstream`, `schedule`, `dagId`. */
  path: string;
  message: string;
}

/** Thrown by `validateDag` with every problem found, not just the first. */
export class DagValidationError extends Error {
  override readonly name = 'DagValidationError';
  constructor(
    readonly dagId: string,
    readonly issues: readonly DagIssue[],
  ) {
    super(`DAG "${dagId}" is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

/** The plain data an error is persisted as: never an Error object. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
  code?: string | undefined;
}

/** Normalise whatever was thrown into an Error. Call at every catch. */
export function toError(raw: unknown): Error {
  if (raw instanceof Error) return raw;
  if (typeof raw === 'string') return new Error(raw);
  try {
    return new Error(JSON.stringify(raw));
  } catch {
    return new Error(String(raw));
  }
}

export function serializeError(raw: unknown): SerializedError {
  const err = toError(raw);
  const code = (err as { code?: unknown }).code;
  return {
    name: err.name,
    message: err.message,
    stack: err.stack,
    code: typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
  };
}

/*
 * Task code runs from its DAG's bundle, which carries its own copy of the
 * classes above, so the worker recognises them by shape, not by instanceof.
 */

export function isNonRetryable(err: Error): boolean {
  return err instanceof NonRetryableError || (err as { nonRetryable?: unknown }).nonRetryable === true;
}

export function isSkip(err: Error): boolean {
  return err instanceof SkipTaskError || (err as { skipTask?: unknown }).skipTask === true;
}

/** The delay a RetryAfterError asks for, or null. */
export function retryAfterMs(err: Error): number | null {
  const ms = (err as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : null;
}
