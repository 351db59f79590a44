import { InvalidOptionsError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { createTaskContext, type AnyTaskRef, type TaskRef } from './context';
import { dag } from './dag';
import { compileMap, items } from './mapping';
import { fn, shell } from './operator';

const ref = (taskId: string, dagId = 'd'): AnyTaskRef => Object.freeze({ dagId, taskId });
/** A ref whose output the selector reads typed as `T`. */
const typed = <T>(taskId: string): TaskRef<T, string> => ref(taskId) as TaskRef<T, string>;

function expectInvalid(f: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    f();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(InvalidOptionsError);
  expect((thrown as Error).message).toBe(message);
}

describe('items()', () => {
  it('records the key path the selector reads, or none without one', () => {
    expect(items(ref('list') as never)).toEqual({ kind: 'sluice.mapItems', taskId: 'list', dagId: 'd', path: [] });
    const nested = items(typed<{ batch: { files: string[] } }>('list'), (o) => o.batch.files);
    expect(nested.path).toEqual(['batch', 'files']);
    expect(items(typed<string[][]>('list'), (o) => o[2]).path).toEqual(['2']);
    expect(items(typed<string[]>('list'), (o) => o).path).toEqual([]);
  });

  it('refuses a selector that does anything but read properties, saying what it did', () => {
    const prefix = 'items() selector for "list" may only read properties (like (o) => o.partitions); it';
    expectInvalid(() => items(typed<{ a: number[] }>('list'), (o) => o.a.map((x) => x)), `${prefix} called a.map()`);
    expectInvalid(() => items(typed<() => number[]>('list'), (o) => o()), `${prefix} called the output()`);
    expectInvalid(
      () => items(ref('list'), () => ['x']),
      `${prefix} returned an array instead of a property of the output`,
    );
    expectInvalid(
      () => items(typed<{ n: number }>('list'), (o) => [`${o.n}`]),
      `${prefix} used the value as Symbol.toPrimitive`,
    );
    expectInvalid(() => items(typed<object>('list'), (o) => ('a' in o ? [] : [])), `${prefix} used the in operator`);
    expectInvalid(
      () =>
        items(typed<{ a: number[] }>('list'), (o) => {
          o.a = [];
          return o.a;
        }),
      `${prefix} assigned a property`,
    );
    expectInvalid(() => items(typed<object>('list'), (o) => Object.keys(o) as never), `${prefix} listed the keys`);
    expectInvalid(
      () => items(typed<object>('list'), (o) => (o instanceof Date ? [] : [])),
      `${prefix} looked at the prototype (instanceof)`,
    );
    expectInvalid(
      () => items(typed<{ a: number[] }>('list'), (o) => (delete (o as Partial<typeof o>).a ? [] : [])),
      `${prefix} deleted a property`,
    );
    expectInvalid(() => items(typed<{ a: new () => number[] }>('list'), (o) => new o.a()), `${prefix} used new`);
    expectInvalid(
      () =>
        items(typed<object>('list'), (o) => {
          Object.defineProperty(o, 'x', { value: 1 });
          return [];
        }),
      `${prefix} defined a property`,
    );
    expectInvalid(
      () => items(ref('list'), 'partitions' as never),
      'items() selector for "list" must be a function, got "partitions"',
    );
  });

  it('refuses something that is not a task ref', () => {
    expectInvalid(() => items('list' as never), 'items() takes a task ref (what dag.task() returned), got "list"');
    expectInvalid(
      () => items({ taskId: 'x' } as never),
      'items() takes a task ref (what dag.task() returned), got an object',
    );
    expectInvalid(
      () => items({ dagId: 'd' } as never),
      'items() takes a task ref (what dag.task() returned), got an object',
    );
    class LooksLikeARef {
      taskId = 'list';
      dagId = 'd';
    }
    expectInvalid(
      () => items(new LooksLikeARef() as never),
      'items() takes a task ref (what dag.task() returned), got an object',
    );
  });

  it('names a symbol without a description as a symbol', () => {
    expectInvalid(
      () => items(typed<Record<symbol, number[]>>('list'), (o) => o[Symbol()]),
      'items() selector for "list" may only read properties (like (o) => o.partitions); it used the value as a symbol',
    );
  });
});

describe('compileMap', () => {
  it('stores a list, an upstream output and a product', () => {
    expect(compileMap(['a', 1], 'map', 'd', [])).toEqual({ over: { from: 'list', items: ['a', 1] } });
    expect(
      compileMap(
        items(typed<{ p: string[] }>('list'), (o) => o.p),
        'map',
        'd',
        ['list'],
      ),
    ).toEqual({
      over: { from: 'output', taskId: 'list', path: ['p'] },
    });
    expect(compileMap({ t: items(ref('list') as never), day: [1, 2] }, 'map', 'd', ['list'])).toEqual({
      product: [
        { key: 't', over: { from: 'output', taskId: 'list', path: [] } },
        { key: 'day', over: { from: 'list', items: [1, 2] } },
      ],
    });
  });

  it('refuses a source that is not upstream, of another DAG, or not JSON, and anything else', () => {
    expectInvalid(
      () => compileMap(items(ref('list') as never), 'opt map', 'd', []),
      'opt map maps over the output of "list", which is not among the task\'s upstream: list it in upstream',
    );
    expectInvalid(
      () => compileMap(items(ref('list', 'other') as never), 'opt map', 'd', ['list']),
      'opt map maps over a task of DAG "other"; it must be in the same DAG',
    );
    expectInvalid(
      () => compileMap('abc', 'opt map', 'd', []),
      'opt map must be a list, items(task, (o) => o.key), or an object of those; got "abc"',
    );
    expectInvalid(
      () => compileMap({ a: 'abc' }, 'opt map', 'd', []),
      'opt map.a must be a list, items(task, (o) => o.key), or an object of those; got "abc"',
    );
    expectInvalid(() => compileMap({}, 'opt map', 'd', []), 'opt map must name at least one list to map over');
    expect(() => compileMap([() => 1], 'opt map', 'd', [])).toThrow(InvalidOptionsError);
  });
});

describe('mapping options in a DAG', () => {
  it('compiles map and maxActiveTisPerDagrun into the spec, and maxMapLength into the DAG', () => {
    const d = dag({ id: 'mapped', maxMapLength: 10_000 });
    const list = d.task(
      'list',
      fn(() => ['a']),
    );
    d.task(
      'load',
      { upstream: [list], map: items(list), maxActiveTisPerDagrun: 4 },
      fn((ctx) => ctx.item),
    );
    const spec = d.toSpec();
    expect(spec.maxMapLength).toBe(10_000);
    expect(spec.tasks[1]).toMatchObject({
      map: { over: { from: 'output', taskId: 'list', path: [] } },
      maxActiveTisPerDagrun: 4,
    });
    expect(dag({ id: 'plain' }).task('t', shell({ command: 'true' })) && 'maxMapLength' in dag({ id: 'p2' })).toBe(
      false,
    );
  });

  it('leaves maxMapLength out of a DAG that does not set it', () => {
    const d = dag({ id: 'unset' });
    d.task('t', shell({ command: 'true' }));
    expect('maxMapLength' in d.toSpec()).toBe(false);
    expect('map' in (d.toSpec().tasks[0] ?? {})).toBe(false);
  });

  it('refuses maxMapLength past 10,000, and maxActiveTisPerDagrun without map or below 1', () => {
    expectInvalid(
      () => dag({ id: 'too_wide', maxMapLength: 10_001 }),
      'dag("too_wide") option maxMapLength must be an integer between 1 and 10000, got number 10001',
    );
    const d = dag({ id: 'limits' });
    expectInvalid(
      () => d.task('plain', { maxActiveTisPerDagrun: 2 } as never, shell({ command: 'true' })),
      'dag("limits").task("plain") option maxActiveTisPerDagrun applies to a mapped task only (set map)',
    );
    expectInvalid(
      () => d.task('zero', { map: [1], maxActiveTisPerDagrun: 0 }, shell({ command: 'true' })),
      'dag("limits").task("zero") option maxActiveTisPerDagrun must be an integer >= 1, got number 0',
    );
  });

  it('takes map on task() only', () => {
    const d = dag({ id: 'kinds' });
    expect(() => d.setup('s', { map: [1] } as never, shell({ command: 'true' }))).toThrow(
      'dag("kinds").setup("s") option map is not a known option',
    );
  });
});

describe('the context of a mapped instance', () => {
  const base = {
    dagId: 'd',
    runId: 'r',
    taskId: 'load',
    logicalDate: new Date(0),
    dataInterval: { start: new Date(0), end: new Date(1) },
    conf: {},
    tryNumber: 1,
    maxTries: 1,
  };
  const input = {
    upstream: [],
    outputs: new Map(),
    writeLog: () => {},
    readVariable: async () => '',
    signal: new AbortController().signal,
  };

  it('has the item and its index', () => {
    const ctx = createTaskContext({ ...input, run: { ...base, mapIndex: 3 }, item: { partition: 'p3' } });
    expect([ctx.mapIndex, ctx.item]).toEqual([3, { partition: 'p3' }]);
  });

  it('has no item, and index -1, for a task that is not mapped', () => {
    const ctx = createTaskContext({ ...input, run: base, item: 'ignored' });
    expect(ctx.mapIndex).toBe(-1);
    expect('item' in ctx).toBe(false);
  });
});

describe('a mapped task run locally (testDag)', () => {
  it('runs one instance per item with its index, and collects their outputs in order', async () => {
    const { testDag } = await import('./testing/test-dag');
    const d = dag({ id: 'local_mapped' });
    const list = d.task(
      'list',
      fn(() => ({ tables: ['users', 'orders'] })),
    );
    const load = d.task(
      'load',
      { upstream: [list], map: { table: items(list, (o) => o.tables), day: ['d1', 'd2'] } },
      fn((ctx) => `${ctx.mapIndex}:${ctx.item.table}/${ctx.item.day}`),
    );
    d.task(
      'report',
      { upstream: [load] },
      fn((ctx) => ctx.output(load).length),
    );
    const result = await testDag(d);
    expect(result.state).toBe('success');
    expect(result.output(load)).toEqual(['0:users/d1', '1:users/d2', '2:orders/d1', '3:orders/d2']);
    expect(result.tasks.find((t) => t.taskId === 'report')?.output).toBe(4);
  });

  it('skips a task mapped over an empty list and fails one past maxMapLength, as the scheduler does', async () => {
    const { testDag } = await import('./testing/test-dag');
    const d = dag({ id: 'local_limits', maxMapLength: 2 });
    const list = d.task(
      'list',
      fn(() => ({ none: [] as number[], three: [1, 2, 3] })),
    );
    d.task(
      'empty',
      { upstream: [list], map: items(list, (o) => o.none) },
      fn((ctx) => ctx.item),
    );
    d.task(
      'wide',
      { upstream: [list], map: items(list, (o) => o.three) },
      fn((ctx) => ctx.item),
    );
    const result = await testDag(d);
    const byId = new Map(result.tasks.map((t) => [t.taskId, t]));
    expect(byId.get('empty')).toMatchObject({
      state: 'skipped',
      reason: 'task empty maps over an empty list (the output of list at none)',
    });
    expect(byId.get('wide')).toMatchObject({ state: 'failed' });
    expect(byId.get('wide')?.error?.message).toBe("task wide maps over 3 items; the DAG's maxMapLength is 2");
  });
});
