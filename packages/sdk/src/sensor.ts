/**
 * What every sensor shares: how long it may wait (`timeout`, from the try's
 * start), what a timeout does (`mode`: fail the task, or skip it so its
 * downstream follows its trigger rules) and how often it looks
 * (`pokeInterval`). A waiting sensor holds no worker slot: its try is parked
 * as `deferred` between looks, and a look never spends a retry.
 */
import { checkKnownKeys, checkObject, type Where } from './check';
import { describe, parseDuration, type Duration } from './duration';
import { InvalidOptionsError } from '@sluice/core';

export type SensorMode = 'fail' | 'skip';

export interface SensorSettings {
  /** How long the task may wait, counted from its try's start (default 7 days). */
  timeout?: Duration;
  /** On timeout: `fail` (default; no retry) or `skip` (downstream follows its trigger rules). */
  mode?: SensorMode;
  /** How long between two looks (default 1 minute; at least 100 ms). A poke's `again` overrides it. */
  pokeInterval?: Duration;
}

/** What a sensor stores in its task's options as `sensor`. */
export interface CompiledSensor {
  timeoutMs: number;
  mode: SensorMode;
  pokeIntervalMs: number;
}

export const SENSOR_DEFAULT_TIMEOUT_MS = 7 * 86_400_000;
export const SENSOR_DEFAULT_POKE_INTERVAL_MS = 60_000;
const MIN_POKE_INTERVAL_MS = 100;

export const sensorKeys = ['timeout', 'mode', 'pokeInterval'] as const;

function interval(value: unknown, option: string): number {
  const ms = parseDuration(value, option);
  if (ms < MIN_POKE_INTERVAL_MS) throw new InvalidOptionsError(`${option} must be at least 100ms, got ${ms}ms`);
  return ms;
}

/** Validates the sensor settings found among `raw`'s keys (checked by the caller). */
export function compileSensor(raw: Record<string, unknown>, label: Where): CompiledSensor {
  const mode = raw['mode'] ?? 'fail';
  if (mode !== 'fail' && mode !== 'skip')
    throw new InvalidOptionsError(`${label('mode')} must be 'fail' or 'skip', got ${describe(mode)}`);
  return {
    timeoutMs: raw['timeout'] === undefined ? SENSOR_DEFAULT_TIMEOUT_MS : interval(raw['timeout'], label('timeout')),
    mode,
    pokeIntervalMs:
      raw['pokeInterval'] === undefined
        ? SENSOR_DEFAULT_POKE_INTERVAL_MS
        : interval(raw['pokeInterval'], label('pokeInterval')),
  };
}

/** `fn(run, { sensor })`: the sensor settings of a function that pokes. */
export function compileSensorSettings(value: unknown, where: string): CompiledSensor {
  const raw = checkObject(value, where);
  const label: Where = (option) => `${where}.${option}`;
  checkKnownKeys(raw, sensorKeys, label);
  return compileSensor(raw, label);
}

/** The key a poke's JSON carries; a task's output never has it. */
export const POKE_KEY = '$sluicePoke';

/** What `ctx.poke()` returns: return it from the task function to be looked at again later. */
export interface Poke {
  readonly [POKE_KEY]: { againMs: number | null };
}

/** Builds a poke; `again` overrides the task's poke interval for this wait. */
export function poke(options: { again?: Duration } = {}): Poke {
  const opts = checkObject(options, 'ctx.poke() options');
  checkKnownKeys(opts, ['again'], (o) => `ctx.poke() option ${o}`);
  return {
    [POKE_KEY]: { againMs: opts['again'] === undefined ? null : interval(opts['again'], 'ctx.poke() option again') },
  };
}

/** A task function's return value read as a poke: its `again` (null: the poke interval), or undefined when it is an output. */
export function pokeOf(value: unknown): { againMs: number | null } | undefined {
  if (typeof value !== 'object' || value === null || !(POKE_KEY in value)) return undefined;
  const inner: unknown = (value as Record<string, unknown>)[POKE_KEY];
  if (typeof inner !== 'object' || inner === null) return undefined;
  const againMs: unknown = (inner as Record<string, unknown>)['againMs'];
  return { againMs: typeof againMs === 'number' ? againMs : null };
}
