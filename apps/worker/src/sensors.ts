/**
 * The timeout and poke interval of a sensor's wait: applied to every
 * deferred answer of a task whose options carry `sensor` (the S3 sensors)
 * and to every poke of a `fn` task, which without settings waits as
 * DEFAULT_SENSOR says.
 */
import { NonRetryableError } from '@sluice/core';
import type { ExecutionRequest, ExecutionResult } from '@sluice/engine';
import { DEFAULT_SENSOR, SensorOptions, nextLook } from '@sluice/operators';

function sensorOf(req: ExecutionRequest): SensorOptions | null {
  const raw = req.task.operator.options['sensor'];
  if (raw === undefined) return null;
  const parsed = SensorOptions.safeParse(raw);
  if (!parsed.success)
    throw new NonRetryableError(`${req.task.operator.kind}: sensor: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Whether a task's deferred answers are a sensor's (timed out and paced by its settings). */
export function isSensor(req: ExecutionRequest): boolean {
  return sensorOf(req) !== null;
}

/**
 * A deferred answer paced by the sensor's poke interval (or the poke's
 * `again`), never past its timeout; past the timeout, throws what ends the
 * try: SkipTaskError in `skip` mode, SensorTimeoutError (no retry) in `fail`.
 */
export function paceSensor(req: ExecutionRequest, result: ExecutionResult, againMs: number | null): ExecutionResult {
  if (!result.defer) return result;
  const sensor = sensorOf(req) ?? DEFAULT_SENSOR;
  const look = nextLook(sensor, Date.now() - req.claim.startedAt.getTime(), againMs);
  if ('end' in look) throw look.end;
  return { ...result, checkAfterMs: look.afterMs, waitingOn: 'condition not met' };
}
