/**
 * Durations as DAG authors write them: milliseconds as a number, or a string
 * of one or more `<number><unit>` parts (`'30s'`, `'5m'`, `'1h30m'`, `'2d'`).
 */
import { InvalidOptionsError } from '@sluice/core';

export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';
/** Milliseconds, or e.g. `'30s'`, `'5m'`, `'1h'`, `'2d'`, `'1h30m'`. */
export type Duration = number | `${number}${DurationUnit}` | `${number}${DurationUnit}${number}${DurationUnit}`;

const unitMs: Record<DurationUnit, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/**
 * Milliseconds in `value`; throws InvalidOptionsError naming `option` when
 * the value is not a non-negative duration.
 */
export function parseDuration(value: unknown, option: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new InvalidOptionsError(`${option} must be a non-negative number of milliseconds, got ${String(value)}`);
    }
    return Math.round(value);
  }
  if (typeof value !== 'string') {
    throw new InvalidOptionsError(
      `${option} must be milliseconds or a string like '30s', '5m', '1h', got ${describe(value)}`,
    );
  }
  const text = value.trim();
  let total = 0;
  let index = 0;
  part.lastIndex = 0;
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (!match) break;
    const amount = Number(match[1]);
    const unit = match[2] as DurationUnit;
    total += amount * unitMs[unit];
    index = part.lastIndex;
  }
  if (text.length === 0 || index !== text.length) {
    throw new InvalidOptionsError(
      `${option} ${JSON.stringify(value)} is not a duration; use milliseconds or e.g. '30s', '5m', '1h', '2d'`,
    );
  }
  return Math.round(total);
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
