import { describe, expect, it } from 'vitest';
import { fullDefaults, parseArgs, quickDefaults, UsageError } from './args';

describe('chaos arguments', () => {
  it('defaults to the full configuration', () => {
    expect(parseArgs([])).toEqual(fullDefaults);
    expect(fullDefaults).toMatchObject({
      runs: 20,
      tasks: 50,
      workers: 3,
      schedulers: 2,
      kills: 20,
      postgresOutageMs: 10_000,
    });
  });

  it('takes --quick and lets later options override it, in both forms', () => {
    expect(parseArgs(['--quick', '--runs', '5', '--kills=1', '--no-aws', '--no-revive'])).toEqual({
      ...quickDefaults,
      runs: 5,
      kills: 1,
      aws: false,
      revive: false,
    });
  });

  it('rejects unknown arguments and bad numbers', () => {
    expect(() => parseArgs(['--nope'])).toThrow(UsageError);
    expect(() => parseArgs(['--runs', 'x'])).toThrow(/--runs/);
    expect(() => parseArgs(['--workers', '0'])).toThrow(/at least 1/);
    expect(() => parseArgs(['--runs'])).toThrow(/needs a value/);
  });
});
