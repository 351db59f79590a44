import { describe, expect, it } from 'vitest';
import { formatInZone, fromLocalInput, isZoneChoice, resolveZone, toLocalInput } from './zone';

describe('time zones', () => {
  it('shows an instant as the wall clock of the zone, named', () => {
    expect(formatInZone('2026-11-21T02:00:00Z', 'UTC')).toBe('2026-11-21 02:00:00 UTC');
    expect(formatInZone('2026-11-21T02:00:00Z', 'Europe/Copenhagen')).toBe('2026-11-21 03:00:00 GMT+1');
    expect(formatInZone('2026-07-01T02:00:00Z', 'Europe/Copenhagen')).toBe('2026-07-01 04:00:00 GMT+2');
    expect(formatInZone(null, 'UTC')).toBe('—');
    expect(formatInZone('not a date', 'UTC')).toBe('not a date');
  });

  it('reads a wall-clock input back as the instant it names in the zone, across daylight saving', () => {
    expect(fromLocalInput('2026-11-21T03:00', 'Europe/Copenhagen')).toBe('2026-11-21T02:00:00.000Z');
    expect(fromLocalInput('2026-07-01T04:00', 'Europe/Copenhagen')).toBe('2026-07-01T02:00:00.000Z');
    expect(fromLocalInput('2026-11-21T03:00:30', 'UTC')).toBe('2026-11-21T03:00:30.000Z');
    expect(fromLocalInput('21/11/2026', 'UTC')).toBeNull();
    expect(toLocalInput('2026-11-21T02:00:00Z', 'Europe/Copenhagen')).toBe('2026-11-21T03:00');
  });

  it("resolves the DAG's zone, UTC and the browser's; a page without a DAG shows UTC for the DAG's", () => {
    expect(resolveZone('dag', 'America/New_York')).toBe('America/New_York');
    expect(resolveZone('dag', null)).toBe('UTC');
    expect(resolveZone('utc', 'America/New_York')).toBe('UTC');
    expect(resolveZone('browser', 'America/New_York')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(isZoneChoice('utc')).toBe(true);
    expect(isZoneChoice('mars')).toBe(false);
  });
});
