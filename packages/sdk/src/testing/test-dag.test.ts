import { describe, expect, it } from 'vitest';
import { NonRetryableError, SkipTaskError } from '@sluice/core';
import { dag } from '../dag';
import { fn, shell } from '../operator';
import { testDag } from './test-dag';
import { asset } from '../assets';

describe('testDag', () => {
  it('hands the run the triggering events given, and returns the metadata each task gave its outlets', async () => {
    const late = asset<{ dates: string[] }>('s3://lake/late/');
    const fixed = asset<{ dates: string[] }>('s3://lake/fixed/');
    const d = dag({ id: 'assets_local', schedule: [late] });
    d.task(
      'correct',
      { outlets: [fixed] },
      fn((ctx) => {
        const dates = ctx.triggeringEventsFor(late).flatMap((e) => e.extra.dates);
        ctx.outletEvent(fixed, { dates });
        return dates;
      }),
    );
    const result = await testDag(d, {
      triggeringEvents: [
        { uri: 's3://lake/late/', extra: { dates: ['2026-11-20'] } },
        { uri: 's3://lake/late/', extra: { dates: ['2026-11-21'] } },
      ],
    });
    expect(result.state).toBe('success');
    expect(result.task('correct').output).toEqual(['2026-11-20', '2026-11-21']);
    expect(result.outletEvents.get('correct')).toEqual(
      new Map([['s3://lake/fixed/', { dates: ['2026-11-20', '2026-11-21'] }]]),
    );
  });

  it('numbers the triggering events given, as from outside the DAG, and gives none when none are given', async () => {
    const late = asset('s3://lake/late/');
    const d = dag({ id: 'assets_seen', schedule: [late] });
    d.task(
      'look',
      fn((ctx) =>
        ctx.triggeringEvents.map((e) => ({
          ...e,
          createdAt: e.createdAt instanceof Date && !Number.isNaN(+e.createdAt),
        })),
      ),
    );
    const given = await testDag(d, {
      triggeringEvents: [{ uri: 's3://lake/late/', extra: { rows: 3 } }, { uri: 's3://lake/late/' }],
    });
    expect(given.task('look').output).toStrictEqual([
      {
        id: 'test-event-1',
        uri: 's3://lake/late/',
        extra: { rows: 3 },
        source: { kind: 'external', actor: 'testDag' },
        createdAt: true,
      },
      {
        id: 'test-event-2',
        uri: 's3://lake/late/',
        extra: {},
        source: { kind: 'external', actor: 'testDag' },
        createdAt: true,
      },
    ]);
    expect((await testDag(d)).task('look').output).toStrictEqual([]);
  });

  it('fails a task that gives an event for an asset when it declares no outlets, saying so', async () => {
    const fixed = asset('s3://lake/fixed/');
    const d = dag({ id: 'no_outlets' });
    d.task(
      'correct',
      fn((ctx) => {
        ctx.outletEvent(fixed, { rows: 1 });
        return 1;
      }),
    );
    const result = await testDag(d);
    expect(result.task('correct').state).toBe('failed');
    expect(result.task('correct').error?.message).toContain('it declares no outlets');
  });

  it('follows a branch, skips the path not taken and runs a teardown after a failure without failing the run for it', async () => {
    const d = dag({ id: 'flow_local' });
    const create = d.setup(
      'create',
      fn(() => ({ clusterId: 'j-1' })),
    );
    const choose = d.branch(
      'choose',
      { upstream: [create], choices: ['full', 'delta'] },
      fn(() => 'delta'),
    );
    const full = d.task(
      'full',
      { upstream: [choose] },
      fn(() => 'full'),
    );
    const delta = d.task(
      'delta',
      { upstream: [choose] },
      fn(() => 'delta'),
    );
    const join = d.task(
      'join',
      { upstream: [full, delta], triggerRule: 'none_failed_min_one_success' },
      fn(() => 1),
    );
    d.teardown(
      'terminate',
      { setup: create, upstream: [join] },
      fn(() => {
        throw new NonRetryableError('gone');
      }),
    );
    const result = await testDag(d);
    expect(result.tasks.map((t) => [t.taskId, t.state])).toEqual([
      ['create', 'success'],
      ['choose', 'success'],
      ['full', 'skipped'],
      ['delta', 'success'],
      ['join', 'success'],
      ['terminate', 'failed'],
    ]);
    expect(result.task('full').reason).toBe('upstream task "choose" followed "delta", not this task');
    expect(result.state).toBe('success');
  });

  it('fails a branch that returns an id it may not follow', async () => {
    const d = dag({ id: 'bad_branch_local' });
    const choose = d.branch(
      'choose',
      { choices: ['a'] },
      fn(() => 'b' as 'a'),
    );
    d.task(
      'a',
      { upstream: [choose] },
      fn(() => 1),
    );
    const result = await testDag(d);
    expect(result.task('choose').error?.message).toBe(
      'branch task "choose" returned "b", which is not one of its direct downstream tasks; it must return one of "a", or an array of them',
    );
    expect(result.state).toBe('failed');
  });

  it('runs fn tasks in dependency order and returns their outputs typed', async () => {
    const d = dag({ id: 'typed_outputs', schedule: '@daily', timezone: 'Europe/Copenhagen', start: '2026-01-01' });
    const extract = d.task(
      'extract',
      fn((ctx) => ({ day: ctx.dataInterval.start.toISOString(), rows: 3 })),
    );
    const double = d.task(
      'double',
      { upstream: [extract] },
      fn((ctx) => ctx.output(extract).rows * 2),
    );
    const result = await testDag(d, { logicalDate: '2026-11-21' });
    const rows: number = result.output(double);
    expect(rows).toBe(6);
    // A local date is read in the DAG's zone: 21 Nov 00:00 in Copenhagen.
    expect(result.output(extract).day).toBe('2026-11-20T23:00:00.000Z');
    expect(result.dataInterval.end.toISOString()).toBe('2026-11-21T23:00:00.000Z');
    expect(result.state).toBe('success');
  });

  it('calls a poking function again until it returns, and ends it as its sensor mode says at the timeout', async () => {
    const d = dag({ id: 'pokes', start: '2026-01-01' });
    let looks = 0;
    const ready = d.task(
      'ready',
      { retries: 3 },
      fn((ctx) => (++looks < 4 ? ctx.poke({ again: '10m' }) : { looks })),
    );
    d.task(
      'never',
      fn((ctx) => ctx.poke(), { sensor: { timeout: '1h', mode: 'skip', pokeInterval: '20m' } }),
    );
    d.task(
      'never_fails',
      fn((ctx) => ctx.poke({ again: '1d' })),
    );
    let sensed = 0;
    d.task(
      'exact',
      fn(
        (ctx) => {
          sensed++;
          return ctx.poke();
        },
        { sensor: { timeout: '1h', mode: 'skip', pokeInterval: '30m' } },
      ),
    );
    const result = await testDag(d);
    // The second poke's wait reaches the timeout exactly: the sensor ends there, with no third look.
    expect(sensed).toBe(2);
    expect(result.task('exact').state).toBe('skipped');
    expect(result.output(ready)).toEqual({ looks: 4 });
    expect(result.task('ready').tries).toBe(1);
    expect(result.task('never').state).toBe('skipped');
    expect(result.task('never_fails')).toMatchObject({
      state: 'failed',
      error: { message: 'Sensor timed out after 604800000 ms without its condition being met' },
    });
  });

  it('retries a failing task as its retries allow, without waiting out the delay', async () => {
    const d = dag({ id: 'flaky_local', defaultArgs: { retries: 2, retryDelay: '1h' } });
    d.task(
      'flaky',
      fn((ctx) => {
        if (ctx.tryNumber < 3) throw new Error(`try ${ctx.tryNumber} failed`);
        return ctx.tryNumber;
      }),
    );
    const started = Date.now();
    const result = await testDag(d);
    expect(result.task('flaky')).toMatchObject({ state: 'success', tries: 3, output: 3 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('applies trigger rules: all_done runs after a failure, all_success is upstream_failed', async () => {
    const d = dag({ id: 'rules_local' });
    const load = d.task(
      'load',
      fn(() => {
        throw new NonRetryableError('warehouse refused the load');
      }),
    );
    d.task(
      'report',
      { upstream: [load] },
      fn(() => 'never'),
    );
    d.task(
      'cleanup',
      { upstream: [load], triggerRule: 'all_done' },
      fn(() => 'cleaned'),
    );
    const result = await testDag(d);
    expect(result.state).toBe('failed');
    expect(result.task('load').error?.message).toBe('warehouse refused the load');
    expect(result.task('report').state).toBe('upstream_failed');
    expect(result.task('cleanup')).toMatchObject({ state: 'success', output: 'cleaned' });
  });

  it('skips a task that throws SkipTaskError and the all_success tasks after it', async () => {
    const d = dag({ id: 'skip_local' });
    const check = d.task(
      'check',
      fn(() => {
        throw new SkipTaskError('no new files');
      }),
    );
    d.task(
      'process',
      { upstream: [check] },
      fn(() => 1),
    );
    const result = await testDag(d);
    expect(result.task('check')).toMatchObject({ state: 'skipped', reason: 'no new files' });
    expect(result.task('process').state).toBe('skipped');
    expect(result.state).toBe('success');
  });

  it('fails a task past its executionTimeout', async () => {
    const d = dag({ id: 'slow_local' });
    d.task(
      'slow',
      { executionTimeout: 50 },
      fn(() => new Promise((resolve) => setTimeout(resolve, 5_000))),
    );
    const result = await testDag(d);
    expect(result.task('slow').error?.name).toBe('TaskTimeoutError');
  });

  it('fails a shell task it cannot run in-process, naming it, unless it is stubbed', async () => {
    const d = dag({ id: 'shell_local' });
    const ls = d.task('list', shell({ command: 'ls' }));
    d.task(
      'count',
      { upstream: [ls] },
      fn((ctx) => ctx.hasOutput(ls)),
    );
    const plain = await testDag(d);
    expect(plain.task('list').error?.message).toMatch(/task "list" is a shell task: testDag runs fn tasks/);
    expect(plain.task('list').error?.message).toMatch(/or run it with `sluice dags test`$/);
    expect(plain.task('list').error?.name).toBe('UnrunnableTaskError');
    const stubbed = await testDag(d, { stubs: { list: { output: ['a'] } } });
    expect(stubbed.output(ls)).toEqual(['a']);
    expect(stubbed.task('count').output).toBe(true);
  });

  it('collects ctx.log lines per task and passes conf', async () => {
    const d = dag({ id: 'log_local' });
    d.task(
      'hello',
      fn((ctx) => {
        ctx.log('conf is', ctx.conf);
      }),
    );
    const result = await testDag(d, { conf: { table: 'events' } });
    expect(result.logs.get('hello')).toEqual(['conf is {"table":"events"}']);
  });

  it('rejects a stub for a task the DAG does not have', async () => {
    const d = dag({ id: 'bad_stub' });
    d.task(
      'a',
      fn(() => 1),
    );
    await expect(testDag(d, { stubs: { b: { output: 1 } } })).rejects.toThrow(
      'testDag option stubs names unknown task "b" of DAG "bad_stub"',
    );
  });
});

describe('testDag results', () => {
  it('says why a task recorded no output: its error, its skip reason, or neither', async () => {
    const d = dag({ id: 'no_output' });
    const fails = d.task(
      'fails',
      fn(() => {
        throw new NonRetryableError('bad rows');
      }),
    );
    const after = d.task(
      'after',
      { upstream: [fails] },
      fn(() => 1),
    );
    const nothing = d.task(
      'nothing',
      fn(() => undefined),
    );
    const result = await testDag(d);
    expect(() => result.output(fails)).toThrow('task "fails" recorded no output (it ended failed: bad rows)');
    expect(() => result.output(after)).toThrow(
      'task "after" recorded no output (it ended upstream_failed: 1 upstream task failed: fails (all_success))',
    );
    expect(() => result.output(nothing)).toThrow('task "nothing" recorded no output (it ended success)');
    expect(() => result.task('missing')).toThrow('DAG "no_output" has no task "missing"');
    await expect(testDag(d, { logicalDate: 'soon' })).rejects.toThrow('testDag option logicalDate');
    expect(result.task(nothing).hasOutput).toBe(false);
  });

  it('hands a downstream task what JSON keeps of an output, as a worker does', async () => {
    const d = dag({ id: 'json_outputs' });
    const when = d.task(
      'when',
      fn(() => ({ at: new Date('2026-11-21T00:00:00Z'), skip: undefined })),
    );
    const read = d.task(
      'read',
      { upstream: [when] },
      fn((ctx) => ctx.output(when)),
    );
    const result = await testDag(d);
    expect(result.output(read)).toEqual({ at: '2026-11-21T00:00:00.000Z' });
    const f = dag({ id: 'function_output' });
    f.task(
      'callable',
      fn(() => () => 1),
    );
    expect((await testDag(f)).task('callable')).toMatchObject({ state: 'success', hasOutput: false });
  });

  it('answers ctx.variable from the variables given, and fails a task reading one it was not given', async () => {
    const d = dag({ id: 'variables_local' });
    const read = d.task(
      'read',
      fn((ctx) => ctx.variable('warehouse_url')),
    );
    const missing = d.task(
      'missing',
      fn((ctx) => ctx.variable('other')),
    );
    const result = await testDag(d, { variables: { warehouse_url: 'postgres://wh' } });
    expect(result.output(read)).toBe('postgres://wh');
    expect(result.task(missing).error?.name).toBe('VariableNotFoundError');
    const without = await testDag(d);
    expect(without.task(read).error?.message).toMatch(/^Variable "warehouse_url" does not exist/);
  });

  it('runs a stub function with the task’s context, and other kinds through runTask with a log', async () => {
    const d = dag({ id: 'stub_run' });
    const ls = d.task('list', shell({ command: 'ls' }));
    const copy = d.task('copy', shell({ command: 'cp a b' }));
    d.task(
      'count',
      { upstream: [ls, copy] },
      fn((ctx) => [ctx.output(ls), ctx.output(copy)]),
    );
    const result = await testDag(d, {
      logicalDate: '2026-11-21',
      stubs: { list: { run: (ctx) => ctx.logicalDate.toISOString() } },
      runTask: async (attempt, log) => {
        log(`ran ${attempt.task.taskId}`);
        return 'copied';
      },
    });
    expect(result.task('count').output).toEqual(['2026-11-21T00:00:00.000Z', 'copied']);
    expect(result.logs.get('copy')).toEqual(['ran copy']);
  });

  it('waits out retry delays when asked to', async () => {
    const d = dag({ id: 'real_delays', defaultArgs: { retries: 1, retryDelay: 100 } });
    d.task(
      'flaky',
      fn((ctx) => {
        if (ctx.tryNumber === 1) throw new Error('first try');
        return ctx.tryNumber;
      }),
    );
    const started = Date.now();
    const result = await testDag(d, { realRetryDelays: true });
    expect(result.task('flaky')).toMatchObject({ state: 'success', tries: 2 });
    // The delay is jittered by at most ten percent.
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });
});
