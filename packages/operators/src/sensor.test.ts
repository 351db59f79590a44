import { NonRetryableError, SkipTaskError, isSkip } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { SensorTimeoutError, nextLook } from './sensor';

const sensor = { timeoutMs: 10_000, mode: 'fail' as const, pokeIntervalMs: 3000 };

describe('nextLook', () => {
  it('looks again after the poke interval, or after the poke’s own delay', () => {
    expect(nextLook(sensor, 0, null)).toEqual({ afterMs: 3000 });
    expect(nextLook(sensor, 2000, 500)).toEqual({ afterMs: 500 });
  });

  it('never looks later than the timeout', () => {
    expect(nextLook(sensor, 8000, null)).toEqual({ afterMs: 2000 });
    expect(nextLook(sensor, 9999, 60_000)).toEqual({ afterMs: 1 });
  });

  it('fails without a retry once the timeout has passed in fail mode', () => {
    const look = nextLook(sensor, 10_000, null);
    const end = 'end' in look ? look.end : null;
    expect(end).toBeInstanceOf(SensorTimeoutError);
    expect(end).toBeInstanceOf(NonRetryableError);
    expect(end?.message).toBe('Sensor timed out after 10000 ms without its condition being met');
  });

  it('skips once the timeout has passed in skip mode', () => {
    const look = nextLook({ ...sensor, mode: 'skip' }, 12_000, 100);
    const end = 'end' in look ? look.end : null;
    expect(end).toBeInstanceOf(SkipTaskError);
    expect(end !== null && isSkip(end)).toBe(true);
  });
});
