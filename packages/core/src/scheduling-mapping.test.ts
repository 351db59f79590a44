/**
 * The scheduling decision with mapped tasks: a mapped task is expanded (not
 * scheduled) when its trigger rule says run; its instances are keyed
 * `load[3]`, scheduled, enqueued and retried one by one; a task downstream
 * counts every instance; maxActiveTisPerDagrun caps the active ones.
 */
import { describe, expect, it } from 'vitest';
import type { DagSpec, TaskSpec } from './dag-spec';
import { decide, type SchedulingInput, type TaskInstanceView } from './scheduling';
import { taskKey } from './mapping';
import type { TaskInstanceState } from './states';
import { makeDag, makeTask } from './test-fixtures';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const MIN = 60_000;

type Setup = TaskInstanceState | Partial<TaskInstanceView>;

/** `tasks`: by key; `load[2]` is instance 2 of load. */
function inputFor(
  dag: DagSpec,
  tasks: Record<string, Setup>,
  overrides: Partial<SchedulingInput> = {},
): SchedulingInput {
  const views = new Map<string, TaskInstanceView>();
  for (const [key, setup] of Object.entries(tasks)) {
    const m = /^(.+)\[(\d+)\]$/.exec(key);
    const taskId = m ? (m[1] as string) : key;
    const spec = dag.tasks.find((t) => t.taskId === taskId);
    views.set(key, {
      taskId,
      ...(m ? { mapIndex: Number(m[2]) } : {}),
      state: 'none',
      tryNumber: 0,
      maxTries: (spec?.retry.retries ?? 0) + 1,
      nextRetryAt: null,
      startedAt: null,
      heartbeatAt: null,
      ...(typeof setup === 'string' ? { state: setup } : setup),
    });
  }
  return {
    dag,
    run: { state: 'running', startedAt: new Date(NOW.getTime() - 10 * MIN), runId: 'run-1' },
    tasks: views,
    now: NOW,
    freeTaskSlots: 16,
    freePoolSlots: new Map(),
    heartbeatTimeoutMs: 2 * MIN,
    timeoutGraceMs: 30_000,
    ...overrides,
  };
}

const summary = (input: SchedulingInput) =>
  decide(input).tasks.map((d) => {
    switch (d.type) {
      case 'set_state':
        return `${d.taskId}: ${d.from} → ${d.to}`;
      case 'enqueue':
        return `${d.taskId}: enqueue try ${d.tryNumber}`;
      case 'expand':
        return `${d.taskId}: expand`;
      case 'fail_try':
        return `${d.taskId}: fail try ${d.tryNumber} → ${d.to}`;
      default:
        return `${d.taskId}: ${d.type}`;
    }
  });

function mappedDag(load: Partial<TaskSpec> = {}, dag: Partial<DagSpec> = {}): DagSpec {
  return makeDag({
    ...dag,
    tasks: [
      makeTask('list'),
      makeTask('load', {
        upstream: ['list'],
        map: { over: { from: 'output', taskId: 'list', path: ['partitions'] } },
        ...load,
      }),
      makeTask('report', { upstream: ['load'] }),
    ],
  });
}

const instances = (n: number, state: Setup, from = 0): Record<string, Setup> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [taskKey('load', from + i), state]));

describe('decide: expanding a mapped task', () => {
  it('expands a mapped task whose upstream succeeded, with its map and the default maxMapLength', () => {
    const dag = mappedDag();
    const result = decide(inputFor(dag, { list: 'success', load: 'none', report: 'none' }));
    expect(result.tasks).toEqual([
      {
        type: 'expand',
        taskId: 'load',
        from: 'none',
        map: { over: { from: 'output', taskId: 'list', path: ['partitions'] } },
        maxMapLength: 1024,
        reason: 'the upstream task succeeded',
      },
      { type: 'waiting', taskId: 'report', reason: 'waiting for 1 upstream task: load' },
    ]);
    expect(result.run).toBeNull();
  });

  it("passes the DAG's maxMapLength on", () => {
    const dag = mappedDag({}, { maxMapLength: 10_000 });
    const expand = decide(inputFor(dag, { list: 'success' })).tasks.find((d) => d.type === 'expand');
    expect(expand).toMatchObject({ maxMapLength: 10_000 });
  });

  it('waits, skips or fails a mapped task as its trigger rule says, without expanding it', () => {
    const dag = mappedDag();
    expect(summary(inputFor(dag, { list: 'running' }))).toEqual(['load: waiting', 'report: waiting']);
    expect(summary(inputFor(dag, { list: 'failed' }))).toEqual([
      'load: none → upstream_failed',
      'report: none → upstream_failed',
    ]);
    expect(summary(inputFor(dag, { list: 'skipped' }))).toEqual(['load: none → skipped', 'report: none → skipped']);
  });

  it('schedules and enqueues expanded instances in map-index order, never expanding them again', () => {
    const dag = mappedDag();
    expect(summary(inputFor(dag, { list: 'success', ...instances(3, 'none') }))).toEqual([
      'load[0]: none → scheduled',
      'load[1]: none → scheduled',
      'load[2]: none → scheduled',
      'report: waiting',
      'load[0]: enqueue try 1',
      'load[1]: enqueue try 1',
      'load[2]: enqueue try 1',
    ]);
  });

  it('orders instances by map index whatever order they were read in', () => {
    const dag = mappedDag();
    expect(
      summary(inputFor(dag, { list: 'success', 'load[2]': 'none', 'load[10]': 'none', 'load[0]': 'none' })).slice(0, 3),
    ).toEqual(['load[0]: none → scheduled', 'load[2]: none → scheduled', 'load[10]: none → scheduled']);
  });

  it('enqueues what the DAG slots allow, lowest map index first', () => {
    const dag = mappedDag();
    const result = decide(inputFor(dag, { list: 'success', ...instances(4, 'scheduled') }, { freeTaskSlots: 2 }));
    expect(result.tasks.map((d) => `${d.taskId}: ${d.type}`)).toEqual([
      'report: waiting',
      'load[0]: enqueue',
      'load[1]: enqueue',
      'load[2]: waiting',
      'load[3]: waiting',
    ]);
  });
});

describe('decide: maxActiveTisPerDagrun', () => {
  it('enqueues no more instances than the limit, counting those already active', () => {
    const dag = mappedDag({ maxActiveTisPerDagrun: 3 });
    const result = decide(
      inputFor(dag, {
        list: 'success',
        'load[0]': 'running',
        'load[1]': 'success',
        'load[2]': 'deferred',
        ...instances(3, 'scheduled', 3),
      }),
    );
    expect(result.tasks.filter((d) => d.type !== 'waiting' || d.taskId !== 'report')).toEqual([
      expect.objectContaining({ type: 'enqueue', taskId: 'load[3]', tryNumber: 1 }),
      {
        type: 'waiting',
        taskId: 'load[4]',
        reason: '3 instances of load already queued or running in this run (maxActiveTisPerDagrun is 3)',
      },
      {
        type: 'waiting',
        taskId: 'load[5]',
        reason: '3 instances of load already queued or running in this run (maxActiveTisPerDagrun is 3)',
      },
    ]);
  });

  it('counts the instances a pass queues against maxActiveTisPerDag, with those active in other runs', () => {
    const dag = mappedDag({ maxActiveTisPerDag: 3 });
    const input = inputFor(
      dag,
      { list: 'success', ...instances(4, 'scheduled') },
      { activeByTask: new Map([['load', 1]]) },
    );
    expect(summary(input).filter((line) => !line.startsWith('report'))).toEqual([
      'load[0]: enqueue try 1',
      'load[1]: enqueue try 1',
      'load[2]: waiting',
      'load[3]: waiting',
    ]);
    expect(decide(input).tasks.find((d) => d.taskId === 'load[2]')).toEqual({
      type: 'waiting',
      taskId: 'load[2]',
      reason: 'load: 3 of 3 instances of this task active across runs (maxActiveTisPerDag)',
    });
  });

  it('says "1 instance" when one is active', () => {
    const dag = mappedDag({ maxActiveTisPerDagrun: 1 });
    const result = decide(inputFor(dag, { list: 'success', 'load[0]': 'queued', 'load[1]': 'scheduled' }));
    expect(result.tasks.find((d) => d.taskId === 'load[1]')).toEqual({
      type: 'waiting',
      taskId: 'load[1]',
      reason: '1 instance of load already queued or running in this run (maxActiveTisPerDagrun is 1)',
    });
  });

  it('leaves other tasks alone', () => {
    const dag = makeDag({
      tasks: [
        makeTask('a', { map: { over: { from: 'list', items: [1, 2] } }, maxActiveTisPerDagrun: 1 }),
        makeTask('b'),
      ],
    });
    expect(summary(inputFor(dag, { 'a[0]': 'scheduled', 'a[1]': 'scheduled', b: 'scheduled' }))).toEqual([
      'a[0]: enqueue try 1',
      'a[1]: waiting',
      'b: enqueue try 1',
    ]);
  });
});

describe('decide: downstream of a mapped task', () => {
  it('waits while any instance is unfinished, naming it', () => {
    const dag = mappedDag();
    const result = decide(inputFor(dag, { list: 'success', ...instances(3, 'success'), 'load[1]': 'running' }));
    expect(result.tasks).toEqual([
      { type: 'waiting', taskId: 'report', reason: 'waiting for 1 upstream task: load[1]' },
    ]);
  });

  it('runs all_success once every instance succeeded', () => {
    const dag = mappedDag();
    expect(summary(inputFor(dag, { list: 'success', ...instances(3, 'success') }))).toEqual([
      'report: none → scheduled',
      'report: enqueue try 1',
    ]);
  });

  it('marks all_success upstream_failed when one instance failed', () => {
    const dag = mappedDag();
    const result = decide(inputFor(dag, { list: 'success', ...instances(3, 'success'), 'load[2]': 'failed' }));
    expect(result.tasks[0]).toEqual({
      type: 'set_state',
      taskId: 'report',
      from: 'none',
      to: 'upstream_failed',
      reason: '1 upstream task failed: load[2] (all_success)',
    });
  });

  it('skips all_success below a mapped task expanded to nothing (skipped)', () => {
    const dag = mappedDag();
    expect(summary(inputFor(dag, { list: 'success', load: 'skipped' }))).toEqual(['report: none → skipped']);
  });

  it('runs all_done once every instance ended, whatever they did', () => {
    const dag = makeDag({
      tasks: [
        makeTask('load', { map: { over: { from: 'list', items: [1, 2] } } }),
        makeTask('report', { upstream: ['load'], triggerRule: 'all_done' }),
      ],
    });
    expect(summary(inputFor(dag, { 'load[0]': 'failed', 'load[1]': 'success' }))).toEqual([
      'report: none → scheduled',
      'report: enqueue try 1',
    ]);
  });
});

describe('decide: instances one by one', () => {
  it('retries a failed instance alone when its retry is due', () => {
    const dag = mappedDag({
      retry: { retries: 1, retryDelayMs: 1000, exponentialBackoff: false, maxRetryDelayMs: null },
    });
    expect(
      summary(
        inputFor(dag, {
          list: 'success',
          ...instances(3, 'success'),
          'load[1]': { state: 'up_for_retry', tryNumber: 1, nextRetryAt: new Date(NOW.getTime() - 1) },
        }),
      ),
    ).toEqual(['load[1]: up_for_retry → scheduled', 'report: waiting', 'load[1]: enqueue try 2']);
  });

  it('fails the try of a lost instance only, keyed by its index', () => {
    const dag = mappedDag();
    const stale = new Date(NOW.getTime() - 5 * MIN);
    const result = decide(
      inputFor(dag, {
        list: 'success',
        'load[0]': { state: 'running', tryNumber: 1, startedAt: stale, heartbeatAt: stale },
        'load[1]': { state: 'running', tryNumber: 1, startedAt: stale, heartbeatAt: NOW },
      }),
    );
    expect(result.tasks.filter((d) => d.type === 'fail_try').map((d) => d.taskId)).toEqual(['load[0]']);
  });

  it('hands a lost instance with an external job to another worker, deciding nothing else', () => {
    const dag = mappedDag();
    const stale = new Date(NOW.getTime() - 5 * MIN);
    const result = decide(
      inputFor(dag, {
        list: 'success',
        'load[0]': { state: 'running', tryNumber: 1, startedAt: stale, heartbeatAt: stale, hasExternal: true },
        'load[1]': 'scheduled',
      }),
    );
    expect(result.tasks.map((d) => `${d.taskId}: ${d.type}`)).toEqual(['load[0]: resume_deferred']);
  });

  it('ends the run when every instance ended, counting instances in the reason', () => {
    const dag = mappedDag();
    expect(decide(inputFor(dag, { list: 'success', ...instances(2, 'success'), report: 'success' })).run).toEqual({
      type: 'finish_run',
      to: 'success',
      reason: 'all 4 task instances finished: 4 success',
    });
    expect(
      decide(
        inputFor(dag, { list: 'success', ...instances(2, 'success'), 'load[1]': 'failed', report: 'upstream_failed' }),
      ).run,
    ).toEqual({ type: 'finish_run', to: 'failed', reason: '2 tasks failed: load[1], report' });
  });

  it('keeps the run going while one instance is unfinished', () => {
    const dag = mappedDag();
    expect(decide(inputFor(dag, { list: 'success', ...instances(2, 'success'), 'load[1]': 'queued' })).run).toBeNull();
  });

  it('on a run timeout, lists a mapped task once when any instance is unfinished', () => {
    const dag = mappedDag({}, { dagrunTimeoutMs: MIN });
    expect(decide(inputFor(dag, { list: 'success', 'load[0]': 'success', 'load[1]': 'running' })).run).toMatchObject({
      type: 'fail_run_timeout',
      unfinishedTaskIds: ['load', 'report'],
    });
    expect(decide(inputFor(dag, { list: 'success', 'load[0]': 'success', 'load[1]': 'success' })).run).toMatchObject({
      unfinishedTaskIds: ['report'],
    });
  });

  it('in a fast-path pass over the mapped task, enqueues siblings waiting for a slot', () => {
    const dag = mappedDag();
    expect(
      summary(
        inputFor(dag, { list: 'success', 'load[0]': 'success', 'load[1]': 'scheduled' }, { only: new Set(['load']) }),
      ),
    ).toEqual(['load[1]: enqueue try 1']);
  });

  it('says "the only task" for a DAG of one unmapped task, and counts tasks otherwise', () => {
    expect(decide(inputFor(makeDag(), { only: 'success' })).run).toMatchObject({
      reason: 'the only task finished: 1 success',
    });
    const two = makeDag({ tasks: [makeTask('a'), makeTask('b')] });
    expect(decide(inputFor(two, { a: 'success', b: 'skipped' })).run).toMatchObject({
      reason: 'all 2 tasks finished: 1 success, 1 skipped',
    });
    const oneMapped = makeDag({ tasks: [makeTask('a', { map: { over: { from: 'list', items: [1] } } })] });
    expect(decide(inputFor(oneMapped, { 'a[0]': 'success' })).run).toMatchObject({
      reason: 'all 1 task instance finished: 1 success',
    });
  });
});
