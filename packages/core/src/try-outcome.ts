/**
 * What becomes of a try that ended, whoever noticed the end: the worker
 * (the operator returned, threw, or hit its executionTimeout in-process) or
 * the scheduler (the try outlived executionTimeout plus grace, or its
 * worker stopped heartbeating). One function, one retry delay, one jitter.
 */
import type { RetrySpec } from './dag-spec';
import { isNonRetryable, isSkip, retryAfterMs } from './errors';
import { hasTriesLeft, nextTryAt, stableRandom } from './retry-policy';

/** Why the scheduler ended a try the worker did not end itself. */
export type TryFailureCause = 'execution_timeout' | 'heartbeat_lost';

/** How a try ended. */
export type TryEnding =
  /** The operator returned. */
  | { kind: 'returned' }
  /** The operator threw (or the worker aborted it, e.g. on its own executionTimeout). */
  | { kind: 'error'; error: Error }
  /** The scheduler found the try past executionTimeout plus grace. */
  | { kind: 'execution_timeout' }
  /**
   * The scheduler found the running try without a heartbeat: its worker is
   * gone. `hasExternal`: the try recorded an external job (EMR step, Glue
   * run), which may still be going without it.
   */
  | { kind: 'heartbeat_lost'; hasExternal: boolean };

export type TryOutcome =
  | { type: 'success' }
  | { type: 'retry'; at: Date }
  | { type: 'fail' }
  | { type: 'skip' }
  /**
   * Not an end at all: the worker is gone but its external job is not.
   * The try is parked as deferred for another worker to resume the wait
   * and adopt the job; nothing downstream may see it failed meanwhile.
   */
  | { type: 'resume-deferred'; cause: 'heartbeat_lost' };

export interface TryOutcomeInput {
  ending: TryEnding;
  /** The try that ended (1-based). */
  tryNumber: number;
  maxTries: number;
  /** The task's retry policy; null when the task is not in its DAG version any more (no retry then). */
  retry: RetrySpec | null;
  now: Date;
  /** A number in [0, 1) for the retry delay's jitter: `tryJitter(…)` in production. */
  random: () => number;
}

/**
 * The jitter of a try's retry delay: stable per try, so the worker and the
 * scheduler (and a pass decided twice) name the same retry time.
 */
export function tryJitter(dagId: string, runId: string, taskId: string, tryNumber: number): () => number {
  const key = `${dagId}:${runId}:${taskId}:${tryNumber}`;
  return () => stableRandom(key);
}

export function tryOutcome(input: TryOutcomeInput): TryOutcome {
  const { ending } = input;
  switch (ending.kind) {
    case 'returned':
      return { type: 'success' };
    case 'heartbeat_lost':
      if (ending.hasExternal) return { type: 'resume-deferred', cause: 'heartbeat_lost' };
      return retryOrFail(input, null);
    case 'execution_timeout':
      return retryOrFail(input, null);
    case 'error':
      if (isSkip(ending.error)) return { type: 'skip' };
      if (isNonRetryable(ending.error)) return { type: 'fail' };
      return retryOrFail(input, retryAfterMs(ending.error));
  }
}

function retryOrFail(input: TryOutcomeInput, askedDelayMs: number | null): TryOutcome {
  if (input.retry === null || !hasTriesLeft(input.tryNumber, input.maxTries)) return { type: 'fail' };
  const at =
    askedDelayMs !== null
      ? new Date(input.now.getTime() + askedDelayMs)
      : nextTryAt(input.retry, Math.max(1, input.tryNumber), input.now, input.random);
  return { type: 'retry', at };
}
