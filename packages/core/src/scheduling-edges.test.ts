/**
 * The scheduling decision at its edges: views with missing times, retries
 * without a time, upstream ids the DAG lacks, the reasons' wording at their
 * limits, and the jitter key of a retry the scheduler decides.
 */
import { describe, expect, it } from 'vitest';
import type { DagSpec } from './dag-spec';
import { retryDelayMs } from './retry-policy';
import { decide, formatDuration, type SchedulingInput, type TaskInstanceView } from './scheduling';
import type { TaskInstanceState } from './states';
import { makeDag, makeTask } from './test-fixtures';
import { tryJitter } from './try-outcome';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const MIN = 60_000;
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);

function input(dag: DagSpec, tasks: Record<string, Partial<TaskInstanceView>>, over: Partial<SchedulingInput> = {}) {
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
  return {
    dag,
    run: { state: 'running' as const, startedAt: ago(10 * MIN), runId: 'run-1' },
    tasks: views,
    now: NOW,
    freeTaskSlots: 16,
    freePoolSlots: new Map<string, number>(),
    heartbeatTimeoutMs: 2 * MIN,
    timeoutGraceMs: 0,
    ...over,
  };
}

const states = (names: string[], state: TaskInstanceState) => Object.fromEntries(names.map((n) => [n, { state }]));

describe('formatDuration at its boundaries', () => {
  it('switches from ms to s at one second, and from min to h at two hours', () => {
    expect(formatDuration(999)).toBe('999 ms');
    expect(formatDuration(1000)).toBe('1 s');
    expect(formatDuration(7_199_000)).toBe('119 min 59 s');
    expect(formatDuration(7_200_000)).toBe('2 h');
  });
});

describe('the run end reason', () => {
  it('names five failed tasks and counts the rest', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const dag = makeDag({ tasks: ids.map((id) => makeTask(id)) });
    expect(decide(input(dag, states(ids, 'failed'))).run).toEqual({
      type: 'finish_run',
      to: 'failed',
      reason: '6 tasks failed: a, b, c, d, e and 1 more',
    });
    expect(
      decide(input(makeDag({ tasks: ids.slice(0, 5).map((id) => makeTask(id)) }), states(ids.slice(0, 5), 'failed')))
        .run,
    ).toMatchObject({ reason: '5 tasks failed: a, b, c, d, e' });
  });

  it('speaks of the only task of a one-task DAG', () => {
    expect(decide(input(makeDag(), { only: { state: 'success' } })).run).toEqual({
      type: 'finish_run',
      to: 'success',
      reason: 'the only task finished: 1 success',
    });
  });
});

describe('views with missing times', () => {
  const timed = makeDag({ tasks: [makeTask('t', { executionTimeoutMs: MIN })], dagrunTimeoutMs: MIN });

  it('does not time out a deferred try that has no start time', () => {
    const result = decide(
      input(timed, { t: { state: 'deferred', tryNumber: 1 } }, { run: { state: 'running', startedAt: null } }),
    );
    expect(result).toEqual({ tasks: [], run: null });
  });

  it('times out a run that lists a task missing from the view, as unfinished', () => {
    const result = decide(
      input(makeDag({ tasks: [makeTask('a'), makeTask('b')], dagrunTimeoutMs: MIN }), { a: { state: 'success' } }),
    );
    expect(result.run).toMatchObject({ type: 'fail_run_timeout', unfinishedTaskIds: ['b'] });
  });

  it('never ends a try again once its task waits for a retry, whatever its old start time', () => {
    const result = decide(
      input(
        timed,
        { t: { state: 'up_for_retry', tryNumber: 1, maxTries: 3, startedAt: ago(30 * MIN), nextRetryAt: ago(1) } },
        { run: { state: 'running', startedAt: null } },
      ),
    );
    expect(result.tasks.map((d) => d.type)).toEqual(['set_state', 'enqueue']);
  });

  it('treats a retry without a time as due now', () => {
    const result = decide(
      input(makeDag({ tasks: [makeTask('t')] }), { t: { state: 'up_for_retry', tryNumber: 1, maxTries: 2 } }),
    );
    expect(result.tasks[0]).toMatchObject({
      type: 'set_state',
      from: 'up_for_retry',
      to: 'scheduled',
      reason: 'try 2 of 2 is due',
    });
  });
});

describe('upstream the DAG does not have', () => {
  it('is left out of the trigger rule, so the task runs once its known upstream succeeded', () => {
    const dag = makeDag({ tasks: [makeTask('a'), makeTask('b', { upstream: ['a', 'gone'] })] });
    const result = decide(input(dag, { a: { state: 'success' } }));
    expect(result.tasks[0]).toMatchObject({ type: 'set_state', taskId: 'b', to: 'scheduled' });
  });
});

describe('the retry time the scheduler gives a try it ends', () => {
  it('is jittered by the DAG, run, task and try, so it is the same wherever it is decided', () => {
    const retry = { retries: 2, retryDelayMs: 60_000, exponentialBackoff: true, maxRetryDelayMs: null };
    const dag = makeDag({ dagId: 'etl', tasks: [makeTask('t', { executionTimeoutMs: MIN, retry })] });
    const result = decide(
      input(dag, { t: { state: 'running', tryNumber: 1, maxTries: 3, startedAt: ago(5 * MIN), heartbeatAt: NOW } }),
    );
    const expected = NOW.getTime() + retryDelayMs(retry, 1, tryJitter('etl', 'run-1', 't', 1));
    expect(result.tasks[0]).toMatchObject({ type: 'fail_try', to: 'up_for_retry', nextRetryAt: new Date(expected) });
  });
});
