/**
 * DAG start/end dates: a Date, an ISO instant with a zone, or a local date
 * (`'2026-01-01'`, `'2026-01-01T06:00'`) read in the DAG's time zone, as
 * Airflow reads a naive start_date in the DAG's timezone.
 */
import { InvalidOptionsError } from '@sluice/core';
import { describe } from './duration';

const localDateTime = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** UTC offset of `timezone` at `instantMs`, in milliseconds. */
function offsetMs(instantMs: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instantMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return wall - Math.floor(instantMs / 1000) * 1000;
}

/** The ISO instant `value` denotes; throws InvalidOptionsError naming `option`. */
export function parseDagDateOption(value: unknown, option: string, timezone: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidOptionsError(`${option} is an invalid Date`);
    return value.toISOString();
  }
  if (typeof value !== 'string') {
    throw new InvalidOptionsError(
      `${option} must be a Date or a date string like '2026-01-01', got ${describe(value)}`,
    );
  }
  const local = localDateTime.exec(value.trim());
  if (local) {
    const [, y, mo, d, h, mi, s] = local;
    const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
    const check = new Date(wall);
    if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) {
      throw new InvalidOptionsError(`${option} ${JSON.stringify(value)} is not a calendar date`);
    }
    // Two passes settle the offset on either side of a DST change.
    let instant = wall - offsetMs(wall, timezone);
    instant = wall - offsetMs(instant, timezone);
    return new Date(instant).toISOString();
  }
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime()) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) {
    throw new InvalidOptionsError(
      `${option} ${JSON.stringify(value)} is not a date; use '2026-01-01', '2026-01-01T06:00' or an ISO instant with a zone`,
    );
  }
  return parsed.toISOString();
}
