import { describe, expect, it } from 'vitest';
import { DagSpec, InvalidOptionsError } from '@sluice/core';
import { dag, registeredDags } from './dag';
import { defineOperator, fn, shell } from './operator';

let seq = 0;
const uniqueId = (name: string): string => `${name}_${++seq}`;

describe('dag().toSpec()', () => {
  it('fills Airflow defaults for the DAG and its tasks', () => {
    const d = dag({ id: uniqueId('defaults') });
    d.task('only', shell({ command: 'true' }));
    const spec = d.toSpec();
    expect(DagSpec.parse(spec)).toEqual(spec);
    expect(spec).toMatchObject({
      schedule: null,
      timezone: 'UTC',
      catchup: false,
      maxActiveRuns: 16,
      maxActiveTasks: 16,
      startDate: null,
      dagrunTimeoutMs: null,
      pausedOnCreation: false,
      confSchema: null,
      tags: [],
    });
    expect(spec.tasks).toEqual([
      {
        taskId: 'only',
        operator: { kind: 'shell', options: { command: 'true' } },
        upstream: [],
        triggerRule: 'all_success',
        retry: { retries: 0, retryDelayMs: 300_000, exponentialBackoff: false, maxRetryDelayMs: null },
        executionTimeoutMs: null,
        pool: 'default_pool',
        priorityWeight: 1,
        poolSlots: 1,
        owner: null,
        doc: null,
      },
    ]);
  });

  it('maps options, applies defaultArgs and lets a task override them', () => {
    const id = uniqueId('etl');
    const d = dag({
      id,
      schedule: '@daily',
      start: '2026-01-01',
      timezone: 'Europe/Copenhagen',
      catchup: true,
      tags: ['etl'],
      owner: 'data',
      description: 'daily',
      maxActiveRuns: 1,
      dagrunTimeout: '2h',
      confSchema: { type: 'object' },
      defaultArgs: {
        retries: 2,
        retryDelay: '30s',
        retryExponentialBackoff: true,
        maxRetryDelay: '10m',
        executionTimeout: '1h',
      },
    });
    const a = d.task(
      'a',
      fn(() => 1),
    );
    d.task(
      'b',
      {
        upstream: [a],
        retries: 5,
        executionTimeout: '10m',
        pool: 'emr',
        poolSlots: 2,
        priorityWeight: 9,
        queue: 'heavy',
        triggerRule: 'all_done',
        doc: 'B',
      },
      shell({ command: 'echo $X', env: { X: '1' }, cwd: '/tmp' }),
    );
    const spec = d.toSpec();
    expect(spec).toMatchObject({
      dagId: id,
      schedule: '@daily',
      timezone: 'Europe/Copenhagen',
      // Midnight in Copenhagen (UTC+1 in January).
      startDate: '2025-12-31T23:00:00.000Z',
      catchup: true,
      tags: ['etl'],
      owner: 'data',
      description: 'daily',
      maxActiveRuns: 1,
      dagrunTimeoutMs: 7_200_000,
      confSchema: { type: 'object' },
    });
    expect(spec.tasks[0]).toMatchObject({
      operator: { kind: 'fn', options: {} },
      retry: { retries: 2, retryDelayMs: 30_000, exponentialBackoff: true, maxRetryDelayMs: 600_000 },
      executionTimeoutMs: 3_600_000,
    });
    expect(spec.tasks[1]).toMatchObject({
      upstream: ['a'],
      operator: { kind: 'shell', options: { command: 'echo $X', env: { X: '1' }, cwd: '/tmp' } },
      retry: { retries: 5, retryDelayMs: 30_000 },
      executionTimeoutMs: 600_000,
      pool: 'emr',
      poolSlots: 2,
      priorityWeight: 9,
      queue: 'heavy',
      triggerRule: 'all_done',
      doc: 'B',
    });
    expect(spec.tasks[0]).not.toHaveProperty('queue');
  });

  it('reads an ISO instant with a zone as that instant', () => {
    const d = dag({ id: uniqueId('iso'), start: '2026-03-01T06:00:00+02:00', timezone: 'Asia/Tokyo' });
    expect(d.toSpec().startDate).toBe('2026-03-01T04:00:00.000Z');
  });
});

describe('dag() option errors', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown option', { id: 'x', scheduel: '@daily' }, 'dag("x") option scheduel is not a known option'],
    ['a bad id', { id: 'my dag' }, 'dag() option id "my dag" is invalid: use 1-250 letters, digits, _, . or -'],
    [
      'an id that climbs a path',
      { id: 'a..b' },
      'dag() option id "a..b" is invalid: use 1-250 letters, digits, _, . or -, starting with a letter, digit or _, without ".."',
    ],
    ['an id that passes for a flag', { id: '-rf' }, 'dag() option id "-rf" is invalid'],
    [
      'a bad timezone',
      { id: 'x', timezone: 'Mars/Olympus' },
      'dag("x") option timezone "Mars/Olympus" is not an IANA time zone',
    ],
    ['a bad start', { id: 'x', start: 'yesterday' }, 'dag("x") option start "yesterday" is not a date'],
    [
      'an impossible date',
      { id: 'x', start: '2026-02-30' },
      'dag("x") option start "2026-02-30" is not a calendar date',
    ],
    [
      'maxActiveRuns 0',
      { id: 'x', maxActiveRuns: 0 },
      'dag("x") option maxActiveRuns must be an integer >= 1, got number 0',
    ],
    [
      'a bad dagrunTimeout',
      { id: 'x', dagrunTimeout: '2 hours' },
      'dag("x") option dagrunTimeout "2 hours" is not a duration',
    ],
    [
      'a bad default retry delay',
      { id: 'x', defaultArgs: { retryDelay: 'soon' } },
      'dag("x") option defaultArgs.retryDelay "soon" is not a duration',
    ],
    [
      'an upstream in defaultArgs',
      { id: 'x', defaultArgs: { upstream: [] } },
      'dag("x") option defaultArgs.upstream is not a known option',
    ],
    ['tags not strings', { id: 'x', tags: [1] }, 'dag("x") option tags must be an array of strings'],
  ];
  it.each(cases)('rejects %s with a message naming the option', (_, options, message) => {
    const create = (): unknown => dag(options as unknown as Parameters<typeof dag>[0]);
    expect(create).toThrow(InvalidOptionsError);
    expect(create).toThrow(message);
  });
});

describe('dag.task() errors', () => {
  it('names the task and the option', () => {
    const d = dag({ id: 'errs' });
    const bad = (): unknown => d.task('t', { retries: -1 }, shell({ command: 'x' }));
    expect(bad).toThrow(InvalidOptionsError);
    expect(bad).toThrow('dag("errs").task("t") option retries must be an integer between 0 and 100, got number -1');
    expect(() => d.task('t2', { triggerRule: 'any' as 'all_done' }, shell({ command: 'x' }))).toThrow(
      'dag("errs").task("t2") option triggerRule must be one of all_success, all_failed',
    );
    expect(() => d.task('t3', { queue: 'a:b' }, shell({ command: 'x' }))).toThrow(
      'dag("errs").task("t3") option queue "a:b" is invalid: use 1-250 letters, digits',
    );
    expect(() => d.task('t4', { queue: '' }, shell({ command: 'x' }))).toThrow(
      'dag("errs").task("t4") option queue must be a non-empty string',
    );
  });

  it('rejects a duplicate task id and an upstream from another DAG', () => {
    const one = dag({ id: uniqueId('one') });
    const other = dag({ id: 'other_dag' });
    one.task('a', shell({ command: 'x' }));
    expect(() => one.task('a', shell({ command: 'y' }))).toThrow('task("a"): a task with this id is already defined');
    const foreign = other.task('f', shell({ command: 'x' }));
    expect(() => one.task('b', { upstream: [foreign] }, shell({ command: 'x' }))).toThrow(
      'option upstream[0] is task "f" of DAG "other_dag"; upstream tasks must be in the same DAG',
    );
  });

  it('rejects shell options it does not know and operators that are not JSON', () => {
    expect(() => shell({ command: 'x', timeout: 3 } as unknown as Parameters<typeof shell>[0])).toThrow(
      'shell() option timeout is not a known option',
    );
    expect(() => shell({ command: '' })).toThrow('shell() option command must be a non-empty string');
    const d = dag({ id: uniqueId('json') });
    expect(() => d.task('t', { kind: 'http', options: { when: new Date() } })).toThrow(
      'operator options.when must be JSON',
    );
  });
});

describe('registry and task functions', () => {
  it('registers every DAG a file creates, exported or not', () => {
    const before = registeredDags().length;
    const a = dag({ id: uniqueId('reg_a') });
    const b = dag({ id: uniqueId('reg_b') });
    expect(registeredDags().slice(before)).toEqual([a, b]);
  });

  it('returns the function of a fn task and nothing for a shell task', async () => {
    const d = dag({ id: uniqueId('fns') });
    d.task(
      'f',
      fn(() => 41 + 1),
    );
    d.task('s', shell({ command: 'true' }));
    const f = d.getTaskFunction('f');
    expect(f).toBeTypeOf('function');
    expect(d.getTaskFunction('s')).toBeUndefined();
    expect(d.getTaskFunction('missing')).toBeUndefined();
    expect(d.taskIds).toEqual(['f', 's']);
  });
});

describe('defineOperator', () => {
  it('stores the compiled JSON options under the operator kind', () => {
    const addSteps = defineOperator<{ clusterId: string; steps: string[] }, { stepIds: string[] }>({
      kind: 'emr.addSteps',
      compile: (input) => {
        if (!input.clusterId.startsWith('j-'))
          throw new InvalidOptionsError('emr.addSteps option clusterId must start with j-');
        return { clusterId: input.clusterId, steps: input.steps };
      },
    });
    const d = dag({ id: uniqueId('emr') });
    d.task('steps', addSteps({ clusterId: 'j-1', steps: ['a'] }));
    expect(d.toSpec().tasks[0]?.operator).toEqual({
      kind: 'emr.addSteps',
      options: { clusterId: 'j-1', steps: ['a'] },
    });
    expect(() => addSteps({ clusterId: 'x', steps: [] })).toThrow('emr.addSteps option clusterId must start with j-');
  });
});
