/** triggerDag() and dagRunSensor(): what they store, what they refuse (naming the option), their output types. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { InvalidOptionsError } from '@sluice/core';
import type { OutputOf } from './context';
import { dagRunSensor, parseOffset, triggerDag, type TriggerDagInput } from './cross-dag';
import { dag } from './dag';

const refused = (build: () => unknown, message: string) => {
  expect(build).toThrow(InvalidOptionsError);
  expect(build).toThrow(message);
};

describe('triggerDag()', () => {
  it('stores the target and, without wait, nothing about waiting', () => {
    expect(triggerDag({ dagId: 'ads_report' })).toEqual({
      kind: 'sluice.triggerDag',
      options: { dagId: 'ads_report', wait: false },
    });
    expect(
      triggerDag({
        dagId: 'ads_report',
        conf: { day: '{{ ds }}', n: [1] },
        logicalDate: '{{ logical_date }}',
        runId: 'for_{{ ds }}',
        resetDagRun: true,
      }).options,
    ).toEqual({
      dagId: 'ads_report',
      wait: false,
      conf: { day: '{{ ds }}', n: [1] },
      logicalDate: '{{ logical_date }}',
      runId: 'for_{{ ds }}',
      resetDagRun: true,
    });
  });

  it('stores the wait settings in milliseconds, with the defaults filled in', () => {
    expect(triggerDag({ dagId: 'b', wait: true }).options).toEqual({
      dagId: 'b',
      wait: true,
      pollIntervalMs: 60_000,
      allowedStates: ['success'],
      failedStates: ['failed'],
    });
    expect(
      triggerDag({ dagId: 'b', wait: true, pollInterval: '2s', allowedStates: ['success', 'failed'] }).options,
    ).toEqual({ dagId: 'b', wait: true, pollIntervalMs: 2000, allowedStates: ['success', 'failed'], failedStates: [] });
    expect(triggerDag({ dagId: 'b', wait: true, pollInterval: 100, failedStates: [] }).options).toMatchObject({
      pollIntervalMs: 100,
      failedStates: [],
    });
    expect(
      triggerDag({ dagId: 'b', wait: true, logicalDate: '2026-01-02T00:00:00+09:00' }).options['logicalDate'],
    ).toBe('2026-01-02T00:00:00+09:00');
  });

  it('refuses a bad target, conf, date or run id, naming the option', () => {
    refused(() => triggerDag({} as TriggerDagInput), 'triggerDag() option dagId must be a non-empty string');
    refused(() => triggerDag({ dagId: 'no spaces' }), 'triggerDag() option dagId "no spaces" is invalid');
    refused(() => triggerDag({ dagId: 'b', conf: [] as never }), 'triggerDag() option conf must be an object');
    refused(() => triggerDag({ dagId: 'b', conf: { at: new Date() } }), 'triggerDag() option conf');
    refused(
      () => triggerDag({ dagId: 'b', logicalDate: '2026-01-02' }),
      'triggerDag() option logicalDate "2026-01-02" is not an ISO 8601 instant with a zone',
    );
    refused(
      () => triggerDag({ dagId: 'b', logicalDate: '2026-13-02T00:00:00Z' }),
      'triggerDag() option logicalDate "2026-13-02T00:00:00Z" is not an ISO 8601 instant',
    );
    refused(
      () => triggerDag({ dagId: 'b', logicalDate: 5 as never }),
      'triggerDag() option logicalDate must be a non-empty string',
    );
    // A zone must end the instant: Date.parse reads this one, but it names no zone at its end.
    refused(
      () => triggerDag({ dagId: 'b', logicalDate: 'Z 2026-01-02' }),
      'triggerDag() option logicalDate "Z 2026-01-02" is not an ISO 8601 instant with a zone',
    );
    refused(() => triggerDag({ dagId: 'b', runId: '' }), 'triggerDag() option runId must be a non-empty string');
    refused(() => triggerDag({ dagId: 'b', wait: 'yes' as never }), 'triggerDag() option wait must be true or false');
    refused(
      () => triggerDag({ dagId: 'b', resetDagRun: 1 as never }),
      'triggerDag() option resetDagRun must be true or false',
    );
    refused(() => triggerDag({ dagId: 'b', retries: 1 } as never), 'triggerDag() option retries is not a known option');
    refused(() => triggerDag(null as never), 'triggerDag() options must be an object');
  });

  it('refuses wait settings without wait, and bad ones with it', () => {
    refused(
      () => triggerDag({ dagId: 'b', pollInterval: '1m' }),
      'triggerDag() option pollInterval applies only with wait: true',
    );
    refused(
      () => triggerDag({ dagId: 'b', wait: false, failedStates: ['failed'] }),
      'triggerDag() option failedStates applies only with wait: true',
    );
    refused(
      () => triggerDag({ dagId: 'b', wait: true, pollInterval: 99 }),
      'triggerDag() option pollInterval must be at least 100ms, got 99ms',
    );
    refused(
      () => triggerDag({ dagId: 'b', wait: true, allowedStates: ['running' as 'success'] }),
      'triggerDag() option allowedStates: "running" is not one of success, failed',
    );
    refused(
      () => triggerDag({ dagId: 'b', wait: true, allowedStates: 'success' as never }),
      'triggerDag() option allowedStates must be an array of states, got "success"',
    );
    refused(
      () => triggerDag({ dagId: 'b', wait: true, allowedStates: [] }),
      'triggerDag() option allowedStates must name at least one state',
    );
    refused(
      () => triggerDag({ dagId: 'b', wait: true, allowedStates: ['failed'], failedStates: ['failed', 'success'] }),
      'triggerDag() option failedStates and allowedStates both name failed; a state either ends the wait or fails it',
    );
    refused(
      () =>
        triggerDag({
          dagId: 'b',
          wait: true,
          allowedStates: ['success', 'failed'],
          failedStates: ['failed', 'success'],
        }),
      'triggerDag() option failedStates and allowedStates both name success, failed; a state either ends the wait',
    );
  });

  it('types its output as the run it started', () => {
    const d = dag({ id: 'trigger_types' });
    const t = d.task('kick', triggerDag({ dagId: 'other', wait: true }));
    expectTypeOf<OutputOf<typeof t>>().toEqualTypeOf<{
      runId: string;
      state: 'queued' | 'running' | 'success' | 'failed';
    }>();
  });
});

describe('dagRunSensor()', () => {
  it('waits for the whole run at the same logical date by default, with sensor defaults', () => {
    expect(dagRunSensor({ dagId: 'logs' })).toEqual({
      kind: 'sluice.dagRunSensor',
      options: {
        dagId: 'logs',
        logicalDateOffsetMs: 0,
        allowedStates: ['success'],
        failedStates: ['failed'],
        sensor: { timeoutMs: 604_800_000, mode: 'fail', pokeIntervalMs: 60_000 },
      },
    });
  });

  it('waits for one task with an offset, its failed states including upstream_failed', () => {
    expect(
      dagRunSensor({
        dagId: 'logs',
        taskId: 'load',
        logicalDateOffset: '-1h',
        timeout: '30s',
        mode: 'skip',
        pokeInterval: 200,
      }).options,
    ).toEqual({
      dagId: 'logs',
      taskId: 'load',
      logicalDateOffsetMs: -3_600_000,
      allowedStates: ['success'],
      failedStates: ['failed', 'upstream_failed'],
      sensor: { timeoutMs: 30_000, mode: 'skip', pokeIntervalMs: 200 },
    });
    expect(
      dagRunSensor({ dagId: 'logs', taskId: 'load', allowedStates: ['success', 'skipped', 'skipped'] }).options,
    ).toMatchObject({ allowedStates: ['success', 'skipped'], failedStates: ['failed', 'upstream_failed'] });
    expect(dagRunSensor({ dagId: 'logs', taskId: 'load', allowedStates: ['failed'] }).options).toMatchObject({
      allowedStates: ['failed'],
      failedStates: ['upstream_failed'],
    });
  });

  it('reads offsets signed, as milliseconds or durations', () => {
    expect(parseOffset(-5, 'o')).toBe(-5);
    expect(parseOffset(1.6, 'o')).toBe(2);
    expect(parseOffset('1d', 'o')).toBe(86_400_000);
    expect(parseOffset(' -2h', 'o')).toBe(-7_200_000);
    refused(() => parseOffset(Number.NaN, 'o'), 'o must be a finite number of milliseconds');
    refused(() => parseOffset(Number.POSITIVE_INFINITY, 'o'), 'o must be a finite number of milliseconds');
    refused(() => parseOffset('-', 'o'), 'o "" is not a duration');
    refused(() => parseOffset('yesterday', 'o'), 'o "yesterday" is not a duration');
    expect(() => parseOffset(null, 'o')).toThrow(InvalidOptionsError);
    expect(() => parseOffset({ hours: -1 }, 'o')).toThrow(InvalidOptionsError);
  });

  it('takes every state a task can be in, and every state a run can be in, and names them all when refusing one', () => {
    const taskStates = [
      'none',
      'scheduled',
      'queued',
      'running',
      'success',
      'failed',
      'up_for_retry',
      'upstream_failed',
      'skipped',
      'deferred',
    ];
    for (const state of taskStates)
      expect(
        dagRunSensor({ dagId: 'logs', taskId: 'load', allowedStates: [state], failedStates: [] }).options,
      ).toMatchObject({ allowedStates: [state] });
    refused(
      () => dagRunSensor({ dagId: 'logs', taskId: 'load', allowedStates: ['done'] }),
      `dagRunSensor() option allowedStates: "done" is not one of ${taskStates.join(', ')}`,
    );
    for (const state of ['queued', 'running', 'success', 'failed'])
      expect(dagRunSensor({ dagId: 'logs', allowedStates: [state], failedStates: [] }).options).toMatchObject({
        allowedStates: [state],
      });
    refused(
      () => dagRunSensor({ dagId: 'logs', allowedStates: ['skipped'] }),
      'dagRunSensor() option allowedStates: "skipped" is not one of queued, running, success, failed',
    );
  });

  it('refuses bad options, naming them', () => {
    refused(() => dagRunSensor({ dagId: '' }), 'dagRunSensor() option dagId must be a non-empty string');
    refused(() => dagRunSensor(null as never), 'dagRunSensor() options must be an object');
    refused(() => dagRunSensor({ dagId: 'a', taskId: 3 as never }), 'dagRunSensor() option taskId must be a non-empty');
    refused(
      () => dagRunSensor({ dagId: 'a', logicalDateOffset: 'a day' as never }),
      'dagRunSensor() option logicalDateOffset "a day" is not a duration',
    );
    refused(
      () => dagRunSensor({ dagId: 'a', allowedStates: ['skipped'] }),
      'dagRunSensor() option allowedStates: "skipped" is not one of queued, running, success, failed',
    );
    refused(
      () => dagRunSensor({ dagId: 'a', taskId: 't', failedStates: ['broken'] }),
      'dagRunSensor() option failedStates: "broken" is not one of none, scheduled',
    );
    refused(
      () => dagRunSensor({ dagId: 'a', failedStates: ['success'] }),
      'dagRunSensor() option failedStates and allowedStates both name success',
    );
    refused(
      () => dagRunSensor({ dagId: 'a', mode: 'retry' as 'fail' }),
      "dagRunSensor() option mode must be 'fail' or 'skip'",
    );
    refused(
      () => dagRunSensor({ dagId: 'a', execution_delta: 1 } as never),
      'dagRunSensor() option execution_delta is not a known option',
    );
  });

  it('types its output as the run and state it saw', () => {
    const d = dag({ id: 'sensor_types' });
    const t = d.task('wait', dagRunSensor({ dagId: 'other' }));
    expectTypeOf<OutputOf<typeof t>>().toEqualTypeOf<{
      dagId: string;
      runId: string;
      taskId: string | null;
      state: string;
    }>();
  });
});

describe('maxActiveTisPerDag', () => {
  it('is stored on the task when set, from the task or defaultArgs, and left out otherwise', async () => {
    const d = dag({ id: 'capped', defaultArgs: { maxActiveTisPerDag: 3 } });
    d.task('a', { maxActiveTisPerDag: 1 }, triggerDag({ dagId: 'x' }));
    d.task('b', triggerDag({ dagId: 'x' }));
    const plain = dag({ id: 'plain' });
    plain.task('c', triggerDag({ dagId: 'x' }));
    const specs = d.toSpec().tasks;
    expect(specs.find((t) => t.taskId === 'a')?.maxActiveTisPerDag).toBe(1);
    expect(specs.find((t) => t.taskId === 'b')?.maxActiveTisPerDag).toBe(3);
    expect('maxActiveTisPerDag' in (plain.toSpec().tasks[0] ?? {})).toBe(false);
  });

  it('refuses a cap under 1 or not an integer, naming where', () => {
    const d = dag({ id: 'bad_cap' });
    refused(
      () => d.task('a', { maxActiveTisPerDag: 0 }, triggerDag({ dagId: 'x' })),
      'maxActiveTisPerDag must be an integer >= 1, got number 0',
    );
    refused(
      () => dag({ id: 'bad_default', defaultArgs: { maxActiveTisPerDag: 1.5 } }),
      'maxActiveTisPerDag must be an integer >= 1, got number 1.5',
    );
  });
});
