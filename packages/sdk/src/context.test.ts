/** The context a task function gets at runtime: upstream outputs, refs it may not read, its log lines. */
import type { RunContext } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { VariableNotFoundError, createTaskContext, formatLogArgs, type AnyTaskRef } from './context';

const at = new Date('2026-03-01T00:00:00.000Z');
const run: RunContext = {
  dagId: 'etl',
  runId: 'manual__1',
  taskId: 'load',
  logicalDate: at,
  dataInterval: { start: at, end: at },
  conf: { day: '2026-03-01' },
  tryNumber: 2,
  maxTries: 3,
};
const ref = (taskId: string, dagId = 'etl'): AnyTaskRef => ({ dagId, taskId });

function context(upstream: string[], outputs: Record<string, unknown>) {
  const lines: string[] = [];
  const signal = new AbortController().signal;
  const ctx = createTaskContext({
    run,
    upstream,
    outputs: new Map(Object.entries(outputs)),
    writeLog: (line) => lines.push(line),
    readVariable: async (name) => {
      if (name === 'region') return 'eu-west-1';
      throw new VariableNotFoundError(name);
    },
    signal,
  });
  return { ctx, lines, signal };
}

describe('createTaskContext', () => {
  it('ctx.variable reads through the worker, and a missing one names itself', async () => {
    const { ctx } = context([], {});
    await expect(ctx.variable('region')).resolves.toBe('eu-west-1');
    await expect(ctx.variable('nope')).rejects.toThrow('Variable "nope" does not exist');
    await expect(ctx.variable('nope')).rejects.toThrow(
      'Variable "nope" does not exist (set it with: sluice variables set nope …)',
    );
  });

  it('ctx.variable refuses a name that is empty or not a string, naming what it got', async () => {
    const { ctx } = context([], {});
    await expect(ctx.variable('')).rejects.toThrow(new TypeError('ctx.variable() takes a variable\'s name, got ""'));
    await expect(ctx.variable(7 as never)).rejects.toThrow("ctx.variable() takes a variable's name, got 7");
    await expect(ctx.variable(undefined as never)).rejects.toThrow(
      "ctx.variable() takes a variable's name, got undefined",
    );
  });

  it("carries the run's facts and the try's abort signal", () => {
    const { ctx, signal } = context([], {});
    expect(ctx).toMatchObject({ dagId: 'etl', runId: 'manual__1', taskId: 'load', tryNumber: 2, maxTries: 3 });
    expect(ctx.conf).toEqual({ day: '2026-03-01' });
    expect(ctx.signal).toBe(signal);
  });

  it('reads an upstream output, including a recorded null', () => {
    const { ctx } = context(['extract', 'clean'], { extract: { rows: 3 }, clean: null });
    expect(ctx.output(ref('extract'))).toEqual({ rows: 3 });
    expect(ctx.output(ref('clean'))).toBeNull();
    expect(ctx.hasOutput(ref('clean'))).toBe(true);
  });

  it('refuses a ref that is not upstream, or of another DAG, naming the upstream it has', () => {
    const { ctx } = context(['extract', 'clean'], { extract: 1, report: 2 });
    expect(() => ctx.output(ref('report'))).toThrow(
      'task "load" read the output of "etl.report", which is not one of its upstream tasks (its upstream is extract, clean)',
    );
    expect(() => ctx.hasOutput(ref('extract', 'other'))).toThrow(
      'task "load" read the output of "other.extract", which is not one of its upstream tasks (its upstream is extract, clean)',
    );
    expect(() => context([], {}).ctx.output(ref('extract'))).toThrow('(it has no upstream)');
  });

  it('says an upstream recorded no output, through output and hasOutput', () => {
    const { ctx } = context(['extract'], {});
    expect(ctx.hasOutput(ref('extract'))).toBe(false);
    expect(() => ctx.output(ref('extract'))).toThrow(
      'upstream task "extract" recorded no output (it did not succeed in this run)',
    );
  });

  it('writes each log call as one line', () => {
    const { ctx, lines } = context([], {});
    ctx.log('rows', 3, { a: 1 });
    ctx.log();
    expect(lines).toEqual(['rows 3 {"a":1}', '']);
  });
});

describe('formatLogArgs', () => {
  it('writes strings as they are, errors by their stack, and the rest as JSON', () => {
    const err = new Error('boom');
    expect(formatLogArgs(['a b', err, undefined, null, [1, 'x']])).toBe(`a b ${err.stack} undefined null [1,"x"]`);
  });

  it('names an error without a stack, and writes what JSON cannot as text', () => {
    const bare = new TypeError('bad');
    bare.stack = undefined;
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(formatLogArgs([bare, circular, () => 1, 10n])).toBe('TypeError: bad [object Object] () => 1 10');
  });
});
