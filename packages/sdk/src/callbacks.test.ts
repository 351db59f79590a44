import { InvalidOptionsError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { callback, dag, fn, notify } from './index';

describe('callbacks in dag() and task()', () => {
  it('stores a function as its place in the spec and keeps the function for the worker', () => {
    const onFailure = () => undefined;
    const d = dag({ id: 'cb_spec', onFailure });
    d.task(
      't',
      { onRetry: [notify.webhook({ url: 'http://hooks.local/x' }), callback(onFailure, { retries: 0 })] },
      fn(() => 1),
    );
    const spec = d.toSpec();
    expect(spec.callbacks).toEqual({ onFailure: [{ type: 'function', timeoutMs: 60_000, retries: 2 }] });
    expect(spec.tasks[0]?.callbacks).toEqual({
      onRetry: [
        {
          type: 'notifier',
          notifier: 'webhook',
          options: { url: 'http://hooks.local/x' },
          timeoutMs: 60_000,
          retries: 2,
        },
        { type: 'function', timeoutMs: 60_000, retries: 0 },
      ],
    });
    expect(d.getCallback(null, 'onFailure', 0)).toBe(onFailure);
    expect(d.getCallback('t', 'onRetry', 1)).toBe(onFailure);
    expect(d.getCallback('t', 'onRetry', 0)).toBeUndefined();
  });

  it('leaves DAGs without callbacks as they were (their hash does not change)', () => {
    const d = dag({ id: 'cb_none' });
    d.task(
      't',
      fn(() => 1),
    );
    const spec = d.toSpec();
    expect('callbacks' in spec).toBe(false);
    expect('deadline' in spec).toBe(false);
    expect('callbacks' in (spec.tasks[0] ?? {})).toBe(false);
  });

  it('compiles a deadline, its notify going after onDeadlineMiss', () => {
    const miss = () => undefined;
    const d = dag({
      id: 'cb_deadline',
      onDeadlineMiss: miss,
      deadline: { from: 'runAfter', within: '2h', notify: notify.slack({ webhookUrl: { env: 'SLACK_URL' } }) },
    });
    const spec = d.toSpec();
    expect(spec.deadline).toEqual({ from: 'runAfter', withinMs: 2 * 3_600_000 });
    expect(spec.callbacks?.onDeadlineMiss?.map((c) => c.type)).toEqual(['function', 'notifier']);
    expect(d.getCallback(null, 'onDeadlineMiss', 0)).toBe(miss);
  });

  it('names the option that is wrong', () => {
    expect(() => dag({ id: 'cb_bad1', onFailure: 'mail me' as never })).toThrow(
      new InvalidOptionsError(
        'dag("cb_bad1") option onFailure must be a function, a notifier (notify.slack(...)…), callback(...) or a list of them, got "mail me"',
      ),
    );
    expect(() => dag({ id: 'cb_bad2', deadline: { from: 'startedAt' as never, within: '1h' } })).toThrow(
      'dag("cb_bad2") option deadline.from must be one of logicalDate, queuedAt, runAfter, got "startedAt"',
    );
    expect(() => notify.sns({ topicArn: 'alerts' })).toThrow(
      'notify.sns() option topicArn must be an ARN (arn:aws:sns:…), got "alerts"',
    );
    expect(() => notify.email({ smtp: { host: 'mail' }, from: 'a@b', to: 'nobody' })).toThrow(
      'notify.email() option to must be an address or a list of them, got "nobody"',
    );
    expect(() => dag({ id: 'cb_bad3', onSuccess: callback(() => undefined, { timeout: 0 }) })).toThrow(
      'dag("cb_bad3") option onSuccess timeout must be longer than 0',
    );
  });
});

describe('deadlines and callback lists in dag()', () => {
  it('numbers deadline.notify functions after the onDeadlineMiss ones, in the one list a missed deadline fires', () => {
    const first = () => undefined;
    const second = () => undefined;
    const third = () => undefined;
    const d = dag({
      id: 'cb_deadline_order',
      onDeadlineMiss: [first, second],
      deadline: { from: 'queuedAt', within: '30m', notify: [notify.sns({ topicArn: 'arn:aws:sns:x' }), third] },
    });
    expect(d.toSpec().callbacks?.onDeadlineMiss?.map((c) => c.type)).toEqual([
      'function',
      'function',
      'notifier',
      'function',
    ]);
    expect([0, 1, 2, 3].map((i) => d.getCallback(null, 'onDeadlineMiss', i))).toEqual([
      first,
      second,
      undefined,
      third,
    ]);
  });

  it('fires deadline.notify alone when the DAG has no onDeadlineMiss, and keeps its other callbacks', () => {
    const miss = () => undefined;
    const ok = () => undefined;
    const d = dag({
      id: 'cb_notify_only',
      onSuccess: ok,
      deadline: { from: 'logicalDate', within: 60_000, notify: miss },
    });
    expect(d.toSpec().callbacks).toEqual({
      onSuccess: [{ type: 'function', timeoutMs: 60_000, retries: 2 }],
      onDeadlineMiss: [{ type: 'function', timeoutMs: 60_000, retries: 2 }],
    });
    expect(d.getCallback(null, 'onDeadlineMiss', 0)).toBe(miss);
    expect(d.getCallback(null, 'onSuccess', 0)).toBe(ok);
    expect(d.toSpec().deadline).toEqual({ from: 'logicalDate', withinMs: 60_000 });
  });

  it('stores a deadline without notify, and a notify-only deadline on a DAG with no other callbacks', () => {
    expect(dag({ id: 'cb_plain_deadline', deadline: { from: 'runAfter', within: '1h' } }).toSpec()).toMatchObject({
      deadline: { from: 'runAfter', withinMs: 3_600_000 },
    });
    const miss = () => undefined;
    const d = dag({ id: 'cb_only_notify', deadline: { from: 'queuedAt', within: '1h', notify: miss } });
    expect(d.toSpec().callbacks).toEqual({ onDeadlineMiss: [{ type: 'function', timeoutMs: 60_000, retries: 2 }] });
    expect(d.getCallback(null, 'onDeadlineMiss', 0)).toBe(miss);
  });

  it('stores a deadline without notify, and no callbacks for empty lists', () => {
    const d = dag({ id: 'cb_empty', onFailure: [], deadline: { from: 'runAfter', within: '1h', notify: [] } });
    d.task(
      't',
      { onRetry: [] },
      fn(() => 1),
    );
    const spec = d.toSpec();
    expect(spec.deadline).toEqual({ from: 'runAfter', withinMs: 3_600_000 });
    expect('callbacks' in spec).toBe(false);
    expect('callbacks' in (spec.tasks[0] ?? {})).toBe(false);
  });

  it('keeps a task’s callback functions apart from the DAG’s and from another task’s', () => {
    const dagFailure = () => undefined;
    const taskFailure = () => undefined;
    const d = dag({ id: 'cb_keys', onFailure: dagFailure });
    d.task(
      'a',
      { onFailure: taskFailure },
      fn(() => 1),
    );
    d.task(
      'b',
      fn(() => 1),
    );
    expect(d.getCallback(null, 'onFailure', 0)).toBe(dagFailure);
    expect(d.getCallback('a', 'onFailure', 0)).toBe(taskFailure);
    expect(d.getCallback('b', 'onFailure', 0)).toBeUndefined();
    expect(d.getCallback('a', 'onSuccess', 0)).toBeUndefined();
  });

  it('refuses a deadline that is not an object, has an unknown key or ends at once', () => {
    expect(() => dag({ id: 'cb_d1', deadline: '1h' as never })).toThrow(
      'dag("cb_d1") option deadline must be an object',
    );
    expect(() => dag({ id: 'cb_d2', deadline: { from: 'queuedAt', within: '1h', after: 1 } as never })).toThrow(
      'dag("cb_d2") option deadline.after is not a known option (known: from, within, notify)',
    );
    expect(() => dag({ id: 'cb_d6', deadline: { from: 'queuedAt', within: 'soon' as never } })).toThrow(
      'dag("cb_d6") option deadline.within "soon" is not a duration',
    );
    expect(() => dag({ id: 'cb_d3', deadline: { from: 'queuedAt', within: 0 } })).toThrow(
      'dag("cb_d3") option deadline.within must be longer than 0',
    );
    expect(() => dag({ id: 'cb_d4', deadline: { from: 'queuedAt', within: '1h', notify: 'me' as never } })).toThrow(
      'dag("cb_d4") option deadline.notify must be a function',
    );
    expect(() => dag({ id: 'cb_d5', onRetry: 5 as never })).toThrow('dag("cb_d5") option onRetry must be a function');
  });
});
