import { describe, expect, it } from 'vitest';
import {
  CallbackSpec,
  CallbackSpecs,
  DeadlineSpec,
  callbackEvents,
  callbacksForTry,
  tryCallbackEvent,
} from './callbacks';

const notify = (channel: string): CallbackSpec => ({
  type: 'notifier',
  notifier: 'slack',
  options: { channel },
  timeoutMs: 1000,
  retries: 0,
});
const fnCallback: CallbackSpec = { type: 'function', timeoutMs: 1000, retries: 2 };

describe('callbacksForTry', () => {
  const dag = { callbacks: { onFailure: [notify('#dag'), fnCallback], onSuccess: [notify('#ok')] } };

  it('fires the task’s own callbacks for the event, numbered in their list', () => {
    const task = { taskId: 'load', callbacks: { onFailure: [notify('#load')], onRetry: [fnCallback] } };
    expect(callbacksForTry(dag, task, 'onFailure')).toEqual([
      { scope: { kind: 'task', taskId: 'load' }, event: 'onFailure', index: 0, spec: notify('#load') },
    ]);
    expect(callbacksForTry(dag, task, 'onRetry')).toEqual([
      { scope: { kind: 'task', taskId: 'load' }, event: 'onRetry', index: 0, spec: fnCallback },
    ]);
  });

  it('falls back to the DAG’s callbacks when the task has none for the event, or an empty list', () => {
    const expected = [
      { scope: { kind: 'dag' }, event: 'onFailure', index: 0, spec: notify('#dag') },
      { scope: { kind: 'dag' }, event: 'onFailure', index: 1, spec: fnCallback },
    ];
    expect(callbacksForTry(dag, { taskId: 'load' }, 'onFailure')).toEqual(expected);
    expect(callbacksForTry(dag, { taskId: 'load', callbacks: { onSuccess: [fnCallback] } }, 'onFailure')).toEqual(
      expected,
    );
    expect(callbacksForTry(dag, { taskId: 'load', callbacks: { onFailure: [] } }, 'onFailure')).toEqual(expected);
  });

  it('fires nothing when neither the task nor the DAG declares the event', () => {
    expect(callbacksForTry(dag, { taskId: 'load' }, 'onRetry')).toEqual([]);
    expect(callbacksForTry({}, { taskId: 'load' }, 'onSuccess')).toEqual([]);
  });
});

describe('tryCallbackEvent', () => {
  it('maps a try’s end to the event it fires; a skip fires none', () => {
    expect(tryCallbackEvent('success')).toBe('onSuccess');
    expect(tryCallbackEvent('failed')).toBe('onFailure');
    expect(tryCallbackEvent('up_for_retry')).toBe('onRetry');
    expect(tryCallbackEvent('skipped')).toBeNull();
  });
});

describe('callback specs', () => {
  it('names the four events', () => {
    expect(callbackEvents).toEqual(['onFailure', 'onRetry', 'onSuccess', 'onDeadlineMiss']);
  });

  it('accepts a function or a notifier of each kind, with up to 20 retries', () => {
    for (const notifier of ['slack', 'webhook', 'email', 'sns']) {
      expect(CallbackSpec.safeParse({ ...notify('#a'), notifier }).success, notifier).toBe(true);
    }
    expect(CallbackSpec.safeParse({ ...fnCallback, retries: 20 }).success).toBe(true);
    expect(
      CallbackSpecs.safeParse({ onFailure: [fnCallback], onRetry: [], onSuccess: [], onDeadlineMiss: [notify('#a')] })
        .success,
    ).toBe(true);
  });

  it('refuses more than 20 retries, negative retries, and a timeout that is not a positive whole number', () => {
    const refused = [
      { ...fnCallback, retries: 21 },
      { ...fnCallback, retries: -1 },
      { ...fnCallback, retries: 1.5 },
      { ...fnCallback, timeoutMs: 0 },
      { ...fnCallback, timeoutMs: 1.5 },
      { ...notify('#a'), notifier: 'pager' },
      { ...notify('#a'), options: 'channel' },
      { type: 'script', timeoutMs: 1000, retries: 0 },
    ];
    for (const spec of refused) expect(CallbackSpec.safeParse(spec).success, JSON.stringify(spec)).toBe(false);
    expect(CallbackSpecs.safeParse({ onFailure: [{ ...fnCallback, retries: 21 }] }).success).toBe(false);
  });

  it('measures a deadline from the logical date, the queue time or the interval end, within a positive whole ms', () => {
    for (const from of ['logicalDate', 'queuedAt', 'runAfter']) {
      expect(DeadlineSpec.safeParse({ from, withinMs: 60_000 }).success, from).toBe(true);
    }
    expect(DeadlineSpec.safeParse({ from: 'startedAt', withinMs: 60_000 }).success).toBe(false);
    expect(DeadlineSpec.safeParse({ from: 'queuedAt', withinMs: 0 }).success).toBe(false);
    expect(DeadlineSpec.safeParse({ from: 'queuedAt', withinMs: 0.5 }).success).toBe(false);
  });
});
