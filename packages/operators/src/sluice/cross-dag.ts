/**
 * The stored options of the cross-DAG operators (`sluice.triggerDag`,
 * `sluice.dagRunSensor`), as the SDK compiles them. They touch no AWS: the
 * worker runs them against Postgres (apps/worker `cross-dag.ts`).
 */
import { InvalidOptionsError, dagRunStates, idPattern, taskInstanceStates } from '@sluice/core';
import { z } from 'zod';
import { compileOptions } from '../aws/settings';
import { SensorOptions } from '../sensor';

const runEnd = z.enum(['success', 'failed']);

export const TriggerDagOptions = z.strictObject({
  dagId: z.string().regex(idPattern),
  conf: z.record(z.string(), z.unknown()).optional(),
  /** Rendered: an ISO instant with its zone. */
  logicalDate: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant with a zone' }).optional(),
  runId: z.string().min(1).max(250).optional(),
  wait: z.boolean(),
  pollIntervalMs: z.number().int().positive().optional(),
  allowedStates: z.array(runEnd).optional(),
  failedStates: z.array(runEnd).optional(),
  resetDagRun: z.boolean().optional(),
});
export type TriggerDagOptions = z.infer<typeof TriggerDagOptions>;

export const DagRunSensorOptions = z.strictObject({
  dagId: z.string().regex(idPattern),
  taskId: z.string().min(1).optional(),
  logicalDateOffsetMs: z.number().int(),
  allowedStates: z.array(z.string()).min(1),
  failedStates: z.array(z.string()),
  sensor: SensorOptions,
});
export type DagRunSensorOptions = z.infer<typeof DagRunSensorOptions>;

export const compileTriggerDagOptions = (options: unknown): TriggerDagOptions =>
  compileOptions('sluice.triggerDag', TriggerDagOptions, options);

/** The sensor's options, its states checked against the run's or the task's states. */
export function compileDagRunSensorOptions(options: unknown): DagRunSensorOptions {
  const parsed = compileOptions('sluice.dagRunSensor', DagRunSensorOptions, options);
  const known: readonly string[] = parsed.taskId === undefined ? dagRunStates : taskInstanceStates;
  const unknown = [...parsed.allowedStates, ...parsed.failedStates].find((s) => !known.includes(s));
  if (unknown !== undefined)
    throw new InvalidOptionsError(`sluice.dagRunSensor: states: "${unknown}" is not one of ${known.join(', ')}`);
  return parsed;
}
