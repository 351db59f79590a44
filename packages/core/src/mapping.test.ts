import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_MAP_LENGTH,
  MAX_MAP_LENGTH_LIMIT,
  describeSource,
  expansionOf,
  itemsOf,
  valueAt,
  mapIssues,
  mapSources,
  parseTaskKey,
  taskKey,
  type TaskMap,
} from './mapping';
import { makeDag, makeTask } from './test-fixtures';
import { validateDag } from './validate-dag';
import { DagValidationError } from './errors';

const fromOutput = (taskId: string, ...path: string[]) => ({ from: 'output' as const, taskId, path });

describe('task instance keys', () => {
  it('names an unmapped task by its id and a mapped instance by id and index', () => {
    expect(taskKey('load')).toBe('load');
    expect(taskKey('load', -1)).toBe('load');
    expect(taskKey('load', 0)).toBe('load[0]');
    expect(taskKey('ingest.load', 12)).toBe('ingest.load[12]');
  });

  it('parses what taskKey writes, and an unmapped id as map index -1', () => {
    expect(parseTaskKey('load[3]')).toEqual({ taskId: 'load', mapIndex: 3 });
    expect(parseTaskKey('ingest.load[0]')).toEqual({ taskId: 'ingest.load', mapIndex: 0 });
    expect(parseTaskKey('load')).toEqual({ taskId: 'load', mapIndex: -1 });
    expect(parseTaskKey(taskKey('x', 1024))).toEqual({ taskId: 'x', mapIndex: 1024 });
  });

  it('refuses a key with brackets that is not <task>[<index>]', () => {
    for (const bad of ['load[-1]', 'load[]', 'load[a]', '[3]', 'load]', 'load[3', 'load[1234567890]', 'load[3]x']) {
      expect(() => parseTaskKey(bad), bad).toThrow(
        `"${bad}" is not a task instance: write <task> or <task>[<index>], e.g. load[3]`,
      );
    }
  });

  it('has the limits Airflow has', () => {
    expect([DEFAULT_MAX_MAP_LENGTH, MAX_MAP_LENGTH_LIMIT]).toEqual([1024, 10_000]);
  });
});

describe('sources', () => {
  it('lists one source without a key, or the product with theirs', () => {
    const over = fromOutput('list', 'partitions');
    expect(mapSources({ over })).toEqual([{ key: null, over }]);
    const product: TaskMap = { product: [{ key: 'day', over: { from: 'list', items: [1] } }] };
    expect(mapSources(product)).toEqual(product.product);
  });

  it('describes a source for messages', () => {
    expect(describeSource({ from: 'list', items: [1, 2, 3] })).toBe('its list of 3');
    expect(describeSource(fromOutput('list'))).toBe('the output of list');
    expect(describeSource(fromOutput('list', 'batch', 'files'))).toBe('the output of list at batch.files');
  });
});

describe('expansionOf', () => {
  const one: TaskMap = { over: fromOutput('list', 'partitions') };
  const product: TaskMap = {
    product: [
      { key: 'table', over: fromOutput('list', 'tables') },
      { key: 'day', over: { from: 'list', items: ['a', 'b'] } },
    ],
  };

  it('expands to the length of the list, or the product of the lengths', () => {
    expect(expansionOf('load', one, [{ length: 3 }], 1024)).toEqual({ kind: 'expand', count: 3 });
    expect(expansionOf('load', product, [{ length: 3 }, { length: 2 }], 1024)).toEqual({ kind: 'expand', count: 6 });
  });

  it('expands to exactly maxMapLength, and fails one past it with the counts written out', () => {
    expect(expansionOf('load', one, [{ length: 10_000 }], 10_000)).toEqual({ kind: 'expand', count: 10_000 });
    expect(expansionOf('load', one, [{ length: 10_001 }], 10_000)).toEqual({
      kind: 'fail',
      reason: "task load maps over 10,001 items; the DAG's maxMapLength is 10,000",
    });
    expect(expansionOf('load', product, [{ length: 600 }, { length: 2 }], 1024)).toEqual({
      kind: 'fail',
      reason: "task load maps over 1,200 items; the DAG's maxMapLength is 1,024",
    });
  });

  it('skips on an empty list, naming the empty source', () => {
    expect(expansionOf('load', one, [{ length: 0 }], 1024)).toEqual({
      kind: 'skip',
      reason: 'task load maps over an empty list (the output of list at partitions)',
    });
    expect(expansionOf('load', product, [{ length: 4 }, { length: 0 }], 1024)).toEqual({
      kind: 'skip',
      reason: 'task load maps over an empty list (its list of 2)',
    });
  });

  it('names every empty source of a product', () => {
    const twoEmpty: TaskMap = {
      product: [
        { key: 'a', over: fromOutput('list', 'a') },
        { key: 'b', over: fromOutput('list', 'b') },
      ],
    };
    expect(expansionOf('load', twoEmpty, [{ length: 0 }, { length: 0 }], 1024)).toEqual({
      kind: 'skip',
      reason: 'task load maps over an empty list (the output of list at a, the output of list at b)',
    });
  });

  it('fails when a source is not a list, saying what it is', () => {
    expect(expansionOf('load', product, [{ length: 0 }, { notAList: 'an object' }], 1024)).toEqual({
      kind: 'fail',
      reason: 'task load maps over its list of 2, which is an object, not a list',
    });
  });

  it('throws when a source has no length given (a caller bug)', () => {
    expect(() => expansionOf('load', product, [{ length: 1 }], 1024)).toThrow(
      'no length given for source 1 of task load',
    );
  });
});

describe('valueAt and itemsOf', () => {
  it('reads a value at a key path, undefined where the path leaves objects', () => {
    const output = { batch: { files: ['a', 'b'] }, n: 3, none: null };
    expect(valueAt(output, [])).toBe(output);
    expect(valueAt(output, ['batch', 'files'])).toEqual(['a', 'b']);
    expect(valueAt(output, ['batch', 'files', '1'])).toBe('b');
    expect(valueAt(output, ['n', 'x'])).toBeUndefined();
    expect(valueAt(output, ['none', 'x'])).toBeUndefined();
    expect(valueAt(undefined, ['a'])).toBeUndefined();
  });

  it('gives a list as is, and a product row-major with keyed items', () => {
    expect(itemsOf({ over: fromOutput('list') }, [['x', 'y']])).toEqual(['x', 'y']);
    expect(itemsOf({ over: fromOutput('list') }, [])).toEqual([]);
    const product: TaskMap = {
      product: [
        { key: 't', over: fromOutput('list') },
        { key: 'd', over: { from: 'list', items: [1, 2] } },
      ],
    };
    expect(
      itemsOf(product, [
        ['a', 'b'],
        [1, 2],
      ]),
    ).toEqual([
      { t: 'a', d: 1 },
      { t: 'a', d: 2 },
      { t: 'b', d: 1 },
      { t: 'b', d: 2 },
    ]);
    expect(itemsOf(product, [['a']])).toEqual([]);
  });
});

describe('mapIssues (through validateDag)', () => {
  const issuesOf = (overrides: Parameters<typeof makeDag>[0]) => {
    try {
      validateDag(makeDag(overrides));
      return [];
    } catch (err) {
      if (!(err instanceof DagValidationError)) throw err;
      return err.issues;
    }
  };

  it('accepts a task mapped over an upstream output, a list and their product', () => {
    expect(
      issuesOf({
        tasks: [
          makeTask('list'),
          makeTask('load', { upstream: ['list'], map: { over: fromOutput('list', 'p') }, maxActiveTisPerDagrun: 2 }),
          makeTask('fixed', { map: { over: { from: 'list', items: [1, 2] } } }),
          makeTask('both', {
            upstream: ['list'],
            map: {
              product: [
                { key: 'a', over: fromOutput('list') },
                { key: 'b', over: { from: 'list', items: [1] } },
              ],
            },
          }),
        ],
      }),
    ).toEqual([]);
  });

  it('refuses a source that is not upstream, or is itself mapped', () => {
    expect(
      issuesOf({
        tasks: [
          makeTask('list'),
          makeTask('other'),
          makeTask('load', { upstream: ['list'], map: { over: fromOutput('other') } }),
          makeTask('again', { upstream: ['load'], map: { over: fromOutput('load') } }),
        ],
      }),
    ).toEqual([
      {
        path: 'tasks.load.map',
        message: '"load" maps over the output of "other", which is not one of its upstream tasks',
      },
      {
        path: 'tasks.again.map',
        message:
          '"again" maps over the output of "load", a mapped task; map over a task that collects its outputs instead',
      },
    ]);
  });

  it('refuses mapping a branch, a setup or a teardown, and a product naming a key twice', () => {
    const list = { over: { from: 'list' as const, items: [1] } };
    expect(
      issuesOf({
        tasks: [
          makeTask('b', { map: list, branch: { kind: 'short_circuit', ignoreDownstreamTriggerRules: true } }),
          makeTask('s', { map: list, role: 'setup' }),
          makeTask('twice', {
            map: {
              product: [
                { key: 'k', over: { from: 'list', items: [1] } },
                { key: 'k', over: { from: 'list', items: [2] } },
              ],
            },
          }),
        ],
      }),
    ).toEqual([
      { path: 'tasks.b.map', message: 'a branch or short circuit cannot be mapped ("b")' },
      { path: 'tasks.s.map', message: 'a setup task cannot be mapped ("s")' },
      { path: 'tasks.twice.map', message: 'the product of "twice" names "k" twice' },
    ]);
  });

  it('refuses maxActiveTisPerDagrun on a task that is not mapped', () => {
    expect(issuesOf({ tasks: [makeTask('plain', { maxActiveTisPerDagrun: 2 })] })).toEqual([
      {
        path: 'tasks.plain.maxActiveTisPerDagrun',
        message: 'only a mapped task takes maxActiveTisPerDagrun; "plain" maps over nothing',
      },
    ]);
  });

  it('refuses a static list (or product) longer than maxMapLength, and accepts one as long', () => {
    const items = (n: number) => ({ from: 'list' as const, items: Array.from({ length: n }, (_, i) => i) });
    expect(issuesOf({ tasks: [makeTask('t', { map: { over: items(1024) } })] })).toEqual([]);
    expect(issuesOf({ tasks: [makeTask('t', { map: { over: items(1025) } })] })).toEqual([
      { path: 'tasks.t.map', message: "task t maps over 1,025 items; the DAG's maxMapLength is 1,024" },
    ]);
    expect(
      issuesOf({
        maxMapLength: 10,
        tasks: [
          makeTask('t', {
            map: {
              product: [
                { key: 'a', over: items(4) },
                { key: 'b', over: items(3) },
              ],
            },
          }),
        ],
      }),
    ).toEqual([{ path: 'tasks.t.map', message: "task t maps over 12 items; the DAG's maxMapLength is 10" }]);
  });

  it('refuses a maxMapLength past 10,000', () => {
    expect(issuesOf({ maxMapLength: 10_001 }).map((i) => i.path)).toEqual(['maxMapLength']);
    expect(issuesOf({ maxMapLength: 10_000 })).toEqual([]);
  });

  it('mapIssues reads a DAG without maxMapLength as the default', () => {
    expect(mapIssues({ tasks: [makeTask('t', { map: { over: { from: 'list', items: [] } } })] })).toEqual([]);
  });
});
