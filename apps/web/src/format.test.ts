import { describe, expect, it } from 'vitest';
import { elapsedMs, formatDateTime, formatDuration, formatRelative } from './format';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

describe('formatDateTime', () => {
  it('shows a time in UTC, zero-padded, without the T and the zone', () => {
    expect(formatDateTime('2026-03-01T04:05:06.789+02:00')).toBe('2026-03-01 02:05:06 UTC');
  });

  it('shows a dash for no time and the text itself for something that is not a time', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime(undefined)).toBe('—');
    expect(formatDateTime('')).toBe('—');
    expect(formatDateTime('yesterday')).toBe('yesterday');
  });
});

describe('formatDuration', () => {
  it('shows milliseconds under a second, then seconds, minutes and hours with padded parts', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(999)).toBe('999 ms');
    expect(formatDuration(1000)).toBe('1s');
    expect(formatDuration(59_499)).toBe('59s');
    expect(formatDuration(60_000)).toBe('1m 00s');
    expect(formatDuration(3_599_000)).toBe('59m 59s');
    expect(formatDuration(3_600_000)).toBe('1h 00m 00s');
    expect(formatDuration(37_230_000)).toBe('10h 20m 30s');
  });

  it('shows a dash for no duration or a negative one', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('elapsedMs', () => {
  it('prefers the recorded duration', () => {
    expect(elapsedMs('2026-03-01T11:00:00Z', '2026-03-01T11:30:00Z', 42, NOW)).toBe(42);
  });

  it('measures from start to end, or to now while still running', () => {
    expect(elapsedMs('2026-03-01T11:00:00Z', '2026-03-01T11:30:00Z', null, NOW)).toBe(30 * 60_000);
    expect(elapsedMs('2026-03-01T11:59:00Z', null, null, NOW)).toBe(60_000);
  });

  it('is null without a start or with a date it cannot read, and never negative', () => {
    expect(elapsedMs(null, null, null, NOW)).toBeNull();
    expect(elapsedMs('soon', null, null, NOW)).toBeNull();
    expect(elapsedMs('2026-03-01T11:00:00Z', 'later', null, NOW)).toBeNull();
    expect(elapsedMs('2026-03-01T13:00:00Z', null, null, NOW)).toBe(0);
  });
});

describe('formatRelative', () => {
  it('says "in" for the future and "ago" for the past, in whole minutes', () => {
    expect(formatRelative('2026-03-01T15:12:00Z', NOW)).toBe('in 3h 12m');
    expect(formatRelative('2026-03-01T11:55:00Z', NOW)).toBe('5m ago');
  });

  it('says "in under a minute" and "just now" within a minute of now', () => {
    expect(formatRelative('2026-03-01T12:00:30Z', NOW)).toBe('in under a minute');
    expect(formatRelative('2026-03-01T11:59:30Z', NOW)).toBe('just now');
  });

  it('says nothing for no date or one it cannot read', () => {
    expect(formatRelative(null, NOW)).toBe('');
    expect(formatRelative('soon', NOW)).toBe('');
  });
});
