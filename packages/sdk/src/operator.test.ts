import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '@sluice/core';
import { shell } from './operator';

describe('shell() env and connection', () => {
  it('stores variable references and the connection as JSON options', () => {
    const op = shell({
      command: 'deploy',
      env: { PLAIN: 'x', API_TOKEN: { variable: 'api_token' } },
      connection: 'warehouse',
    });
    expect(op.options).toEqual({
      command: 'deploy',
      env: { PLAIN: 'x', API_TOKEN: { variable: 'api_token' } },
      connection: 'warehouse',
    });
  });

  it('names an env value that is neither a string nor a variable reference', () => {
    const bad = { command: 'x', env: { A: { variable: 'k', extra: 1 } } } as unknown as Parameters<typeof shell>[0];
    expect(() => shell(bad)).toThrow(InvalidOptionsError);
    expect(() => shell(bad)).toThrow("shell() option env.A must be a string or { variable: '<key>' }");
    const empty = { command: 'x', env: { A: { variable: '' } } } as unknown as Parameters<typeof shell>[0];
    expect(() => shell(empty)).toThrow('shell() option env.A');
    const number = { command: 'x', env: { PORT: 5432 } } as unknown as Parameters<typeof shell>[0];
    expect(() => shell(number)).toThrow(
      "shell() option env.PORT must be a string or { variable: '<key>' }, got number 5432",
    );
    const named = { command: 'x', env: { A: { name: 'k' } } } as unknown as Parameters<typeof shell>[0];
    expect(() => shell(named)).toThrow('shell() option env.A');
    const notObject = { command: 'x', env: 'A=1' } as unknown as Parameters<typeof shell>[0];
    expect(() => shell(notObject)).toThrow('shell() option env must be an object of strings, got "A=1"');
  });

  it('copies a variable reference, and refuses an empty connection', () => {
    const ref = { variable: 'api_token' };
    const op = shell({ command: 'x', env: { TOKEN: ref } });
    ref.variable = 'other';
    expect(op.options['env']).toEqual({ TOKEN: { variable: 'api_token' } });
    expect(() => shell({ command: 'x', connection: '' })).toThrow(
      'shell() option connection must be a non-empty string',
    );
    expect(shell({ command: 'x' }).options).toEqual({ command: 'x' });
    expect(() => shell({ command: 'x', cwd: '' })).toThrow('shell() option cwd must be a non-empty string');
    expect(() => shell({ command: 'x', skipOnExitCode: [99, 1.5] })).toThrow('shell() option skipOnExitCode');
  });
});
