/**
 * Wall-clock arithmetic in IANA time zones, on plain epoch milliseconds.
 * Intl is the only source of zone rules, so the answers match what the
 * platform (and the user's clock) says.
 */
import { InvalidOptionsError } from './errors';

const DAY_MS = 24 * 60 * 60 * 1000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timezone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, fmt);
  }
  return fmt;
}

/** True when `timezone` is an IANA zone name this platform knows (`UTC`, `Europe/Copenhagen`…). */
export function isValidTimezone(timezone: string): boolean {
  if (timezone.trim() === '') return false;
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

/** Throws InvalidOptionsError unless `timezone` is a known IANA zone. */
export function assertTimezone(timezone: string): void {
  if (!isValidTimezone(timezone)) {
    throw new InvalidOptionsError(
      `timezone ${JSON.stringify(timezone)} is not an IANA time zone name (e.g. "UTC", "Europe/Copenhagen")`,
    );
  }
}

/** UTC offset of `timezone` at `instantMs`, in milliseconds (CEST → +7 200 000). */
export function offsetMs(instantMs: number, timezone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  const fields: Record<string, number> = {};
  let bc = false;
  for (const part of formatterFor(timezone).formatToParts(new Date(whole))) {
    if (part.type === 'era') bc = part.value === 'BC' || part.value === 'B';
    else if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields['year'] ?? 1970;
  const wall = Date.UTC(
    bc ? 1 - year : year,
    (fields['month'] ?? 1) - 1,
    fields['day'] ?? 1,
    fields['hour'] ?? 0,
    fields['minute'] ?? 0,
    fields['second'] ?? 0,
  );
  return wall - whole;
}

/** The local wall-clock time of an instant, expressed as if it were UTC. */
export function wallTimeMs(instantMs: number, timezone: string): number {
  return instantMs + offsetMs(instantMs, timezone);
}

/**
 * The instants at which the wall clock of `timezone` reads `wallMs`
 * (a wall time expressed as if it were UTC): one normally, two in a repeated
 * hour (ascending), none in a skipped hour. For a skipped wall time,
 * `shifted` is the instant the clock would read it had it not jumped
 * (02:30 on a spring-forward night → 03:30 summer time).
 */
export function instantsAtWallTime(wallMs: number, timezone: string): { instants: number[]; shifted: number } {
  const before = offsetMs(wallMs - DAY_MS, timezone);
  const after = offsetMs(wallMs + DAY_MS, timezone);
  const instants: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = wallMs - offset;
    if (offsetMs(candidate, timezone) === offset && !instants.includes(candidate)) instants.push(candidate);
  }
  instants.sort((a, b) => a - b);
  return { instants, shifted: wallMs - before };
}
