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
