import { describe, expect, it } from 'vitest';
import type { DagSpec, TaskSpec, TriggerRule } from './dag-spec';
import {
  decide,
  formatDuration,
  type SchedulingInput,
  type SchedulingResult,
  type TaskDecision,
  type TaskInstanceView,
} from './scheduling';
import { assertNever } from './assert-never';
import { canTransitionTask, type TaskInstanceState } from './states';
import { makeDag, makeTask } from './test-fixtures';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);
const MIN = 60_000;

type TaskSetup = TaskInstanceState | Partial<TaskInstanceView>;

function view(taskId: string, setup: TaskSetup, spec: TaskSpec | undefined): TaskInstanceView {
  const partial = typeof setup === 'string' ? { state: setup } : setup;
  return {
    taskId,
    state: 'none',
    tryNumber: 0,
    maxTries: (spec?.retry.retries ?? 0) + 1,
    nextRetryAt: null,
    startedAt: null,
    heartbeatAt: null,
    ...partial,
  };
}

function inputFor(
  dag: DagSpec,
  tasks: Record<string, TaskSetup>,
  overrides: Partial<SchedulingInput> = {},
): SchedulingInput {
  const views = new Map<string, TaskInstanceView>();
  for (const t of dag.tasks) {
    views.set(t.taskId, view(t.taskId, tasks[t.taskId] ?? 'none', t));
  }
  return {
    dag,
    run: { state: 'running', startedAt: ago(10 * MIN), runId: 'run-1' },
    tasks: views,
    now: NOW,
    freeTaskSlots: 16,
    freePoolSlots: new Map(),
    heartbeatTimeoutMs: 2 * MIN,
    timeoutGraceMs: 30_000,
    ...overrides,
  };
}

/** decide(), plus the invariant that every move it asks for is legal in the state table. */
function run(input: SchedulingInput): SchedulingResult {
  const result = decide(input);
  for (const d of result.tasks) {
    if (d.type === 'set_state' || d.type === 'fail_try') {
      expect(canTransitionTask(d.from, d.to), `${d.taskId}: ${d.from} → ${d.to}`).toBe(true);
    }
    if (d.type === 'enqueue') expect(canTransitionTask(d.from, 'queued')).toBe(true);
    if (d.type === 'resume_deferred') expect(canTransitionTask(d.from, 'deferred')).toBe(true);
  }
  return result;
}

/** The decisions as short strings, easy to compare: `a: none → scheduled`, `a: enqueue`, `b: waiting`. */
function summary(decisions: readonly TaskDecision[]): string[] {
  return decisions.map((d) => {
    switch (d.type) {
      case 'set_state':
        return `${d.taskId}: ${d.from} → ${d.to}`;
      case 'enqueue':
        return `${d.taskId}: enqueue try ${d.tryNumber}`;
      case 'fail_try':
        return `${d.taskId}: fail try ${d.tryNumber} ${d.from} → ${d.to}`;
      case 'resume_deferred':
        return `${d.taskId}: resume try ${d.tryNumber} ${d.from} → deferred (${d.cause})`;
      case 'waiting':
        return `${d.taskId}: waiting`;
      case 'expand':
        return `${d.taskId}: expand`;
      default:
        return assertNever(d);
    }
  });
}

const reasonFor = (result: SchedulingResult, taskId: string, type: TaskDecision['type']): string | undefined => {
  const d = result.tasks.find((x) => x.taskId === taskId && x.type === type);
  return d && 'reason' in d ? d.reason : undefined;
};

const chain = makeDag({
  tasks: [makeTask('a'), makeTask('b', { upstream: ['a'] }), makeTask('c', { upstream: ['b'] })],
});

// extract → (left, right) → load
const fan = makeDag({
  tasks: [
    makeTask('extract'),
    makeTask('left', { upstream: ['extract'] }),
    makeTask('right', { upstream: ['extract'] }),
    makeTask('load', { upstream: ['left', 'right'] }),
  ],
});

describe('decide: a linear chain', () => {
  it('schedules and enqueues the root of a fresh run, and says why the rest wait', () => {
    const result = run(inputFor(chain, {}));
    expect(summary(result.tasks)).toEqual(['a: none → scheduled', 'b: waiting', 'c: waiting', 'a: enqueue try 1']);
    expect(reasonFor(result, 'b', 'waiting')).toBe('waiting for 1 upstream task: a');
    expect(result.run).toBeNull();
  });

  it('moves on to the next task when its upstream succeeded', () => {
    const result = run(inputFor(chain, { a: 'success' }));
    expect(summary(result.tasks)).toEqual(['b: none → scheduled', 'c: waiting', 'b: enqueue try 1']);
  });

  it('does nothing for tasks that are queued or running', () => {
    const result = run(inputFor(chain, { a: 'success', b: { state: 'running', tryNumber: 1, startedAt: ago(MIN) } }));
    expect(summary(result.tasks)).toEqual(['c: waiting']);
  });

  it('finishes the run as success when every task succeeded', () => {
    const result = run(inputFor(chain, { a: 'success', b: 'success', c: 'success' }));
    expect(result.tasks).toEqual([]);
    expect(result.run).toEqual({ type: 'finish_run', to: 'success', reason: 'all 3 tasks finished: 3 success' });
  });
});

describe('decide: fan-out and fan-in', () => {
  it('schedules both branches once the shared upstream succeeded', () => {
    const result = run(inputFor(fan, { extract: 'success' }));
    expect(summary(result.tasks)).toEqual([
      'left: none → scheduled',
      'right: none → scheduled',
      'load: waiting',
      'left: enqueue try 1',
      'right: enqueue try 1',
    ]);
    expect(reasonFor(result, 'load', 'waiting')).toBe('waiting for 2 upstream tasks: left, right');
  });

  it('waits at the join until the last branch is done', () => {
    const result = run(inputFor(fan, { extract: 'success', left: 'success', right: 'running' }));
    expect(reasonFor(result, 'load', 'waiting')).toBe('waiting for 1 upstream task: right');
    const done = run(inputFor(fan, { extract: 'success', left: 'success', right: 'success' }));
    expect(summary(done.tasks)).toEqual(['load: none → scheduled', 'load: enqueue try 1']);
  });
});

describe('decide: trigger rules in a run', () => {
  const withRule = (rule: TriggerRule): DagSpec =>
    makeDag({
      tasks: [makeTask('ok'), makeTask('bad'), makeTask('after', { upstream: ['ok', 'bad'], triggerRule: rule })],
    });

  it.each<[TriggerRule, TaskInstanceState]>([
    ['all_success', 'upstream_failed'],
    ['all_failed', 'skipped'],
    ['all_done', 'scheduled'],
    ['one_success', 'scheduled'],
    ['one_failed', 'scheduled'],
    ['none_failed', 'upstream_failed'],
    ['none_failed_min_one_success', 'upstream_failed'],
    ['always', 'scheduled'],
  ])('%s with one upstream succeeded and one failed → %s', (rule, to) => {
    const result = run(inputFor(withRule(rule), { ok: 'success', bad: 'failed' }));
    expect(result.tasks[0]).toMatchObject({ type: 'set_state', taskId: 'after', from: 'none', to });
  });

  it.each<[TriggerRule, string]>([
    ['all_success', 'waiting'],
    ['one_success', 'scheduled'],
    ['one_failed', 'waiting'],
    ['always', 'scheduled'],
  ])('%s with one upstream succeeded and one running → %s', (rule, expected) => {
    const result = run(inputFor(withRule(rule), { ok: 'success', bad: 'running' }));
    const first = result.tasks[0];
    expect(first?.type === 'waiting' ? 'waiting' : first?.type === 'set_state' ? first.to : first?.type).toBe(expected);
  });

  it('cascades a skip from a branch down the whole path in one pass', () => {
    const dag = makeDag({
      tasks: [
        makeTask('branch'),
        makeTask('step1', { upstream: ['branch'] }),
        makeTask('step2', { upstream: ['step1'] }),
        makeTask('join', { upstream: ['step2', 'other'], triggerRule: 'none_failed_min_one_success' }),
        makeTask('other'),
      ],
    });
    const result = run(inputFor(dag, { branch: 'skipped', other: 'success' }));
    expect(summary(result.tasks)).toEqual([
      'step1: none → skipped',
      'step2: none → skipped',
      'join: none → scheduled',
      'join: enqueue try 1',
    ]);
  });
});

describe('decide: retries', () => {
  const retrying = makeDag({
    tasks: [
      makeTask('flaky', {
        retry: { retries: 2, retryDelayMs: MIN, exponentialBackoff: false, maxRetryDelayMs: null },
      }),
    ],
  });

  it('schedules and enqueues the next try when the retry is due', () => {
    const result = run(inputFor(retrying, { flaky: { state: 'up_for_retry', tryNumber: 1, nextRetryAt: ago(1) } }));
    expect(summary(result.tasks)).toEqual(['flaky: up_for_retry → scheduled', 'flaky: enqueue try 2']);
    expect(reasonFor(result, 'flaky', 'set_state')).toBe('try 2 of 3 is due');
  });

  it('treats a retry exactly at now as due', () => {
    const result = run(inputFor(retrying, { flaky: { state: 'up_for_retry', tryNumber: 2, nextRetryAt: NOW } }));
    expect(summary(result.tasks)).toEqual(['flaky: up_for_retry → scheduled', 'flaky: enqueue try 3']);
  });

  it('waits for a retry that is not due and says when it is', () => {
    const at = new Date(NOW.getTime() + 30_000);
    const result = run(inputFor(retrying, { flaky: { state: 'up_for_retry', tryNumber: 1, nextRetryAt: at } }));
    expect(result.tasks).toEqual([
      { type: 'waiting', taskId: 'flaky', reason: 'try 2 of 3 at 2026-03-01T12:00:30.000Z' },
    ]);
    expect(result.run).toBeNull();
  });
});

describe('decide: execution timeouts and zombies', () => {
  const timed = makeDag({
    tasks: [
      makeTask('slow', {
        executionTimeoutMs: 5 * MIN,
        retry: { retries: 1, retryDelayMs: MIN, exponentialBackoff: false, maxRetryDelayMs: null },
      }),
      makeTask('after', { upstream: ['slow'] }),
    ],
  });
  const runningFor = (ms: number, tryNumber = 1): Partial<TaskInstanceView> => ({
    state: 'running',
    tryNumber,
    startedAt: ago(ms),
    heartbeatAt: ago(5_000),
  });

  it('leaves a try alone within executionTimeout plus grace', () => {
    const result = run(inputFor(timed, { slow: runningFor(5 * MIN + 29_000) }));
    expect(summary(result.tasks)).toEqual(['after: waiting']);
  });

  it('fails a try past executionTimeout plus grace to up_for_retry, with the retry time', () => {
    const result = run(inputFor(timed, { slow: runningFor(5 * MIN + 30_000) }));
    expect(result.tasks[0]).toEqual({
      type: 'fail_try',
      taskId: 'slow',
      from: 'running',
      tryNumber: 1,
      to: 'up_for_retry',
      nextRetryAt: new Date(NOW.getTime() + MIN),
      cause: 'execution_timeout',
      reason: 'try 1 exceeded its executionTimeout of 5 min (started 2026-03-01T11:54:30.000Z, 5 min 30 s ago)',
    });
    expect(summary(result.tasks).slice(1)).toEqual(['after: waiting']);
  });

  it('fails the last try for good, cascades upstream_failed and fails the run in the same pass', () => {
    const result = run(inputFor(timed, { slow: runningFor(10 * MIN, 2) }));
    expect(summary(result.tasks)).toEqual(['slow: fail try 2 running → failed', 'after: none → upstream_failed']);
    expect(reasonFor(result, 'slow', 'fail_try')).toMatch(/; no tries left \(2 of 2\)$/);
    expect(result.run).toEqual({ type: 'finish_run', to: 'failed', reason: '2 tasks failed: slow, after' });
  });

  it('times out a deferred try too, but never calls it a zombie for lacking heartbeats', () => {
    const deferredFresh = { state: 'deferred' as const, tryNumber: 1, startedAt: ago(MIN), heartbeatAt: ago(30 * MIN) };
    expect(summary(run(inputFor(timed, { slow: deferredFresh })).tasks)).toEqual(['after: waiting']);
    const deferredLate = { ...deferredFresh, startedAt: ago(6 * MIN) };
    expect(summary(run(inputFor(timed, { slow: deferredLate })).tasks)[0]).toBe(
      'slow: fail try 1 deferred → up_for_retry',
    );
  });

  it('fails a running try whose heartbeat is older than heartbeatTimeoutMs', () => {
    const zombie = { state: 'running' as const, tryNumber: 1, startedAt: ago(3 * MIN), heartbeatAt: ago(2 * MIN + 1) };
    const result = run(inputFor(timed, { slow: zombie }));
    expect(summary(result.tasks)[0]).toBe('slow: fail try 1 running → up_for_retry');
    expect(reasonFor(result, 'slow', 'fail_try')).toBe(
      'no heartbeat from try 1 for 2 min (limit 2 min); its worker is presumed lost',
    );
  });

  it('uses startedAt when a running try never sent a heartbeat', () => {
    const silent = { state: 'running' as const, tryNumber: 1, startedAt: ago(3 * MIN), heartbeatAt: null };
    expect(summary(run(inputFor(timed, { slow: silent })).tasks)[0]).toBe('slow: fail try 1 running → up_for_retry');
  });

  it('leaves a running try with a fresh heartbeat alone', () => {
    const alive = { state: 'running' as const, tryNumber: 1, startedAt: ago(3 * MIN), heartbeatAt: ago(2 * MIN) };
    expect(summary(run(inputFor(timed, { slow: alive })).tasks)).toEqual(['after: waiting']);
  });

  it('gives the same jittered retry time for the same try every time (pure)', () => {
    const dag = makeDag({
      tasks: [
        makeTask('x', {
          executionTimeoutMs: MIN,
          retry: { retries: 3, retryDelayMs: 10_000, exponentialBackoff: true, maxRetryDelayMs: null },
        }),
      ],
    });
    const input = inputFor(dag, { x: runningFor(10 * MIN, 2) });
    const first = run(input).tasks[0];
    const second = run(input).tasks[0];
    expect(first?.type).toBe('fail_try');
    expect(first).toEqual(second);
    const at = first?.type === 'fail_try' ? first.nextRetryAt : null;
    const delay = (at?.getTime() ?? 0) - NOW.getTime();
    expect(delay).toBeGreaterThanOrEqual(18_000);
    expect(delay).toBeLessThanOrEqual(22_000);
  });
});

describe('decide: a lost worker whose try has an external job', () => {
  // create_cluster → add_steps (retries 0) → terminate_cluster (all_done)
  const emr = makeDag({
    tasks: [
      makeTask('create_cluster', { operator: { kind: 'emr.createCluster', options: {} } }),
      makeTask('add_steps', { upstream: ['create_cluster'], operator: { kind: 'emr.addSteps', options: {} } }),
      makeTask('terminate_cluster', { upstream: ['create_cluster', 'add_steps'], triggerRule: 'all_done' }),
    ],
  });
  const lost = (hasExternal: boolean): Partial<TaskInstanceView> => ({
    state: 'running',
    tryNumber: 1,
    startedAt: ago(5 * MIN),
    heartbeatAt: ago(3 * MIN),
    hasExternal,
  });

  it('after AddJobFlowSteps on the last try: resumes the wait and decides nothing downstream', () => {
    const result = run(inputFor(emr, { create_cluster: 'success', add_steps: lost(true) }));
    expect(summary(result.tasks)).toEqual(['add_steps: resume try 1 running → deferred (heartbeat_lost)']);
    expect(reasonFor(result, 'add_steps', 'resume_deferred')).toBe(
      'no heartbeat from try 1 for 3 min (limit 2 min); its worker is presumed lost; its external job goes on, so another worker resumes the wait',
    );
    expect(result.run).toBeNull();
  });

  it('after RunJobFlow: resumes the wait, leaves the downstream none and the run going', () => {
    const result = run(inputFor(emr, { create_cluster: lost(true) }));
    expect(summary(result.tasks)).toEqual(['create_cluster: resume try 1 running → deferred (heartbeat_lost)']);
    expect(result.run).toBeNull();
  });

  it('on the fast path too, with the downstream in scope', () => {
    const result = run(
      inputFor(
        emr,
        { create_cluster: 'success', add_steps: lost(true) },
        { only: new Set(['add_steps', 'terminate_cluster']) },
      ),
    );
    expect(summary(result.tasks)).toEqual(['add_steps: resume try 1 running → deferred (heartbeat_lost)']);
  });

  it('without an external job, fails the last try with a typed cause and lets all_done run', () => {
    const result = run(inputFor(emr, { create_cluster: 'success', add_steps: lost(false) }));
    expect(summary(result.tasks)).toEqual([
      'add_steps: fail try 1 running → failed',
      'terminate_cluster: none → scheduled',
      'terminate_cluster: enqueue try 1',
    ]);
    const fail = result.tasks[0];
    expect(fail?.type === 'fail_try' ? fail.cause : null).toBe('heartbeat_lost');
  });

  it('past executionTimeout, fails even with an external job (its job is cancelled, not resumed)', () => {
    const timed = makeDag({
      tasks: emr.tasks.map((t) => (t.taskId === 'add_steps' ? { ...t, executionTimeoutMs: MIN } : t)),
    });
    const result = run(inputFor(timed, { create_cluster: 'success', add_steps: lost(true) }));
    expect(summary(result.tasks)[0]).toBe('add_steps: fail try 1 running → failed');
    const fail = result.tasks[0];
    expect(fail?.type === 'fail_try' ? fail.cause : null).toBe('execution_timeout');
  });
});

describe('decide: concurrency limits and priority', () => {
  const wide = makeDag({
    tasks: [
      makeTask('low', { priorityWeight: 1 }),
      makeTask('high', { priorityWeight: 10 }),
      makeTask('mid_a', { priorityWeight: 5 }),
      makeTask('mid_b', { priorityWeight: 5 }),
    ],
  });

  it('enqueues by priorityWeight, ties in topological order, up to freeTaskSlots', () => {
    const result = run(
      inputFor(
        wide,
        { low: 'scheduled', high: 'scheduled', mid_a: 'scheduled', mid_b: 'scheduled' },
        { freeTaskSlots: 2 },
      ),
    );
    expect(summary(result.tasks)).toEqual([
      'high: enqueue try 1',
      'mid_a: enqueue try 1',
      'mid_b: waiting',
      'low: waiting',
    ]);
    expect(reasonFor(result, 'low', 'waiting')).toBe('the DAG has no free task slot (maxActiveTasks is 16)');
  });

  it('enqueues nothing when the DAG has no free task slots', () => {
    const result = run(inputFor(wide, {}, { freeTaskSlots: 0 }));
    expect(result.tasks.filter((d) => d.type === 'enqueue')).toEqual([]);
    expect(result.tasks.filter((d) => d.type === 'set_state')).toHaveLength(4);
  });

  it('respects pool slots, lets a smaller task into the space left, and ignores pools not in the map', () => {
    const dag = makeDag({
      tasks: [
        makeTask('big', { pool: 'emr', poolSlots: 2, priorityWeight: 9 }),
        makeTask('small_1', { pool: 'emr', priorityWeight: 5 }),
        makeTask('small_2', { pool: 'emr', priorityWeight: 4 }),
        makeTask('elsewhere', { pool: 'default_pool', priorityWeight: 1 }),
      ],
    });
    const result = run(inputFor(dag, {}, { freePoolSlots: new Map([['emr', 1]]) }));
    expect(summary(result.tasks.filter((d) => d.type !== 'set_state'))).toEqual([
      'big: waiting',
      'small_1: enqueue try 1',
      'small_2: waiting',
      'elsewhere: enqueue try 1',
    ]);
    expect(reasonFor(result, 'big', 'waiting')).toBe('pool "emr" has 1 free slot; the task needs 2');
    expect(reasonFor(result, 'small_2', 'waiting')).toBe('pool "emr" has 0 free slots; the task needs 1');
  });

  it('carries pool, slots, priority and the try number on an enqueue', () => {
    const dag = makeDag({ tasks: [makeTask('t', { pool: 'glue', poolSlots: 3, priorityWeight: 7 })] });
    const result = run(inputFor(dag, { t: { state: 'scheduled', tryNumber: 2 } }));
    expect(result.tasks).toEqual([
      { type: 'enqueue', taskId: 't', from: 'scheduled', tryNumber: 3, pool: 'glue', poolSlots: 3, priorityWeight: 7 },
    ]);
  });
});

describe('decide: upstream_failed cascade and run outcome', () => {
  const long = makeDag({
    tasks: [
      makeTask('a'),
      makeTask('b', { upstream: ['a'] }),
      makeTask('c', { upstream: ['b'] }),
      makeTask('d', { upstream: ['c'] }),
      makeTask('cleanup', { upstream: ['d'], triggerRule: 'all_done' }),
    ],
  });

  it('marks everything below a failed task upstream_failed in one pass, then runs all_done cleanup', () => {
    const result = run(inputFor(long, { a: 'failed' }));
    expect(summary(result.tasks)).toEqual([
      'b: none → upstream_failed',
      'c: none → upstream_failed',
      'd: none → upstream_failed',
      'cleanup: none → scheduled',
      'cleanup: enqueue try 1',
    ]);
    expect(reasonFor(result, 'c', 'set_state')).toBe('1 upstream task failed: b (all_success)');
    expect(result.run).toBeNull();
  });

  it('fails the run when a task failed even though the last task succeeded', () => {
    const result = run(
      inputFor(long, {
        a: 'failed',
        b: 'upstream_failed',
        c: 'upstream_failed',
        d: 'upstream_failed',
        cleanup: 'success',
      }),
    );
    expect(result.run).toEqual({ type: 'finish_run', to: 'failed', reason: '4 tasks failed: a, b, c, d' });
  });

  it('finishes as success when tasks were skipped but none failed', () => {
    const result = run(inputFor(chain, { a: 'success', b: 'skipped', c: 'skipped' }));
    expect(result.run).toEqual({
      type: 'finish_run',
      to: 'success',
      reason: 'all 3 tasks finished: 1 success, 2 skipped',
    });
  });

  it('finishes in the same pass when the last decisions make every task terminal', () => {
    const result = run(inputFor(chain, { a: 'success', b: 'skipped' }));
    expect(summary(result.tasks)).toEqual(['c: none → skipped']);
    expect(result.run?.type).toBe('finish_run');
  });
});

describe('decide: the run', () => {
  it.each(['queued', 'success', 'failed'] as const)('decides nothing for a %s run', (state) => {
    expect(decide({ ...inputFor(chain, {}), run: { state, startedAt: ago(MIN) } })).toEqual({ tasks: [], run: null });
  });

  it('fails a run past its dagrunTimeout and lists the tasks not finished', () => {
    const dag = makeDag({ ...chain, dagrunTimeoutMs: 10 * MIN });
    const result = run(inputFor(dag, { a: 'success', b: 'running' }));
    expect(result).toEqual({
      tasks: [],
      run: {
        type: 'fail_run_timeout',
        reason: 'the run exceeded its dagrunTimeout of 10 min (started 2026-03-01T11:50:00.000Z)',
        unfinishedTaskIds: ['b', 'c'],
      },
    });
  });

  it('lets a run within its dagrunTimeout go on', () => {
    const dag = makeDag({ ...chain, dagrunTimeoutMs: 10 * MIN + 1 });
    expect(run(inputFor(dag, {})).run).toBeNull();
  });

  it('reads a task instance missing from the map as none', () => {
    const input = inputFor(chain, {});
    const result = run({ ...input, tasks: new Map() });
    expect(summary(result.tasks)).toEqual(['a: none → scheduled', 'b: waiting', 'c: waiting', 'a: enqueue try 1']);
  });
});

describe('decide: only (the fast path)', () => {
  const dag = makeDag({
    tasks: [
      makeTask('a'),
      makeTask('b', { upstream: ['a'] }),
      makeTask('c', { upstream: ['b'] }),
      makeTask('independent'),
      makeTask('stale', { executionTimeoutMs: MIN }),
    ],
  });
  const stale = { state: 'running' as const, tryNumber: 1, startedAt: ago(30 * MIN), heartbeatAt: ago(30 * MIN) };

  it('evaluates only the given tasks', () => {
    const result = run(inputFor(dag, { a: 'success', stale }, { only: new Set(['b']) }));
    expect(summary(result.tasks)).toEqual(['b: none → scheduled', 'b: enqueue try 1']);
  });

  it('follows a cascade out of the given tasks', () => {
    const result = run(inputFor(dag, { a: 'failed', stale }, { only: new Set(['b']) }));
    expect(summary(result.tasks)).toEqual(['b: none → upstream_failed', 'c: none → upstream_failed']);
  });

  it('never decides the run, which it does not see all of', () => {
    const done = { a: 'success', b: 'success', c: 'success', independent: 'success', stale: 'success' } as const;
    expect(run(inputFor(dag, done, { only: new Set(['c']) })).run).toBeNull();
    expect(run(inputFor(dag, done)).run).toMatchObject({ type: 'finish_run', to: 'success' });
  });

  it('takes tasks a cascade brings in in topological order, even when declared before the ones that bring them in', () => {
    const late = makeDag({
      tasks: [
        makeTask('z_end', { upstream: ['m_mid'] }),
        makeTask('m_mid', { upstream: ['a_start'] }),
        makeTask('a_start'),
      ],
    });
    const result = run(inputFor(late, { a_start: 'failed' }, { only: new Set(['m_mid']) }));
    expect(summary(result.tasks)).toEqual(['m_mid: none → upstream_failed', 'z_end: none → upstream_failed']);
  });

  it('evaluates everything without it', () => {
    const result = run(inputFor(dag, { a: 'success', stale }));
    expect(summary(result.tasks)).toEqual([
      'stale: fail try 1 running → failed',
      'b: none → scheduled',
      'c: waiting',
      'independent: none → scheduled',
      'b: enqueue try 1',
      'independent: enqueue try 1',
    ]);
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500 ms'],
    [90_000, '90 s'],
    [5 * MIN, '5 min'],
    [330_000, '5 min 30 s'],
    [150 * MIN, '2 h 30 min'],
    [180 * MIN, '3 h'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
