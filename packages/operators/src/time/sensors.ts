/**
 * `time.delta` and `time.until`: wait until a moment — the run's data
 * interval end plus a delta, or an instant the options give (templated per
 * run). Each look says how long is left, so the try wakes once, on time,
 * whatever the poke interval.
 */
import { z } from 'zod';
import { compileOptions } from '../aws/settings';
import type { ExternalContext, ExternalOperator, ExternalStatus } from '../external';
import { SensorOptions } from '../sensor';

export const DeltaSensorOptions = z.strictObject({ deltaMs: z.number().int().min(0), sensor: SensorOptions });
export type DeltaSensorOptions = z.infer<typeof DeltaSensorOptions>;

export const UntilSensorOptions = z.strictObject({
  at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant with a zone, e.g. 2026-12-06T06:00:00Z' }),
  sensor: SensorOptions,
});
export type UntilSensorOptions = z.infer<typeof UntilSensorOptions>;

function waitUntil(kind: string, target: Date, ctx: ExternalContext, now = Date.now()): ExternalStatus {
  const ref = { type: kind, marker: ctx.marker, until: target.toISOString() };
  const leftMs = target.getTime() - now;
  if (leftMs <= 0) return { state: 'succeeded', ref, output: { until: target.toISOString() } };
  return { state: 'waiting', ref, againMs: leftMs };
}

const nothingToCancel = async () => ({ ended: true });

export const deltaSensorOperator: ExternalOperator<DeltaSensorOptions> = {
  kind: 'time.delta',
  compile: (options) => compileOptions('time.delta', DeltaSensorOptions, options),
  start: async (options, ctx) =>
    waitUntil('time.delta', new Date(ctx.run.dataInterval.end.getTime() + options.deltaMs), ctx),
  poll: async (options, _ref, ctx) =>
    waitUntil('time.delta', new Date(ctx.run.dataInterval.end.getTime() + options.deltaMs), ctx),
  cancel: nothingToCancel,
};

export const untilSensorOperator: ExternalOperator<UntilSensorOptions> = {
  kind: 'time.until',
  compile: (options) => compileOptions('time.until', UntilSensorOptions, options),
  start: async (options, ctx) => waitUntil('time.until', new Date(options.at), ctx),
  poll: async (options, _ref, ctx) => waitUntil('time.until', new Date(options.at), ctx),
  cancel: nothingToCancel,
};
