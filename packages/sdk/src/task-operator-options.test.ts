/** Task options and the shell and fn operators as dag().task() checks them: what is kept and what is refused. */
import { describe, expect, it } from 'vitest';
import { dag } from './dag';
import { defineOperator, fn, shell } from './operator';

let n = 0;
const fresh = () => dag({ id: `task_options_${++n}` });
const echo = () => shell({ command: 'echo' });

describe('task options', () => {
  it('take every trigger rule', () => {
    for (const triggerRule of [
      'all_success',
      'all_failed',
      'all_done',
      'one_success',
      'one_failed',
      'none_failed',
      'none_failed_min_one_success',
      'always',
    ] as const) {
      const d = fresh();
      d.task('t', { triggerRule }, echo());
      expect(d.toSpec().tasks[0]?.triggerRule, triggerRule).toBe(triggerRule);
    }
  });

  it('keep each option given', () => {
    const d = fresh();
    d.task(
      't',
      {
        retries: 3,
        retryDelay: '30s',
        retryExponentialBackoff: true,
        maxRetryDelay: '10m',
        executionTimeout: 1,
        pool: 'warehouse',
        poolSlots: 2,
        priorityWeight: -5,
        owner: 'data',
        doc: 'loads the day',
      },
      echo(),
    );
    expect(d.toSpec().tasks[0]).toMatchObject({
      retry: { retries: 3, retryDelayMs: 30_000, exponentialBackoff: true, maxRetryDelayMs: 600_000 },
      executionTimeoutMs: 1,
      pool: 'warehouse',
      poolSlots: 2,
      priorityWeight: -5,
      owner: 'data',
      doc: 'loads the day',
    });
  });

  it('refuse each malformed option, naming the task and the option', () => {
    const bad = (options: object, message: string) =>
      expect(() => fresh().task('t', options as never, echo()), message).toThrow(message);
    bad({ triggerRule: 'most_success' }, 'must be one of all_success, all_failed, all_done');
    bad({ executionTimeout: 0 }, 'executionTimeout must be longer than 0');
    bad({ executionTimeout: '0s' }, 'executionTimeout must be longer than 0');
    bad({ retryExponentialBackoff: 'yes' }, 'retryExponentialBackoff must be true or false');
    bad({ pool: '' }, 'pool must be a non-empty string');
    bad({ poolSlots: 0 }, 'poolSlots must be an integer >= 1');
    bad({ priorityWeight: 1.5 }, 'priorityWeight must be an integer');
    bad({ owner: 7 }, 'owner must be a non-empty string');
    bad({ doc: 7 }, 'doc must be a string, got number 7');
    bad({ retries: 101 }, 'retries must be an integer between 0 and 100');
    bad({ maxRetryDelay: 'soon' }, 'maxRetryDelay "soon" is not a duration');
  });
});

describe('shell', () => {
  it('keeps its command, environment, directory and skip codes, copied', () => {
    const env = { A: '1' };
    const codes = [99, 3];
    const op = shell({ command: 'make', env, cwd: '/srv', skipOnExitCode: codes });
    expect(op).toEqual({
      kind: 'shell',
      options: { command: 'make', env: { A: '1' }, cwd: '/srv', skipOnExitCode: [99, 3] },
    });
    expect(op.options['env']).not.toBe(env);
    expect(op.options['skipOnExitCode']).not.toBe(codes);
  });

  it('refuses a bad environment, directory or skip codes, naming the option', () => {
    const bad = (input: unknown, message: string) => expect(() => shell(input as never)).toThrow(message);
    bad(
      { command: 'x', env: { A: 1 } },
      "shell() option env.A must be a string or { variable: '<key>' }, got number 1",
    );
    bad(
      { command: 'x', env: { A: '1', B: 2 } },
      "shell() option env.B must be a string or { variable: '<key>' }, got number 2",
    );
    bad({ command: 'x', env: ['A=1'] }, 'shell() option env must be an object of strings, got an array');
    bad({ command: 'x', cwd: '' }, 'shell() option cwd must be a non-empty string');
    bad(
      { command: 'x', skipOnExitCode: [1.5] },
      'shell() option skipOnExitCode must be an array of integers, got an array',
    );
    bad(
      { command: 'x', skipOnExitCode: 99 },
      'shell() option skipOnExitCode must be an array of integers, got number 99',
    );
    bad('echo', 'shell() options must be an object, got "echo"');
  });
});

describe('fn and defineOperator', () => {
  it('refuses fn without a function', () => {
    expect(() => fn('x' as never)).toThrow('fn() takes a function, got "x"');
  });

  it('checks what an operator compiles is JSON, naming the kind', () => {
    const odd = defineOperator<number>({ kind: 'odd.op', compile: (x) => ({ at: x === 1 ? new Date(0) : 1 }) });
    expect(odd(2)).toEqual({ kind: 'odd.op', options: { at: 1 } });
    expect(() => odd(1)).toThrow('odd.op options.at must be JSON');
    expect(() => defineOperator({ kind: '', compile: () => ({}) })).toThrow(
      'defineOperator kind must be a non-empty string',
    );
  });
});
