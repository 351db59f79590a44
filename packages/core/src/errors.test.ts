import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { assertNever } from './assert-never';
import { ConfigError, parseConfig } from './config';
import {
  DagValidationError,
  IllegalTransitionError,
  InvalidOptionsError,
  NonRetryableError,
  RetryAfterError,
  SkipTaskError,
  TaskTimeoutError,
  isNonRetryable,
  isSkip,
  retryAfterMs,
  serializeError,
  toError,
} from './errors';

describe('error classes', () => {
  it('carry their own name, so a serialized error says what it was', () => {
    const named: Array<[Error, string]> = [
      [new IllegalTransitionError('task instance', 'none', 'running'), 'IllegalTransitionError'],
      [new NonRetryableError('x'), 'NonRetryableError'],
      [new RetryAfterError('x', 5), 'RetryAfterError'],
      [new SkipTaskError('x'), 'SkipTaskError'],
      [new TaskTimeoutError(5), 'TaskTimeoutError'],
      [new InvalidOptionsError('x'), 'InvalidOptionsError'],
      [new DagValidationError('d', []), 'DagValidationError'],
      [new ConfigError('x'), 'ConfigError'],
    ];
    for (const [err, name] of named) expect(serializeError(err).name).toBe(name);
  });

  it('say what went wrong in their message', () => {
    expect(new TaskTimeoutError(1500).message).toBe('Task exceeded its executionTimeout of 1500 ms');
    expect(
      new DagValidationError('etl', [
        { path: 'schedule', message: 'bad cron' },
        { path: 'tasks.a.upstream', message: 'unknown task b' },
      ]).message,
    ).toBe('DAG "etl" is invalid: schedule: bad cron; tasks.a.upstream: unknown task b');
  });
});

describe('recognising task errors by shape', () => {
  it('knows NonRetryableError and SkipTaskError, and copies of them from a bundle', () => {
    expect(isNonRetryable(new NonRetryableError('x'))).toBe(true);
    expect(isNonRetryable(Object.assign(new Error('x'), { nonRetryable: true }))).toBe(true);
    expect(isNonRetryable(Object.assign(new Error('x'), { nonRetryable: 'yes' }))).toBe(false);
    expect(isNonRetryable(new SkipTaskError('x'))).toBe(false);
    expect(isSkip(new SkipTaskError('x'))).toBe(true);
    expect(isSkip(Object.assign(new Error('x'), { skipTask: true }))).toBe(true);
    expect(isSkip(Object.assign(new Error('x'), { skipTask: 1 }))).toBe(false);
    expect(isSkip(new NonRetryableError('x'))).toBe(false);
  });

  it('reads the delay a RetryAfterError asks for, and nothing that is not a delay', () => {
    expect(retryAfterMs(new RetryAfterError('later', 30_000))).toBe(30_000);
    expect(retryAfterMs(new RetryAfterError('now', 0))).toBe(0);
    expect(retryAfterMs(Object.assign(new Error('x'), { retryAfterMs: 10 }))).toBe(10);
    for (const bad of [-1, Number.POSITIVE_INFINITY, Number.NaN, '10'])
      expect(retryAfterMs(Object.assign(new Error('x'), { retryAfterMs: bad })), String(bad)).toBeNull();
    expect(retryAfterMs(new Error('x'))).toBeNull();
  });
});

describe('toError and serializeError', () => {
  it('keep an Error, wrap a string, and write anything else as JSON or text', () => {
    const err = new RangeError('r');
    expect(toError(err)).toBe(err);
    expect(toError('boom').message).toBe('boom');
    expect(toError({ code: 7 }).message).toBe('{"code":7}');
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(toError(circular).message).toBe('[object Object]');
    expect(toError(10n).message).toBe('10');
  });

  it('keep name, message, stack and a string or number code as plain data', () => {
    const err = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    expect(serializeError(err)).toEqual({ name: 'Error', message: 'refused', stack: err.stack, code: 'ECONNREFUSED' });
    expect(serializeError(Object.assign(new Error('x'), { code: 42 })).code).toBe('42');
    expect(serializeError(Object.assign(new Error('x'), { code: { nested: true } })).code).toBeUndefined();
    expect(serializeError('text')).toMatchObject({ name: 'Error', message: 'text', code: undefined });
  });
});

describe('parseConfig', () => {
  const Schema = z.object({ PORT: z.coerce.number().int().positive(), HOST: z.string().min(1) });

  it('returns the parsed configuration', () => {
    expect(parseConfig(Schema, { PORT: '8080', HOST: 'h' }, 'api')).toEqual({ PORT: 8080, HOST: 'h' });
  });

  it('throws ConfigError naming the process and every variable that is wrong, one a line', () => {
    expect(() => parseConfig(Schema, { PORT: '-1', HOST: '' }, 'api')).toThrow(ConfigError);
    try {
      parseConfig(Schema, { PORT: '-1', HOST: '' }, 'api');
    } catch (raw) {
      const lines = (raw instanceof Error ? raw.message : '').split('\n');
      expect(lines[0]).toBe('Invalid api configuration:');
      expect(lines.slice(1).map((l) => l.split(':')[0])).toEqual(['  PORT', '  HOST']);
      expect(lines[1]).toMatch(/^ {2}PORT: .+/);
    }
  });
});

describe('assertNever', () => {
  it('throws with the value it was given', () => {
    expect(() => assertNever('late' as never)).toThrow('Unexpected value: "late"');
  });
});
