import { describe, expect, it } from 'vitest';
import type { RetrySpec } from './dag-spec';
import { InvalidOptionsError } from './errors';
import {
  DEFAULT_MAX_RETRY_DELAY_MS,
  compileRetryPolicy,
  hasTriesLeft,
  maxTriesOf,
  nextTryAt,
  retryDelayMs,
  stableRandom,
} from './retry-policy';

const fixed: RetrySpec = { retries: 3, retryDelayMs: 60_000, exponentialBackoff: false, maxRetryDelayMs: null };
const expo: RetrySpec = { retries: 10, retryDelayMs: 1_000, exponentialBackoff: true, maxRetryDelayMs: 60_000 };
const middle = () => 0.5;

describe('compileRetryPolicy', () => {
  it('returns the validated policy with maxTries = retries + 1', () => {
    expect(compileRetryPolicy(fixed)).toEqual({
      retries: 3,
      maxTries: 4,
      retryDelayMs: 60_000,
      exponentialBackoff: false,
      maxRetryDelayMs: DEFAULT_MAX_RETRY_DELAY_MS,
    });
  });

  it.each([
    [{ ...fixed, retries: -1 }, 'retries must be a whole number from 0 to 100, got -1'],
    [{ ...fixed, retries: 1.5 }, 'retries must be a whole number from 0 to 100, got 1.5'],
    [{ ...fixed, retries: 101 }, 'retries must be a whole number from 0 to 100, got 101'],
    [
      { ...fixed, retryDelayMs: -5 },
      'retryDelayMs must be a whole number of milliseconds from 0 to 2592000000 (30 days), got -5',
    ],
    [
      { ...fixed, retryDelayMs: Number.NaN },
      'retryDelayMs must be a whole number of milliseconds from 0 to 2592000000 (30 days), got NaN',
    ],
    [
      { ...expo, maxRetryDelayMs: 1e15 },
      'maxRetryDelayMs must be a whole number of milliseconds from 0 to 2592000000 (30 days), got 1000000000000000',
    ],
    [
      { ...expo, retryDelayMs: 5_000, maxRetryDelayMs: 1_000 },
      'maxRetryDelayMs (1000) is less than retryDelayMs (5000); the cap must allow the first delay',
    ],
  ])('rejects %o', (spec, message) => {
    expect(() => compileRetryPolicy(spec)).toThrow(InvalidOptionsError);
    expect(() => compileRetryPolicy(spec)).toThrow(message);
  });
});

describe('retryDelayMs', () => {
  it('waits the same fixed delay after every try, without jitter', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(fixed, n, () => 0.99))).toEqual([60_000, 60_000, 60_000]);
  });

  it('doubles the delay after each try when backing off', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(expo, n, middle))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('never exceeds maxRetryDelayMs', () => {
    expect(retryDelayMs(expo, 7, middle)).toBe(60_000); // 64 s uncapped
    expect(retryDelayMs(expo, 7, () => 0.999)).toBe(60_000);
  });

  it('jitters by at most ten percent either way', () => {
    expect(retryDelayMs(expo, 3, () => 0)).toBe(3_600);
    expect(retryDelayMs(expo, 3, () => 0.999_999)).toBe(4_400);
    expect(retryDelayMs(expo, 7, () => 0)).toBe(54_000);
  });

  it('stays finite and capped at absurdly large try numbers', () => {
    for (const tryNumber of [64, 1_024, 1_100, 1e9]) {
      expect(retryDelayMs(expo, tryNumber, middle)).toBe(60_000);
    }
    const uncapped = { ...expo, maxRetryDelayMs: null };
    expect(retryDelayMs(uncapped, 5_000, middle)).toBe(DEFAULT_MAX_RETRY_DELAY_MS);
  });

  it('returns 0 when the base delay is 0', () => {
    expect(retryDelayMs({ ...expo, retryDelayMs: 0 }, 5, middle)).toBe(0);
  });

  it('rejects a try number below 1', () => {
    expect(() => retryDelayMs(expo, 0)).toThrow('tryNumber must be a whole number from 1, got 0');
  });
});

describe('nextTryAt', () => {
  it('adds the delay to now', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(nextTryAt(expo, 2, now, middle)).toEqual(new Date('2026-01-01T00:00:02Z'));
    expect(nextTryAt(fixed, 1, now)).toEqual(new Date('2026-01-01T00:01:00Z'));
  });

  it('gives a valid date at the largest try number', () => {
    const at = nextTryAt({ ...expo, maxRetryDelayMs: null }, Number.MAX_SAFE_INTEGER, new Date('2026-01-01T00:00:00Z'));
    expect(Number.isNaN(at.getTime())).toBe(false);
  });
});

describe('tries', () => {
  it('allows tries while fewer than maxTries were made', () => {
    expect(maxTriesOf(fixed)).toBe(4);
    expect(hasTriesLeft(0, 1)).toBe(true);
    expect(hasTriesLeft(1, 1)).toBe(false);
    expect(hasTriesLeft(3, 4)).toBe(true);
    expect(hasTriesLeft(4, 4)).toBe(false);
  });
});

describe('stableRandom', () => {
  it('is in [0, 1), repeatable, and differs between keys', () => {
    const a = stableRandom('etl:load:run-1:2');
    expect(a).toBe(stableRandom('etl:load:run-1:2'));
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(1);
    expect(stableRandom('etl:load:run-1:3')).not.toBe(a);
  });
});

describe('the limits, at their edges', () => {
  const spec = (over: Partial<RetrySpec>): RetrySpec => ({
    retries: 1,
    retryDelayMs: 1000,
    exponentialBackoff: false,
    maxRetryDelayMs: null,
    ...over,
  });
  const THIRTY_DAYS = 30 * 24 * 60 * 60 * 1000;

  it('accepts 100 retries and refuses 101', () => {
    expect(compileRetryPolicy(spec({ retries: 100 })).maxTries).toBe(101);
    expect(() => compileRetryPolicy(spec({ retries: 101 }))).toThrow(
      'retries must be a whole number from 0 to 100, got 101',
    );
  });

  it('accepts a delay and a cap of exactly 30 days and refuses a millisecond more', () => {
    expect(compileRetryPolicy(spec({ retryDelayMs: THIRTY_DAYS, maxRetryDelayMs: THIRTY_DAYS })).maxRetryDelayMs).toBe(
      THIRTY_DAYS,
    );
    expect(() => compileRetryPolicy(spec({ retryDelayMs: THIRTY_DAYS + 1 }))).toThrow(
      `retryDelayMs must be a whole number of milliseconds from 0 to ${THIRTY_DAYS} (30 days), got ${THIRTY_DAYS + 1}`,
    );
  });

  it('accepts a cap equal to the delay, so every retry waits exactly that', () => {
    const capped = spec({ retryDelayMs: 5000, maxRetryDelayMs: 5000, exponentialBackoff: true });
    expect(compileRetryPolicy(capped).maxRetryDelayMs).toBe(5000);
    expect(retryDelayMs(capped, 3, () => 0.99)).toBe(5000);
  });
});

describe('stableRandom', () => {
  it('is FNV-1a of the whole key over 2^32', () => {
    expect(stableRandom('')).toBe(0x811c9dc5 / 2 ** 32);
    expect(stableRandom('a')).toBe(0xe40c292c / 2 ** 32);
    expect(stableRandom('foobar')).toBe(0xbf9cf968 / 2 ** 32);
  });
});
