/**
 * branch, shortCircuit, setup, teardown and group: the specs they build, the
 * errors bad options get, and their typing. The `@ts-expect-error` lines are
 * checked by `tsc -p packages/sdk` (an unneeded one fails it); the compiler
 * test proves the same lines without the directive are errors.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { dag } from './dag';
import { fn, shell } from './operator';

const typed = dag({ id: 'typed_flow' });
const pick = typed.branch(
  'pick',
  { choices: ['full', 'delta'] },
  fn(() => (Math.random() > 0.5 ? 'full' : 'delta')),
);
typed.task(
  'full',
  { upstream: [pick] },
  fn((ctx) => ctx.output(pick)),
);
typed.task('delta', { upstream: [pick] }, shell({ command: 'true' }));
// @ts-expect-error "report" is not a choice of the branch it lists upstream
typed.task('report', { upstream: [pick] }, shell({ command: 'true' }));
typed.branch(
  'wrong',
  { choices: ['a'] },
  // @ts-expect-error a branch returns one of its choices
  fn(() => 'b'),
);
const made = typed.setup(
  'make',
  fn(() => ({ clusterId: 'j-1' })),
);
typed.teardown(
  'unmake',
  { setup: made },
  fn((ctx) => ctx.output(made).clusterId),
);
const grouped = typed.group('g', (g) => {
  const inner = g.task(
    'one',
    fn(() => 1),
  );
  // @ts-expect-error a group's task id is prefixed: "g.one" is what ctx.output gets
  const wrongId: 'one' = inner.taskId;
  return wrongId;
});
typed.task(
  'after_g',
  { upstream: [grouped] },
  // @ts-expect-error a group is not a task: its output cannot be read
  fn((ctx) => ctx.output(grouped)),
);

const shell0 = shell({ command: 'true' });

describe('branch', () => {
  it('records its choices, and its downstream list it upstream', () => {
    const d = dag({ id: 'b1' });
    const choose = d.branch(
      'choose',
      { choices: ['a', 'b', 'a'] },
      fn(() => 'a'),
    );
    d.task('a', { upstream: [choose] }, shell0);
    expect(d.toSpec().tasks[0]).toMatchObject({ taskId: 'choose', branch: { kind: 'choose', choices: ['a', 'b'] } });
    expect(d.toSpec().tasks[1]?.upstream).toEqual(['choose']);
  });

  it('needs choices', () => {
    const d = dag({ id: 'b2' });
    const untyped = d.branch as (id: string, options: unknown, op: unknown) => unknown;
    expect(() =>
      untyped(
        'x',
        { choices: [] },
        fn(() => 'a'),
      ),
    ).toThrow('dag("b2").branch("x") option choices must list the ids of the tasks the branch may follow');
    expect(() =>
      untyped(
        'y',
        {},
        fn(() => 'a'),
      ),
    ).toThrow('dag("b2").branch("y") option choices must be');
  });
});

describe('shortCircuit', () => {
  it('ignores downstream trigger rules unless told not to', () => {
    const d = dag({ id: 's1' });
    d.shortCircuit(
      'gate',
      {},
      fn(() => false),
    );
    d.shortCircuit(
      'soft',
      { ignoreDownstreamTriggerRules: false },
      fn(() => true),
    );
    expect(d.toSpec().tasks.map((t) => t.branch)).toEqual([
      { kind: 'short_circuit', ignoreDownstreamTriggerRules: true },
      { kind: 'short_circuit', ignoreDownstreamTriggerRules: false },
    ]);
  });

  it('names a bad ignoreDownstreamTriggerRules', () => {
    const d = dag({ id: 's2' });
    const untyped = d.shortCircuit as (id: string, options: unknown, op: unknown) => unknown;
    expect(() => untyped('gate', { ignoreDownstreamTriggerRules: 'yes' }, shell0)).toThrow(
      'dag("s2").shortCircuit("gate") option ignoreDownstreamTriggerRules must be',
    );
  });
});

describe('setup and teardown', () => {
  it('makes the setup upstream of its teardown, with the teardown rule', () => {
    const d = dag({ id: 't1' });
    const create = d.setup('create', shell0);
    const work = d.task('work', { upstream: [create] }, shell0);
    d.teardown('stop', { setup: create, upstream: [work], failRun: true }, shell0);
    const [c, , stop] = d.toSpec().tasks;
    expect(c?.role).toBe('setup');
    expect(stop).toMatchObject({
      role: 'teardown',
      failRun: true,
      upstream: ['create', 'work'],
      triggerRule: 'all_done_setup_success',
    });
  });

  it('refuses a teardown of a task that is not a setup, without a setup, or with its own trigger rule', () => {
    const d = dag({ id: 't2' });
    const plain = d.task('plain', shell0);
    const create = d.setup('create', shell0);
    const untyped = d.teardown as (id: string, options: unknown, op: unknown) => unknown;
    expect(() => untyped('a', { setup: plain }, shell0)).toThrow(
      'dag("t2").teardown("a") option setup: task "plain" is not a setup task (add it with setup())',
    );
    expect(() => untyped('b', {}, shell0)).toThrow('dag("t2").teardown("b") option setup is required');
    expect(() => untyped('c', { setup: [] }, shell0)).toThrow('option setup must name at least one setup task');
    expect(() => untyped('d', { setup: create, triggerRule: 'all_done' }, shell0)).toThrow(
      'dag("t2").teardown("d") option triggerRule: a teardown\'s trigger rule is all_done_setup_success',
    );
  });
});

describe('group', () => {
  it('prefixes ids, applies its default args and upstream to its first tasks, and depends downstream on its last', () => {
    const d = dag({ id: 'g1', defaultArgs: { retries: 1, pool: 'p' } });
    const start = d.task('start', shell0);
    const ingest = d.group('ingest', { upstream: [start], defaultArgs: { retries: 3 } }, (g) => {
      const a = g.task('a', shell0);
      g.task('b', shell0);
      g.group('raw', (r) => {
        r.task('c', { upstream: [a], retries: 5 }, shell0);
      });
    });
    d.task('end', { upstream: [ingest] }, shell0);
    const tasks = Object.fromEntries(d.toSpec().tasks.map((t) => [t.taskId, t]));
    expect(Object.keys(tasks)).toEqual(['start', 'ingest.a', 'ingest.b', 'ingest.raw.c', 'end']);
    expect(tasks['ingest.a']).toMatchObject({ upstream: ['start'], group: 'ingest', pool: 'p' });
    expect(tasks['ingest.a']?.retry.retries).toBe(3);
    expect(tasks['ingest.raw.c']).toMatchObject({ upstream: ['ingest.a'], group: 'ingest.raw' });
    expect(tasks['ingest.raw.c']?.retry.retries).toBe(5);
    expect(tasks['end']?.upstream).toEqual(['ingest.b', 'ingest.raw.c']);
  });

  it('refuses a group used inside itself, an empty group, a taken id and a bad builder', () => {
    const d = dag({ id: 'g2' });
    const untyped = d.group as (id: string, ...rest: unknown[]) => { dagId: string; groupId: string };
    expect(() => untyped('empty', () => undefined)).toThrow(
      'dag("g2").group("empty"): a group needs at least one task',
    );
    expect(() => untyped('nobuild', {})).toThrow(
      'dag("g2").group("nobuild"): the last argument must be a function that adds the group\'s tasks',
    );
    expect(() => untyped('bad', { tooltip: 'x' }, () => undefined)).toThrow('dag("g2").group("bad") option tooltip');
    d.task('taken', shell0);
    expect(() => untyped('taken', () => undefined)).toThrow('a group or task with this id is already defined');
    expect(() =>
      d.group('self', (g) => {
        g.task('x', { upstream: [{ dagId: 'g2', groupId: 'self' }] }, shell0);
      }),
    ).toThrow('is group "self", which a task inside it cannot depend on');
    expect(() => d.task('y', { upstream: [{ dagId: 'g2', groupId: 'ghost' }] }, shell0)).toThrow(
      'names unknown group "ghost"',
    );
  });
});

describe('branch typing', () => {
  const here = dirname(fileURLToPath(import.meta.url));

  function errorLines(source: string): number[] {
    const file = join(here, '__flow_probe__.ts');
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
    return ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => (d.file?.getLineAndCharacterOfPosition(d.start ?? 0).line ?? -1) + 1);
  }

  it('rejects a branch returning an id it did not declare and a downstream that is not a choice', () => {
    const source = [
      "import { dag, fn, shell } from './index';",
      "const d = dag({ id: 'probe' });",
      "const ok = d.branch('ok', { choices: ['a', 'b'] }, fn(() => ['a', 'b'] as const));",
      "d.task('a', { upstream: [ok] }, shell({ command: 'true' }));",
      "d.branch('bad', { choices: ['a'] }, fn(() => 'c'));",
      "d.task('c', { upstream: [ok] }, shell({ command: 'true' }));",
      "d.group('g', (g) => { g.task('a', { upstream: [ok] }, shell({ command: 'true' })); });",
    ].join('\n');
    expect(errorLines(source)).toEqual([5, 6, 7]);
  }, 30_000);
});
