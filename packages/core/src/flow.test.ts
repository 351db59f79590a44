import { describe, expect, it } from 'vitest';
import type { DagSpec } from './dag-spec';
import {
  dependencyVerdict,
  failsRun,
  followedDownstream,
  setupTaskIds,
  shortCircuitsAbove,
  withSetupsAndTeardowns,
} from './flow';
import { runOutcome } from './run-outcome';
import { decide, type TaskInstanceView } from './scheduling';
import type { TaskInstanceState } from './states';
import { makeDag, makeTask } from './test-fixtures';

const choose = makeTask('choose', { branch: { kind: 'choose', choices: ['full', 'delta'] } });
const gate = (ignoreDownstreamTriggerRules: boolean) =>
  makeTask('gate', { branch: { kind: 'short_circuit', ignoreDownstreamTriggerRules } });

describe('followedDownstream', () => {
  it('follows every downstream task of an ordinary task, whatever it returned', () => {
    expect(followedDownstream(makeTask('a'), 'full')).toEqual({ ok: true, followed: null });
  });

  it('follows the one choice a branch returned, or the several it returned once each', () => {
    expect(followedDownstream(choose, 'delta')).toEqual({ ok: true, followed: ['delta'] });
    expect(followedDownstream(choose, ['full', 'delta', 'full'])).toEqual({ ok: true, followed: ['full', 'delta'] });
    expect(followedDownstream(choose, [])).toEqual({ ok: true, followed: [] });
  });

  it('fails a branch that returned an id that is not one of its choices, naming both', () => {
    expect(followedDownstream(choose, ['full', 'report'])).toEqual({
      ok: false,
      message:
        'branch task "choose" returned "report", which is not one of its direct downstream tasks; it must return one of "full", "delta", or an array of them',
    });
    expect(followedDownstream(choose, [3, 'x'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('returned 3, "x", which is not'),
    });
  });

  it('fails a branch that returned neither an id nor an array', () => {
    expect(followedDownstream(choose, undefined)).toEqual({
      ok: false,
      message: 'branch task "choose" returned nothing; it must return one of "full", "delta", or an array of them',
    });
    expect(followedDownstream(choose, { id: 'full' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^branch task "choose" returned \{"id":"full"\};/),
    });
  });

  it('lets a short circuit go on with a truthy value and stop with a falsy one', () => {
    expect(followedDownstream(gate(true), true)).toEqual({ ok: true, followed: null });
    expect(followedDownstream(gate(true), 'yes')).toEqual({ ok: true, followed: null });
    for (const falsy of [false, 0, '', null, undefined]) {
      expect(followedDownstream(gate(false), falsy), String(falsy)).toEqual({ ok: true, followed: [] });
    }
  });
});

describe('shortCircuitsAbove', () => {
  const dag = (ignore: boolean): DagSpec =>
    makeDag({
      tasks: [
        gate(ignore),
        makeTask('next', { upstream: ['gate'] }),
        makeTask('after', { upstream: ['next'] }),
        makeTask('last', { upstream: ['after', 'gate'] }),
        makeTask('other'),
      ],
    });

  it('lists a short circuit that ignores trigger rules above every task below it but its direct downstream', () => {
    expect(shortCircuitsAbove(dag(true))).toEqual(new Map([['after', ['gate']]]));
  });

  it('lists nothing for a short circuit that keeps trigger rules', () => {
    expect(shortCircuitsAbove(dag(false))).toEqual(new Map());
  });
});

describe('dependencyVerdict', () => {
  const view = (taskId: string, state: TaskInstanceState, followed?: string[] | null) => ({ taskId, state, followed });
  const none = new Set<string>();

  it('skips a direct downstream task a branch did not follow, whatever its trigger rule', () => {
    const task = makeTask('delta', { triggerRule: 'all_done' });
    expect(dependencyVerdict(task, [view('choose', 'success', ['full'])], [], none)).toEqual({
      outcome: 'skip',
      reason: 'upstream task "choose" followed "full", not this task',
    });
  });

  it('says when a short circuit followed none of its downstream tasks', () => {
    expect(dependencyVerdict(makeTask('next'), [view('gate', 'success', [])], [], none)).toEqual({
      outcome: 'skip',
      reason: 'upstream task "gate" followed none of its downstream tasks',
    });
  });

  it('applies the trigger rule to a task the branch followed', () => {
    const verdict = dependencyVerdict(makeTask('full'), [view('choose', 'success', ['full'])], [], none);
    expect(verdict).toEqual({ outcome: 'run', reason: 'the upstream task succeeded' });
  });

  it('reads no choice from a branch that has not succeeded', () => {
    const verdict = dependencyVerdict(makeTask('delta'), [view('choose', 'failed', ['full'])], [], none);
    expect(verdict.outcome).toBe('upstream_failed');
  });

  it('skips a task below a short circuit that returned a falsy value, even one whose rule would run', () => {
    const task = makeTask('after', { triggerRule: 'all_done' });
    expect(dependencyVerdict(task, [view('next', 'skipped')], [view('gate', 'success', [])], none)).toEqual({
      outcome: 'skip',
      reason: 'short circuit "gate" returned a falsy value: every task below it is skipped',
    });
  });

  it('leaves a task below a short circuit that went on, or has not ended, to its trigger rule', () => {
    const task = makeTask('after', { triggerRule: 'all_done' });
    expect(dependencyVerdict(task, [view('next', 'success')], [view('gate', 'success', null)], none).outcome).toBe(
      'run',
    );
    expect(dependencyVerdict(task, [view('next', 'success')], [view('gate', 'running', [])], none).outcome).toBe('run');
  });

  it('tells the trigger rule which upstream tasks are setups', () => {
    const task = makeTask('teardown', { triggerRule: 'all_done_setup_success', role: 'teardown' });
    const upstream = [view('create', 'skipped'), view('work', 'skipped')];
    expect(dependencyVerdict(task, upstream, [], new Set(['create'])).outcome).toBe('skip');
    expect(dependencyVerdict(task, upstream, [], none).outcome).toBe('run');
  });
});

describe('setups and teardowns', () => {
  const scoped = makeDag({
    tasks: [
      makeTask('create', { role: 'setup' }),
      makeTask('outside'),
      makeTask('step', { upstream: ['create'] }),
      makeTask('report', { upstream: ['step'] }),
      makeTask('terminate', {
        upstream: ['create', 'report'],
        role: 'teardown',
        triggerRule: 'all_done_setup_success',
      }),
      makeTask('strict', { upstream: ['create'], role: 'teardown', failRun: true }),
    ],
  });

  it('knows the setup tasks', () => {
    expect(setupTaskIds(scoped)).toEqual(new Set(['create']));
  });

  it('counts a teardown failure against the run only with failRun', () => {
    expect(failsRun(makeTask('t', { role: 'teardown' }))).toBe(false);
    expect(failsRun(makeTask('t', { role: 'teardown', failRun: false }))).toBe(false);
    expect(failsRun(makeTask('t', { role: 'teardown', failRun: true }))).toBe(true);
    expect(failsRun(makeTask('t', { role: 'setup' }))).toBe(true);
    expect(failsRun(makeTask('t'))).toBe(true);
  });

  it('clears the setups above a task and their teardowns with it, in declaration order', () => {
    expect(withSetupsAndTeardowns(scoped, ['report'])).toEqual(['create', 'report', 'terminate', 'strict']);
  });

  it('clears a setup with its teardowns', () => {
    expect(withSetupsAndTeardowns(scoped, ['create'])).toEqual(['create', 'terminate', 'strict']);
  });

  it('does not take a task next to a teardown for its setup', () => {
    const dag = makeDag({
      tasks: [
        makeTask('create', { role: 'setup' }),
        makeTask('feed'),
        makeTask('stop', { upstream: ['create', 'feed'], role: 'teardown' }),
      ],
    });
    expect(withSetupsAndTeardowns(dag, ['feed'])).toEqual(['feed']);
  });

  it('clears a teardown or a task outside every scope alone', () => {
    expect(withSetupsAndTeardowns(scoped, ['terminate'])).toEqual(['terminate']);
    expect(withSetupsAndTeardowns(scoped, ['outside'])).toEqual(['outside']);
  });

  it('does not let a failed teardown fail the run, but a failed task in the scope does', () => {
    const ignored = new Set(['terminate']);
    expect(
      runOutcome(
        [
          ['step', 'success'],
          ['terminate', 'failed'],
        ],
        ignored,
      ),
    ).toEqual({ state: 'success' });
    expect(
      runOutcome(
        [
          ['step', 'failed'],
          ['terminate', 'success'],
        ],
        ignored,
      ),
    ).toEqual({ state: 'failed', failedTaskIds: ['step'] });
  });
});

describe('decide with branches, short circuits and teardowns', () => {
  const NOW = new Date('2026-03-01T12:00:00.000Z');
  function decideOn(dag: DagSpec, tasks: Record<string, Partial<TaskInstanceView>>, only?: string[]) {
    const views = new Map<string, TaskInstanceView>();
    for (const [taskId, v] of Object.entries(tasks)) {
      views.set(taskId, {
        taskId,
        state: 'none',
        tryNumber: 0,
        maxTries: 1,
        nextRetryAt: null,
        startedAt: null,
        heartbeatAt: null,
        ...v,
      });
    }
    return decide({
      dag,
      run: { state: 'running', startedAt: NOW, runId: 'r' },
      tasks: views,
      now: NOW,
      freeTaskSlots: 16,
      freePoolSlots: new Map(),
      heartbeatTimeoutMs: 60_000,
      timeoutGraceMs: 0,
      ...(only ? { only: new Set(only) } : {}),
    });
  }
  const moves = (result: ReturnType<typeof decideOn>) =>
    result.tasks.flatMap((d) => (d.type === 'set_state' ? [`${d.taskId}:${d.to}`] : []));

  const branching = makeDag({
    tasks: [
      choose,
      makeTask('full', { upstream: ['choose'] }),
      makeTask('delta', { upstream: ['choose'] }),
      makeTask('delta_check', { upstream: ['delta'] }),
      makeTask('join', { upstream: ['full', 'delta_check'], triggerRule: 'none_failed_min_one_success' }),
    ],
  });

  it('skips the path a branch did not take and runs the join', () => {
    const result = decideOn(branching, { choose: { state: 'success', followed: ['full'] } });
    expect(moves(result)).toEqual(['full:scheduled', 'delta:skipped', 'delta_check:skipped']);
    const joined = decideOn(branching, {
      choose: { state: 'success', followed: ['full'] },
      full: { state: 'success' },
      delta: { state: 'skipped' },
      delta_check: { state: 'skipped' },
    });
    expect(moves(joined)).toEqual(['join:scheduled']);
  });

  it('skips a short circuit’s whole subtree in the fast path, reading the short circuit outside the scope', () => {
    const dag = makeDag({
      tasks: [
        gate(true),
        makeTask('next', { upstream: ['gate'] }),
        makeTask('cleanup', { upstream: ['next'], triggerRule: 'all_done' }),
      ],
    });
    const result = decideOn(dag, { gate: { state: 'success', followed: [] } }, ['next']);
    expect(moves(result)).toEqual(['next:skipped', 'cleanup:skipped']);
  });

  it('runs an all_done task below a short circuit that keeps trigger rules', () => {
    const dag = makeDag({
      tasks: [
        gate(false),
        makeTask('next', { upstream: ['gate'] }),
        makeTask('cleanup', { upstream: ['next'], triggerRule: 'all_done' }),
      ],
    });
    expect(moves(decideOn(dag, { gate: { state: 'success', followed: [] } }))).toEqual([
      'next:skipped',
      'cleanup:scheduled',
    ]);
  });

  it('runs a teardown after a failure in its scope and ends the run as the other tasks say', () => {
    const dag = makeDag({
      tasks: [
        makeTask('create', { role: 'setup' }),
        makeTask('step', { upstream: ['create'] }),
        makeTask('terminate', {
          upstream: ['create', 'step'],
          role: 'teardown',
          triggerRule: 'all_done_setup_success',
        }),
      ],
    });
    expect(moves(decideOn(dag, { create: { state: 'success' }, step: { state: 'failed' } }))).toEqual([
      'terminate:scheduled',
    ]);
    const failedTeardown = decideOn(dag, {
      create: { state: 'success' },
      step: { state: 'success' },
      terminate: { state: 'failed' },
    });
    expect(failedTeardown.run).toEqual({
      type: 'finish_run',
      to: 'success',
      reason: 'all 3 tasks finished: 2 success, 1 failed',
    });
    const failedStep = decideOn(dag, {
      create: { state: 'success' },
      step: { state: 'failed' },
      terminate: { state: 'success' },
    });
    expect(failedStep.run).toMatchObject({ to: 'failed', reason: '1 task failed: step' });
  });
});
