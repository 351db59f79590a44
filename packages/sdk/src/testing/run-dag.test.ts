import { type DagSpec, SkipTaskError, type TaskSpec } from '@sluice/core';
import { makeDag, makeTask } from '@sluice/core/test-fixtures';
import { describe, expect, it, vi } from 'vitest';
import {
  type LocalTaskResult,
  type LocalTry,
  localDataInterval,
  localLogicalDate,
  runDagLocally,
  runOneTaskLocally,
} from './run-dag';

const logicalDate = new Date('2026-11-21T00:00:00.000Z');
const chain = (overrides: Partial<DagSpec> = {}) =>
  makeDag({
    dagId: 'chain',
    tasks: [makeTask('extract'), makeTask('load', { upstream: ['extract'] })],
    ...overrides,
  });
const retrying = (retries: number) => ({
  retries,
  retryDelayMs: 60_000,
  exponentialBackoff: false,
  maxRetryDelayMs: null,
});

describe('runDagLocally', () => {
  it('gives each try the run it belongs to: a test run id, the scheduled interval and an empty conf by default', async () => {
    const tries: LocalTry[] = [];
    const result = await runDagLocally({
      spec: chain(),
      logicalDate,
      runTask: async (attempt) => {
        tries.push(attempt);
        return attempt.task.taskId === 'extract' ? { rows: 3 } : undefined;
      },
    });
    expect(tries.map((t) => t.run)).toEqual([
      {
        dagId: 'chain',
        runId: 'test__2026-11-21T00:00:00.000Z',
        taskId: 'extract',
        logicalDate,
        dataInterval: { start: logicalDate, end: new Date('2026-11-22T00:00:00.000Z') },
        conf: {},
        tryNumber: 1,
        maxTries: 1,
      },
      {
        dagId: 'chain',
        runId: 'test__2026-11-21T00:00:00.000Z',
        taskId: 'load',
        logicalDate,
        dataInterval: { start: logicalDate, end: new Date('2026-11-22T00:00:00.000Z') },
        conf: {},
        tryNumber: 1,
        maxTries: 1,
      },
    ]);
    expect([...(tries[1]?.upstreamOutputs ?? [])]).toEqual([['extract', { rows: 3 }]]);
    expect(result).toMatchObject({ dagId: 'chain', runId: 'test__2026-11-21T00:00:00.000Z', state: 'success' });
    expect(result.tasks.map((t) => [t.taskId, t.state, t.tries, t.hasOutput, t.output])).toEqual([
      ['extract', 'success', 1, true, { rows: 3 }],
      ['load', 'success', 1, false, undefined],
    ]);
  });

  it('uses the run id, interval and conf it is given', async () => {
    const dataInterval = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-02-01T00:00:00Z') };
    const runs: LocalTry['run'][] = [];
    const result = await runDagLocally({
      spec: chain({ tasks: [makeTask('only')] }),
      logicalDate,
      dataInterval,
      conf: { table: 'events' },
      runId: 'manual__x',
      runTask: async ({ run }) => {
        runs.push(run);
      },
    });
    expect(runs[0]).toMatchObject({ runId: 'manual__x', dataInterval, conf: { table: 'events' } });
    expect(result).toMatchObject({ runId: 'manual__x', dataInterval, logicalDate });
  });

  it('passes on only the outputs upstream tasks recorded', async () => {
    const seen: Array<[string, unknown]> = [];
    const spec = chain({
      tasks: [makeTask('a'), makeTask('b'), makeTask('join', { upstream: ['a', 'b'] })],
    });
    await runDagLocally({
      spec,
      logicalDate,
      runTask: async ({ task, upstreamOutputs }) => {
        if (task.taskId === 'join') seen.push(...upstreamOutputs);
        return task.taskId === 'a' ? 0 : undefined;
      },
    });
    expect(seen).toEqual([['a', 0]]);
  });

  it('retries a failing task, telling each try and each retry with its delay, and waits through the given wait', async () => {
    const events: string[] = [];
    const spec = chain({ tasks: [makeTask('flaky', { retry: retrying(2) })] });
    const result = await runDagLocally({
      spec,
      logicalDate,
      runTask: async ({ run }) => {
        if (run.tryNumber < 3) throw new Error(`try ${run.tryNumber}`);
        return run.tryNumber;
      },
      onTryStart: (task, tryNumber, maxTries) => events.push(`start ${task.taskId} ${tryNumber}/${maxTries}`),
      onRetry: (task, error, delayMs) => events.push(`retry ${task.taskId} ${error.message} ${delayMs > 50_000}`),
      wait: async (ms) => {
        events.push(`wait ${ms > 50_000}`);
      },
      onTaskEnd: (r) => events.push(`end ${r.taskId} ${r.state} ${r.tries}`),
    });
    expect(events).toEqual([
      'start flaky 1/3',
      'retry flaky try 1 true',
      'wait true',
      'start flaky 2/3',
      'retry flaky try 2 true',
      'wait true',
      'start flaky 3/3',
      'end flaky success 3',
    ]);
    expect(result.tasks[0]).toMatchObject({ state: 'success', tries: 3, output: 3, error: null });
  });

  it('fails a task once its tries are used up, and its downstream as upstream_failed, without running it', async () => {
    const ran: string[] = [];
    const spec = chain({
      tasks: [makeTask('extract', { retry: retrying(1) }), makeTask('load', { upstream: ['extract'] })],
    });
    const result = await runDagLocally({
      spec,
      logicalDate,
      wait: async () => undefined,
      runTask: async ({ task }) => {
        ran.push(task.taskId);
        throw new Error('no bucket');
      },
    });
    expect(ran).toEqual(['extract', 'extract']);
    expect(result.state).toBe('failed');
    expect(result.tasks[0]).toMatchObject({ taskId: 'extract', state: 'failed', tries: 2, hasOutput: false });
    expect(result.tasks[0]?.error?.message).toBe('no bucket');
    expect(result.tasks[1]).toEqual({
      taskId: 'load',
      state: 'upstream_failed',
      tries: 0,
      hasOutput: false,
      output: undefined,
      error: null,
      reason: '1 upstream task failed: extract (all_success)',
      durationMs: 0,
    });
  });

  it('skips a task that throws SkipTaskError, with its message as the reason, and the tasks its skip reaches', async () => {
    const ended: LocalTaskResult[] = [];
    const result = await runDagLocally({
      spec: chain(),
      logicalDate,
      runTask: async () => {
        throw new SkipTaskError('no new files');
      },
      onTaskEnd: (r) => ended.push(r),
    });
    expect(ended.map((r) => [r.taskId, r.state, r.tries, r.reason])).toEqual([
      ['extract', 'skipped', 1, 'no new files'],
      ['load', 'skipped', 0, '1 upstream task skipped: extract (all_success)'],
    ]);
    expect(result.state).toBe('success');
  });

  it('times a try out at its executionTimeout, aborting its signal', async () => {
    let signal: AbortSignal | undefined;
    const result = await runDagLocally({
      spec: chain({ tasks: [makeTask('slow', { executionTimeoutMs: 20 })] }),
      logicalDate,
      runTask: (attempt) => {
        signal = attempt.signal;
        return new Promise(() => undefined);
      },
    });
    expect(result.tasks[0]?.error?.name).toBe('TaskTimeoutError');
    expect(signal?.aborted).toBe(true);
  });

  it('measures how long a task took, over all its tries', async () => {
    const result = await runDagLocally({
      spec: chain({ tasks: [makeTask('slow')] }),
      logicalDate,
      runTask: () => new Promise((resolve) => setTimeout(resolve, 30)),
    });
    expect(result.tasks[0]?.durationMs).toBeGreaterThanOrEqual(25);
    expect(result.tasks[0]?.durationMs).toBeLessThan(10_000);
  });
});

describe('a mapped task run locally', () => {
  const mapped = (items: unknown[], overrides: Partial<TaskSpec> = {}) =>
    makeTask('load', { map: { over: { from: 'list', items } }, ...overrides });

  it('succeeds when every instance does: tries the most any instance needed, outputs in index order, durations summed', async () => {
    const tries: string[] = [];
    const result = await runDagLocally({
      spec: chain({ tasks: [mapped(['a', 'b', 'c'], { retry: retrying(2) })] }),
      logicalDate,
      runTask: async ({ run, item }) => {
        tries.push(`${run.mapIndex}/${run.tryNumber}`);
        await new Promise((resolve) => setTimeout(resolve, 15));
        if (item === 'b' && run.tryNumber < 3) throw new Error(`b try ${run.tryNumber}`);
        return item === 'c' ? undefined : `${item}${run.mapIndex}`;
      },
      wait: async () => undefined,
    });
    expect(tries).toEqual(['0/1', '1/1', '1/2', '1/3', '2/1']);
    const load = result.tasks[0];
    expect(load).toMatchObject({ state: 'success', tries: 3, hasOutput: true, error: null });
    // The instance that returned nothing adds nothing to the list.
    expect(load?.output).toStrictEqual(['a0', 'b1']);
    expect(load?.durationMs).toBeGreaterThanOrEqual(5 * 14);
    expect(result.state).toBe('success');
  });

  it('fails when one instance fails, with that instance’s error, after running the others', async () => {
    const ran: string[] = [];
    const result = await runDagLocally({
      spec: chain({ tasks: [mapped([0, 1, 2]), makeTask('report', { upstream: ['load'] })] }),
      logicalDate,
      runTask: async ({ task, run }) => {
        ran.push(`${task.taskId}${run.mapIndex ?? ''}`);
        if (run.mapIndex === 1) throw new Error('instance 1 broke');
        return run.mapIndex;
      },
    });
    expect(ran).toEqual(['load0', 'load1', 'load2']);
    const [load, report] = result.tasks;
    expect(load).toMatchObject({ state: 'failed', tries: 1 });
    expect(load?.error?.message).toBe('instance 1 broke');
    expect(load?.output).toStrictEqual([0, 2]);
    expect(report?.state).toBe('upstream_failed');
    expect(result.state).toBe('failed');
  });

  it('fails a task mapped over an upstream output that is not a list, saying what it was', async () => {
    const over = (path: string[]) =>
      makeTask('load', { upstream: ['list'], map: { over: { from: 'output', taskId: 'list', path } } });
    const run = (path: string[]) =>
      runDagLocally({
        spec: chain({ tasks: [makeTask('list'), over(path)] }),
        logicalDate,
        runTask: async ({ task }) => (task.taskId === 'list' ? { tables: 'users' } : 'never'),
      });
    const [, text] = (await run(['tables'])).tasks;
    expect(text).toMatchObject({ state: 'failed', tries: 0 });
    expect(text?.error?.message).toMatch(/, which is "users", not a list$/);
    const [, absent] = (await run(['days'])).tasks;
    expect(absent?.error?.message).toMatch(/, which is absent, not a list$/);
  });

  it('hands a downstream task an empty list for a mapped task skipped over an empty list', async () => {
    const seen: Array<[string, unknown]> = [];
    await runDagLocally({
      spec: chain({
        tasks: [mapped([]), makeTask('report', { upstream: ['load'], triggerRule: 'all_done' })],
      }),
      logicalDate,
      runTask: async ({ upstreamOutputs }) => {
        seen.push(...upstreamOutputs);
        return 'done';
      },
    });
    expect(seen).toStrictEqual([['load', []]]);
  });
});

describe('a local try', () => {
  it('leaves no timer behind once it ends before its executionTimeout, and never aborts the signal it was given', async () => {
    vi.useFakeTimers();
    try {
      let signal: AbortSignal | undefined;
      const result = await runDagLocally({
        spec: chain({ tasks: [makeTask('quick', { executionTimeoutMs: 60_000 })] }),
        logicalDate,
        runTask: async (attempt) => {
          signal = attempt.signal;
          return 1;
        },
      });
      expect(result.tasks[0]).toMatchObject({ state: 'success', output: 1 });
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(120_000);
      expect(signal?.aborted).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('records no followed list for a task that is not a branch: it follows all of its downstream', async () => {
    const result = await runDagLocally({ spec: chain(), logicalDate, runTask: async () => 1 });
    expect(result.tasks.map((t) => t.state)).toEqual(['success', 'success']);
    expect(result.tasks[0]).not.toHaveProperty('followed');
  });
});

describe('runOneTaskLocally', () => {
  const load = (spec: DagSpec): TaskSpec => spec.tasks[1] ?? makeTask('missing');

  it('makes one try of the task with the upstream outputs it is given, and no retry', async () => {
    const spec = chain({
      tasks: [makeTask('extract'), makeTask('load', { upstream: ['extract'], retry: retrying(3) })],
    });
    const tries: LocalTry[] = [];
    const result = await runOneTaskLocally({
      spec,
      logicalDate,
      taskId: 'load',
      upstreamOutputs: new Map([['extract', { rows: 1 }]]),
      runTask: async (attempt) => {
        tries.push(attempt);
        throw new Error('refused');
      },
    });
    expect(result).toMatchObject({ taskId: 'load', state: 'failed', tries: 1 });
    expect(tries.map((t) => [t.task, t.run.runId, t.run.maxTries, [...t.upstreamOutputs]])).toEqual([
      [load(spec), 'test__2026-11-21T00:00:00.000Z', 4, [['extract', { rows: 1 }]]],
    ]);
    expect(tries[0]?.run.dataInterval).toEqual({ start: logicalDate, end: new Date('2026-11-22T00:00:00.000Z') });
    expect(tries[0]?.run.conf).toEqual({});
  });

  it('uses the run id, interval and conf it is given', async () => {
    const dataInterval = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-02T00:00:00Z') };
    let run: LocalTry['run'] | undefined;
    await runOneTaskLocally({
      spec: chain(),
      logicalDate,
      taskId: 'extract',
      upstreamOutputs: new Map(),
      runId: 'r1',
      dataInterval,
      conf: { a: 1 },
      runTask: async (attempt) => {
        run = attempt.run;
      },
    });
    expect(run).toMatchObject({ runId: 'r1', dataInterval, conf: { a: 1 }, taskId: 'extract', tryNumber: 1 });
  });

  it('refuses a task the DAG lacks and an output for a task that is not upstream, naming them', async () => {
    const base = { spec: chain(), logicalDate, runTask: async () => undefined };
    await expect(runOneTaskLocally({ ...base, taskId: 'clean', upstreamOutputs: new Map() })).rejects.toThrow(
      'DAG "chain" has no task "clean"',
    );
    await expect(
      runOneTaskLocally({ ...base, taskId: 'load', upstreamOutputs: new Map([['clean', 1]]) }),
    ).rejects.toThrow('"clean" is not an upstream task of "load" (its upstream: extract)');
    await expect(
      runOneTaskLocally({ ...base, taskId: 'extract', upstreamOutputs: new Map([['load', 1]]) }),
    ).rejects.toThrow('"load" is not an upstream task of "extract" (its upstream: none)');
    const join = chain({ tasks: [makeTask('a'), makeTask('b'), makeTask('join', { upstream: ['a', 'b'] })] });
    await expect(
      runOneTaskLocally({ ...base, spec: join, taskId: 'join', upstreamOutputs: new Map([['c', 1]]) }),
    ).rejects.toThrow('"c" is not an upstream task of "join" (its upstream: a, b)');
  });
});

describe('the date and interval of a local run', () => {
  it('gives a date on the schedule the interval that starts there, and any other date a manual one', () => {
    const daily = makeDag({ schedule: '@daily' });
    expect(localDataInterval(daily, logicalDate)).toEqual({
      start: logicalDate,
      end: new Date('2026-11-22T00:00:00.000Z'),
    });
    expect(localDataInterval(daily, new Date('2026-11-21T06:00:00Z'))).toEqual({
      start: new Date('2026-11-20T00:00:00.000Z'),
      end: new Date('2026-11-21T00:00:00.000Z'),
    });
    for (const schedule of [null, '@once']) {
      expect(localDataInterval(makeDag({ schedule }), logicalDate), String(schedule)).toEqual({
        start: logicalDate,
        end: logicalDate,
      });
    }
  });

  it('reads a local date in the DAG’s zone, and defaults to the latest complete interval or now', () => {
    const copenhagen = makeDag({ schedule: '@daily', timezone: 'Europe/Copenhagen' });
    expect(localLogicalDate(copenhagen, '2026-11-21', 'logicalDate')).toEqual(new Date('2026-11-20T23:00:00.000Z'));
    expect(localLogicalDate(copenhagen, logicalDate, 'logicalDate')).toEqual(logicalDate);
    expect(() => localLogicalDate(copenhagen, 'soon', '--logical-date')).toThrow('--logical-date');
    const before = Date.now();
    const manual = localLogicalDate(makeDag({ schedule: null }), undefined, 'logicalDate').getTime();
    expect(manual).toBeGreaterThanOrEqual(before);
    expect(manual).toBeLessThanOrEqual(Date.now());
    const daily = localLogicalDate(makeDag({ schedule: '@daily' }), undefined, 'logicalDate').getTime();
    const day = 86_400_000;
    expect(daily % day).toBe(0);
    expect(Date.now() - daily).toBeGreaterThanOrEqual(day);
    expect(Date.now() - daily).toBeLessThan(2 * day);
  });
});
