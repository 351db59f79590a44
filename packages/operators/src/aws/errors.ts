/**
 * What an AWS error means for the try. The SDK has already retried
 * throttling, 5xx and network errors (`maxAttempts`, adaptive backoff) by the
 * time an operator sees one, so:
 *
 * - still transient → `start`/`poll`/`cancel` THROW `TransientAwsError`. The
 *   try is not failed and no task retry is used: the engine leaves the task
 *   instance as it is (deferred) and calls the same method again later.
 * - permanent (AWS said no: ValidationException, AccessDenied, a missing
 *   job/cluster…) → `start`/`poll` RETURN
 *   `{ state: 'failed', retryable: false, error: { name, message } }` with
 *   AWS's own message, failing the try at once whatever its retries say.
 *   Returned rather than thrown (NonRetryableError) so the status still
 *   carries the ref of whatever was submitted.
 * - anything that is not an AWS or network error (a bug) is rethrown as is,
 *   and so is the abort of `ctx.signal`.
 *
 * ConcurrentRunsExceededException (a Glue job at MaxConcurrentRuns, typically
 * the previous hour's run still going) is transient: the slot frees up when
 * that run ends, so starting later is right; the task's executionTimeout
 * bounds the wait.
 */
import type { ExternalRef, ExternalStatus } from '../external';

/** Thrown by an AWS operator's start/poll/cancel when AWS still failed transiently after the SDK's retries: call it again later; the try has not failed. */
export class TransientAwsError extends Error {
  override readonly name = 'TransientAwsError';
  /** Read by the engine by shape, like `nonRetryable`. */
  readonly transient = true;
  constructor(
    /** AWS's error code, e.g. `ThrottlingException`. */
    readonly awsName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${awsName}: ${message}`, options);
  }
}

export interface AwsErrorClass {
  transient: boolean;
  /** AWS's error code (`ValidationException`) or the network code (`ECONNRESET`). */
  name: string;
  /** AWS's message. */
  message: string;
}

const transientNames: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequests',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'InternalServerError',
  'InternalServerException',
  'InternalServiceException',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'OperationTimeoutException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ConcurrentRunsExceededException',
]);

const networkCodes: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shape(raw: unknown): ErrorShape {
  return typeof raw === 'object' && raw !== null ? (raw as ErrorShape) : {};
}

/** Whether `raw` came from AWS or the network at all (as opposed to a bug). */
export function isAwsError(raw: unknown): boolean {
  const err = shape(raw);
  return (
    err.$metadata !== undefined ||
    err.$fault !== undefined ||
    (typeof err.code === 'string' && networkCodes.has(err.code)) ||
    (typeof err.name === 'string' && transientNames.has(err.name))
  );
}

/** Transient (retry later, no try used) or permanent (fail the try), with AWS's code and message. */
export function classifyAwsError(raw: unknown): AwsErrorClass {
  const err = shape(raw);
  const name =
    typeof err.name === 'string' && err.name !== 'Error' ? err.name : typeof err.code === 'string' ? err.code : 'Error';
  const message = typeof err.message === 'string' && err.message !== '' ? err.message : String(raw);
  const status = typeof err.$metadata?.httpStatusCode === 'number' ? err.$metadata.httpStatusCode : undefined;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const transient =
    transientNames.has(name) ||
    (code !== undefined && networkCodes.has(code)) ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    (err.$fault === 'server' && status === undefined);
  return { transient, name, message };
}

/** `failed` with AWS's code and message; `retryable: false` because AWS rejected the request itself. */
export function rejectedBy(ref: ExternalRef, raw: unknown): ExternalStatus {
  const { name, message } = classifyAwsError(raw);
  return { state: 'failed', ref, retryable: false, error: { name, message } };
}

/**
 * Runs one operator step and maps what it throws: transient → TransientAwsError,
 * permanent AWS errors → `failed` (not retryable) with the ref `currentRef()` returns,
 * aborts and bugs → rethrown.
 */
export async function settle(
  currentRef: () => ExternalRef,
  signal: AbortSignal | undefined,
  body: () => Promise<ExternalStatus>,
): Promise<ExternalStatus> {
  try {
    return await body();
  } catch (raw) {
    if (signal?.aborted === true || raw instanceof TransientAwsError || !isAwsError(raw)) throw raw;
    const classified = classifyAwsError(raw);
    if (classified.transient) throw new TransientAwsError(classified.name, classified.message, { cause: raw });
    return rejectedBy(currentRef(), raw);
  }
}

/** For cancel: transient → TransientAwsError; anything else rethrown. */
export function rethrowForCancel(raw: unknown): never {
  if (raw instanceof TransientAwsError || !isAwsError(raw)) throw raw;
  const classified = classifyAwsError(raw);
  if (classified.transient) throw new TransientAwsError(classified.name, classified.message, { cause: raw });
  throw raw;
}
