/**
 * Option checks for dag() and task(). Hand-written rather than zod: the SDK
 * is bundled into every DAG file's bundle, and zod would add ~700 KB to each.
 * Every check throws InvalidOptionsError whose message names the option.
 */
import { InvalidOptionsError } from '@sluice/core';
import { describe } from './duration';

export type Where = (option: string) => string;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function checkObject(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new InvalidOptionsError(`${what} must be an object, got ${describe(value)}`);
  return value;
}

export function checkKnownKeys(value: Record<string, unknown>, known: readonly string[], where: Where): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new InvalidOptionsError(`${where(key)} is not a known option (known: ${known.join(', ')})`);
    }
  }
}

export function checkString(value: unknown, option: string, pattern?: { re: RegExp; hint: string }): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidOptionsError(`${option} must be a non-empty string, got ${describe(value)}`);
  }
  if (pattern && !pattern.re.test(value)) {
    throw new InvalidOptionsError(`${option} ${JSON.stringify(value)} is invalid: ${pattern.hint}`);
  }
  return value;
}

export function checkBoolean(value: unknown, option: string): boolean {
  if (typeof value !== 'boolean')
    throw new InvalidOptionsError(`${option} must be true or false, got ${describe(value)}`);
  return value;
}

export function checkInt(value: unknown, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new InvalidOptionsError(`${option} must be an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

export function checkStringArray(value: unknown, option: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new InvalidOptionsError(`${option} must be an array of strings, got ${describe(value)}`);
  }
  return [...value];
}

/** Accepts JSON values only: what can be stored as a DAG version or passed to an operator. */
export function checkJson(value: unknown, option: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new InvalidOptionsError(`${option} must be a finite number, got ${String(value)}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkJson(item, `${option}[${i}]`);
    });
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) checkJson(item, `${option}.${key}`);
    }
    return;
  }
  throw new InvalidOptionsError(
    `${option} must be JSON (string, number, boolean, null, array, object), got ${describe(value)}`,
  );
}
