import { describe, expect, it } from 'vitest';
import type { RetrySpec } from './dag-spec';
import { NonRetryableError, RetryAfterError, SkipTaskError, TaskTimeoutError } from './errors';
import { stableRandom } from './retry-policy';
import { tryJitter, tryOutcome, type TryEnding, type TryOutcomeInput } from './try-outcome';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number): Date => new Date(NOW.getTime() + ms);
const fixed: RetrySpec = { retries: 2, retryDelayMs: 60_000, exponentialBackoff: false, maxRetryDelayMs: null };
const expo: RetrySpec = { retries: 5, retryDelayMs: 10_000, exponentialBackoff: true, maxRetryDelayMs: 50_000 };

const input = (ending: TryEnding, over: Partial<TryOutcomeInput> = {}): TryOutcomeInput => ({
  ending,
  tryNumber: 1,
  maxTries: 3,
  retry: fixed,
  now: NOW,
  random: () => 0.5,
  ...over,
});
const error = (e: Error): TryEnding => ({ kind: 'error', error: e });

describe('tryOutcome', () => {
  it('a returned try succeeds, whatever its try number', () => {
    expect(tryOutcome(input({ kind: 'returned' }))).toEqual({ type: 'success' });
    expect(tryOutcome(input({ kind: 'returned' }, { tryNumber: 3, maxTries: 3 }))).toEqual({ type: 'success' });
  });

  it('an error retries after the fixed delay while tries remain, and fails on the last try', () => {
    expect(tryOutcome(input(error(new Error('boom')), { tryNumber: 1 }))).toEqual({ type: 'retry', at: at(60_000) });
    expect(tryOutcome(input(error(new Error('boom')), { tryNumber: 2 }))).toEqual({ type: 'retry', at: at(60_000) });
    expect(tryOutcome(input(error(new Error('boom')), { tryNumber: 3 }))).toEqual({ type: 'fail' });
    expect(tryOutcome(input(error(new Error('boom')), { tryNumber: 1, maxTries: 1 }))).toEqual({ type: 'fail' });
  });

  it('a try past maxTries (a task whose retries were lowered) fails', () => {
    expect(tryOutcome(input(error(new Error('boom')), { tryNumber: 4, maxTries: 3 }))).toEqual({ type: 'fail' });
  });

  it('a skip is a skip, even on the last try', () => {
    expect(tryOutcome(input(error(new SkipTaskError('nothing to do')), { tryNumber: 3 }))).toEqual({ type: 'skip' });
    expect(tryOutcome(input(error(new SkipTaskError('nothing to do')), { tryNumber: 1 }))).toEqual({ type: 'skip' });
  });

  it('a non-retryable error fails with tries left', () => {
    expect(tryOutcome(input(error(new NonRetryableError('bad input')), { tryNumber: 1 }))).toEqual({ type: 'fail' });
  });

  it('a task missing from its DAG version does not retry', () => {
    expect(tryOutcome(input(error(new Error('boom')), { retry: null }))).toEqual({ type: 'fail' });
    expect(tryOutcome(input({ kind: 'execution_timeout' }, { retry: null }))).toEqual({ type: 'fail' });
  });

  it('an error that asks for a delay retries after it instead of the policy, but not past the last try', () => {
    expect(tryOutcome(input(error(new RetryAfterError('throttled', 5_000))))).toEqual({ type: 'retry', at: at(5_000) });
    expect(tryOutcome(input(error(new RetryAfterError('throttled', 5_000)), { tryNumber: 3 }))).toEqual({
      type: 'fail',
    });
  });

  it("the worker's own timeout is an error like any other: retried while tries remain", () => {
    expect(tryOutcome(input(error(new TaskTimeoutError(1000)), { tryNumber: 2 }))).toEqual({
      type: 'retry',
      at: at(60_000),
    });
    expect(tryOutcome(input(error(new TaskTimeoutError(1000)), { tryNumber: 3 }))).toEqual({ type: 'fail' });
  });

  it("the scheduler's execution_timeout retries or fails by tries left, even with an external job", () => {
    expect(tryOutcome(input({ kind: 'execution_timeout' }, { tryNumber: 2 }))).toEqual({
      type: 'retry',
      at: at(60_000),
    });
    expect(tryOutcome(input({ kind: 'execution_timeout' }, { tryNumber: 3 }))).toEqual({ type: 'fail' });
  });

  it('a lost worker without an external job retries or fails by tries left', () => {
    const ending: TryEnding = { kind: 'heartbeat_lost', hasExternal: false };
    expect(tryOutcome(input(ending, { tryNumber: 2 }))).toEqual({ type: 'retry', at: at(60_000) });
    expect(tryOutcome(input(ending, { tryNumber: 3 }))).toEqual({ type: 'fail' });
  });

  it('a lost worker with an external job is resumed, never failed, on any try', () => {
    const ending: TryEnding = { kind: 'heartbeat_lost', hasExternal: true };
    for (const tryNumber of [1, 2, 3]) {
      expect(tryOutcome(input(ending, { tryNumber }))).toEqual({ type: 'resume-deferred', cause: 'heartbeat_lost' });
    }
  });

  it('exponential delays use the injected random for their jitter, within ±10% and the cap', () => {
    const delay = (tryNumber: number, r: number) => {
      const o = tryOutcome(input(error(new Error('x')), { retry: expo, maxTries: 6, tryNumber, random: () => r }));
      return o.type === 'retry' ? o.at.getTime() - NOW.getTime() : null;
    };
    expect(delay(1, 0.5)).toBe(10_000);
    expect(delay(1, 0)).toBe(9_000);
    expect(delay(1, 0.999999)).toBe(11_000);
    expect(delay(2, 0.5)).toBe(20_000);
    expect(delay(3, 0.5)).toBe(40_000);
    expect(delay(4, 0.5)).toBe(50_000);
    expect(delay(4, 0)).toBe(45_000);
    expect(delay(5, 0.5)).toBe(50_000);
  });

  it('tryJitter is the same number for the same try, on any process', () => {
    const a = tryJitter('dag', 'run', 'task', 2);
    expect(a()).toBe(tryJitter('dag', 'run', 'task', 2)());
    expect(a()).toBe(stableRandom('dag:run:task:2'));
    expect(a()).not.toBe(tryJitter('dag', 'run', 'task', 3)());
  });
});
