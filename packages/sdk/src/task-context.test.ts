/**
 * ctx.output is typed by the ref's output type and accepts only upstream
 * refs. The `@ts-expect-error` lines below are checked by `tsc -p
 * packages/sdk` (an unneeded one fails it), and the last test runs the
 * compiler to prove the same code without the directive is an error.
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { VariableNotFoundError, createTaskContext, type AnyTaskRef, type TaskContext } from './context';
import { dag } from './dag';
import { fn, shell } from './operator';

const etl = dag({ id: 'typed_outputs' });
const extract = etl.task(
  'extract',
  fn(async () => ({ rows: 42, path: 's3://b/x' })),
);
const count = etl.task(
  'count',
  { upstream: [extract] },
  fn((ctx) => ctx.output(extract).rows * 2),
);
const load = etl.task('load', { upstream: [count] }, shell({ command: 'true' }));
const report = etl.task(
  'report',
  { upstream: [extract, count] },
  fn((ctx) => {
    const rows: number = ctx.output(extract).rows;
    const doubled: number = ctx.output(count);
    // @ts-expect-error load is not an upstream of report
    ctx.output(load);
    // @ts-expect-error count's output is a number, not a string
    const wrong: string = ctx.output(count);
    return `${rows}/${doubled}/${wrong}`;
  }),
);
etl.task(
  'lonely',
  // @ts-expect-error a task without upstream can read no output
  fn((ctx) => ctx.output(extract)),
);

function contextFor(
  taskId: string,
  upstream: string[],
  outputs: Record<string, unknown>,
  lines: string[] = [],
  variables: Record<string, string> = {},
): TaskContext<AnyTaskRef> {
  const day = new Date('2026-01-01T00:00:00Z');
  return createTaskContext({
    run: {
      dagId: 'typed_outputs',
      runId: 'r1',
      taskId,
      logicalDate: day,
      dataInterval: { start: day, end: new Date('2026-01-02T00:00:00Z') },
      conf: {},
      tryNumber: 1,
      maxTries: 1,
    },
    upstream,
    outputs: new Map(Object.entries(outputs)),
    writeLog: (line) => lines.push(line),
    readVariable: async (name) => {
      const value = variables[name];
      if (value === undefined) throw new VariableNotFoundError(name);
      return value;
    },
    signal: new AbortController().signal,
  });
}

describe('TaskContext', () => {
  it('reads a variable by name, and names one that does not exist', async () => {
    const ctx = contextFor('extract', [], {}, [], { api_token: 'tok-12345' });
    const value: string = await ctx.variable('api_token');
    expect(value).toBe('tok-12345');
    await expect(ctx.variable('missing')).rejects.toThrow(VariableNotFoundError);
    await expect(ctx.variable('missing')).rejects.toThrow(
      'Variable "missing" does not exist (set it with: sluice variables set missing …)',
    );
  });

  it('hands a task function the outputs of its upstream tasks', async () => {
    const run = etl.getTaskFunction('report');
    const ctx = contextFor('report', ['extract', 'count'], { extract: { rows: 42, path: 'p' }, count: 84 });
    // Reading load, which the compiler rejected above, also fails at runtime.
    await expect((async () => run?.(ctx))()).rejects.toThrow(
      'read the output of "typed_outputs.load", which is not one of its upstream tasks (its upstream is extract, count)',
    );
    const countFn = etl.getTaskFunction('count');
    expect(await countFn?.(contextFor('count', ['extract'], { extract: { rows: 21 } }))).toBe(42);
  });

  it('throws when an upstream recorded no output, and says so through hasOutput', () => {
    const ctx = contextFor('count', ['extract'], {});
    expect(ctx.hasOutput(extract)).toBe(false);
    expect(() => ctx.output(extract)).toThrow('upstream task "extract" recorded no output');
  });

  it('writes log arguments as one line', () => {
    const lines: string[] = [];
    contextFor('count', [], {}, lines).log('rows', 3, { a: 1 });
    expect(lines).toEqual(['rows 3 {"a":1}']);
  });

  it('keeps the ref returned by task() typed by its output', () => {
    expect(report.taskId).toBe('report');
  });
});

describe('ctx.output typing', () => {
  const here = dirname(fileURLToPath(import.meta.url));

  function diagnosticsOf(source: string): ts.Diagnostic[] {
    const file = join(here, '__typing_probe__.ts');
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      types: ['node'],
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (name) => (name === file ? source : readFile(name));
    host.fileExists = (name) => name === file || fileExists(name);
    host.getSourceFile = (name, lang, onError, create) =>
      name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, onError, create);
    const program = ts.createProgram([file], options, host);
    return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
  }

  it('rejects a ref that is not upstream and accepts one that is', () => {
    const source = [
      "import { dag, fn } from './index';",
      "const d = dag({ id: 'probe' });",
      "const a = d.task('a', fn(() => ({ rows: 1 })));",
      "const b = d.task('b', fn(() => 'text'));",
      "d.task('c', { upstream: [a] }, fn((ctx) => ctx.output(a).rows));",
      "d.task('d', { upstream: [a] }, fn((ctx) => ctx.output(b)));",
    ].join('\n');
    const diagnostics = diagnosticsOf(source);
    expect(diagnostics.map((d) => [d.code, d.file?.getLineAndCharacterOfPosition(d.start ?? 0).line])).toEqual([
      [2345, 5],
    ]);
  }, 30_000);
});
