import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '@sluice/core';
import { parseDuration } from './duration';

describe('parseDuration', () => {
  it('reads numbers as milliseconds and strings with units', () => {
    expect(parseDuration(1500, 'x')).toBe(1500);
    expect(parseDuration('250ms', 'x')).toBe(250);
    expect(parseDuration('30s', 'x')).toBe(30_000);
    expect(parseDuration('5m', 'x')).toBe(300_000);
    expect(parseDuration('1h', 'x')).toBe(3_600_000);
    expect(parseDuration('2d', 'x')).toBe(172_800_000);
    expect(parseDuration('1h30m', 'x')).toBe(5_400_000);
    expect(parseDuration('1.5s', 'x')).toBe(1500);
  });

  it('rejects what is not a duration with a message naming the option', () => {
    expect(() => parseDuration('10 minutes', 'retryDelay')).toThrow(InvalidOptionsError);
    expect(() => parseDuration('10 minutes', 'retryDelay')).toThrow(`retryDelay "10 minutes" is not a duration`);
    expect(() => parseDuration('', 'retryDelay')).toThrow('is not a duration');
    expect(() => parseDuration(-1, 'executionTimeout')).toThrow(
      'executionTimeout must be a non-negative number of milliseconds, got -1',
    );
    expect(() => parseDuration(true, 'maxRetryDelay')).toThrow(
      "maxRetryDelay must be milliseconds or a string like '30s'",
    );
  });
});
