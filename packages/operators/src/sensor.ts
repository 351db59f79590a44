/**
 * The wait of a sensor — an S3 key sensor, or a `fn` task returning
 * `ctx.poke()` — between two looks: when to look again, or that its
 * timeout has passed and the try ends (failed, or skipped in `skip` mode).
 */
import { NonRetryableError, SkipTaskError } from '@sluice/core';
import { z } from 'zod';

/** The `sensor` option (milliseconds), as the SDK stores it. */
export const SensorOptions = z.strictObject({
  timeoutMs: z.number().int().positive(),
  mode: z.enum(['fail', 'skip']),
  pokeIntervalMs: z.number().int().positive(),
});
export type SensorOptions = z.infer<typeof SensorOptions>;

/** A `fn` task that pokes without `sensor` settings: Airflow's defaults (a week, fail, every minute). */
export const DEFAULT_SENSOR: SensorOptions = { timeoutMs: 7 * 86_400_000, mode: 'fail', pokeIntervalMs: 60_000 };

/** Fails a sensor's try at its timeout in `fail` mode; never retried (the next try would only wait again). */
export class SensorTimeoutError extends NonRetryableError {
  override readonly name = 'SensorTimeoutError';
}

/**
 * After a look that found nothing: when to look again, never later than
 * the timeout (so a timed-out sensor ends on time), or the error that ends
 * the try once the timeout has passed.
 */
export function nextLook(
  sensor: SensorOptions,
  waitedMs: number,
  againMs: number | null,
): { afterMs: number } | { end: Error } {
  const leftMs = sensor.timeoutMs - waitedMs;
  if (leftMs <= 0) {
    const message = `Sensor timed out after ${sensor.timeoutMs} ms without its condition being met`;
    return { end: sensor.mode === 'skip' ? new SkipTaskError(message) : new SensorTimeoutError(message) };
  }
  return { afterMs: Math.min(leftMs, againMs ?? sensor.pokeIntervalMs) };
}
