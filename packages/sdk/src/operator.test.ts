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
  });
});
