/**
 * How long a task waits before its next try. Try numbers start at 1; a task
 * with `retries: n` gets `n + 1` tries in all.
 *
 * - Fixed: every retry waits `retryDelayMs`.
 * - Exponential: the retry after try `k` waits `retryDelayMs * 2^(k-1)`,
 *   give or take 10% jitter (so retries of many tasks that failed together
 *   spread out), never more than `maxRetryDelayMs` — or one day when no cap
 *   is set, as in Airflow.
 */
import type { RetrySpec } from './dag-spec';
import { InvalidOptionsError } from './errors';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Cap on an exponential delay when the task sets none. */
export const DEFAULT_MAX_RETRY_DELAY_MS = DAY_MS;
/** Largest delay an option may name; keeps `now + delay` a valid Date. */
export const MAX_CONFIGURABLE_DELAY_MS = 30 * DAY_MS;
export const MAX_RETRIES = 100;
/** Exponential delays vary by up to ±this fraction. */
export const RETRY_JITTER = 0.1;

/** A RetrySpec that passed validation. */
export interface RetryPolicy {
  retries: number;
  /** 1 + retries. */
  maxTries: number;
  retryDelayMs: number;
  exponentialBackoff: boolean;
  /** The cap actually applied to exponential delays. */
  maxRetryDelayMs: number;
}

function checkDelay(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_CONFIGURABLE_DELAY_MS) {
    throw new InvalidOptionsError(
      `${name} must be a whole number of milliseconds from 0 to ${MAX_CONFIGURABLE_DELAY_MS} (30 days), got ${value}`,
    );
  }
}

/** Validates a RetrySpec once; throws InvalidOptionsError naming the option. */
export function compileRetryPolicy(spec: RetrySpec): RetryPolicy {
  if (!Number.isInteger(spec.retries) || spec.retries < 0 || spec.retries > MAX_RETRIES) {
    throw new InvalidOptionsError(`retries must be a whole number from 0 to ${MAX_RETRIES}, got ${spec.retries}`);
  }
  checkDelay('retryDelayMs', spec.retryDelayMs);
  if (spec.maxRetryDelayMs !== null) {
    checkDelay('maxRetryDelayMs', spec.maxRetryDelayMs);
    if (spec.maxRetryDelayMs < spec.retryDelayMs) {
      throw new InvalidOptionsError(
        `maxRetryDelayMs (${spec.maxRetryDelayMs}) is less than retryDelayMs (${spec.retryDelayMs}); the cap must allow the first delay`,
      );
    }
  }
  return {
    retries: spec.retries,
    maxTries: spec.retries + 1,
    retryDelayMs: spec.retryDelayMs,
    exponentialBackoff: spec.exponentialBackoff,
    maxRetryDelayMs: spec.maxRetryDelayMs ?? Math.max(DEFAULT_MAX_RETRY_DELAY_MS, spec.retryDelayMs),
  };
}

function checkTryNumber(tryNumber: number): void {
  if (!Number.isInteger(tryNumber) || tryNumber < 1) {
    throw new RangeError(`tryNumber must be a whole number from 1, got ${tryNumber}`);
  }
}

/**
 * Milliseconds to wait after try `tryNumber` failed before the next one.
 * `random` returns a number in [0, 1) and only moves exponential delays.
 */
export function retryDelayMs(spec: RetrySpec, tryNumber: number, random: () => number = Math.random): number {
  checkTryNumber(tryNumber);
  const policy = compileRetryPolicy(spec);
  if (!policy.exponentialBackoff || policy.retryDelayMs === 0) return policy.retryDelayMs;

  const cap = policy.maxRetryDelayMs;
  // 2^exponent stays exact up to 2^1023; past the cap there is nothing to compute.
  const exponent = tryNumber - 1;
  const raw = exponent >= 64 ? cap : Math.min(cap, policy.retryDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  const jittered = raw * (1 + (2 * r - 1) * RETRY_JITTER);
  return Math.min(cap, Math.max(0, Math.round(jittered)));
}

/** When the try after `failedTryNumber` may start. */
export function nextTryAt(spec: RetrySpec, failedTryNumber: number, now: Date, random?: () => number): Date {
  return new Date(now.getTime() + retryDelayMs(spec, failedTryNumber, random));
}

/** Whether a task instance that has made `tryNumber` tries may make another. */
export function hasTriesLeft(tryNumber: number, maxTries: number): boolean {
  return tryNumber < maxTries;
}

/** 1 + retries: the tries a task instance gets in all. */
export function maxTriesOf(spec: RetrySpec): number {
  return spec.retries + 1;
}

/**
 * A stable number in [0, 1) for a key such as `dag:task:run:try`, for jitter
 * that a pure function can use and a test can predict (FNV-1a).
 */
export function stableRandom(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}
