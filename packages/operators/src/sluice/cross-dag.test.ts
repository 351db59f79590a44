import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '@sluice/core';
import { compileDagRunSensorOptions, compileTriggerDagOptions } from './cross-dag';

const sensor = { timeoutMs: 60_000, mode: 'skip', pokeIntervalMs: 200 };

describe('cross-DAG operator options', () => {
  it('reads what the SDK stores', () => {
    expect(compileTriggerDagOptions({ dagId: 'b', wait: false })).toEqual({ dagId: 'b', wait: false });
    const stored = {
      dagId: 'logs',
      taskId: 'load',
      logicalDateOffsetMs: -3_600_000,
      allowedStates: ['success', 'skipped'],
      failedStates: ['failed', 'upstream_failed'],
      sensor,
    };
    expect(compileDagRunSensorOptions(stored)).toEqual(stored);
  });

  it('refuses a rendered logical date without a zone, naming the option', () => {
    expect(() => compileTriggerDagOptions({ dagId: 'b', wait: false, logicalDate: '2026-01-01' })).toThrow(
      'sluice.triggerDag: logicalDate: must be an ISO 8601 instant with a zone',
    );
  });

  it('refuses states that are not the run states for a run, or task states for a task', () => {
    const run = { dagId: 'logs', logicalDateOffsetMs: 0, allowedStates: ['skipped'], failedStates: [], sensor };
    expect(() => compileDagRunSensorOptions(run)).toThrow(InvalidOptionsError);
    expect(() => compileDagRunSensorOptions(run)).toThrow(
      'sluice.dagRunSensor: states: "skipped" is not one of queued, running, success, failed',
    );
    expect(compileDagRunSensorOptions({ ...run, taskId: 't' }).allowedStates).toEqual(['skipped']);
    expect(() => compileDagRunSensorOptions({ ...run, taskId: 't', failedStates: ['gone'] })).toThrow(
      'sluice.dagRunSensor: states: "gone" is not one of none, scheduled',
    );
  });
});
