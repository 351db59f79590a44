import { describe, expect, it } from 'vitest';
import { diffDags, graphDiff } from './dag-diff';
import { makeDag, makeTask } from './test-fixtures';

const etl = (overrides: Parameters<typeof makeDag>[0] = {}) =>
  makeDag({
    dagId: 'etl',
    tasks: [makeTask('extract'), makeTask('load', { upstream: ['extract'] })],
    ...overrides,
  });

describe('diffDags', () => {
  it('reports added, removed and unchanged DAGs, sorted by id', () => {
    const diffs = diffDags(
      [{ spec: etl() }, { spec: makeDag({ dagId: 'old', tasks: [makeTask('x')] }) }],
      [{ spec: etl() }, { spec: makeDag({ dagId: 'new', tasks: [makeTask('y')] }) }],
    );
    expect(diffs.map((d) => [d.dagId, d.kind])).toEqual([
      ['etl', 'unchanged'],
      ['new', 'added'],
      ['old', 'removed'],
    ]);
  });

  it('reports a DAG with the same tasks under a new id as renamed', () => {
    const [diff] = diffDags([{ spec: etl() }], [{ spec: etl({ dagId: 'etl_v2' }) }]);
    expect(diff).toMatchObject({ dagId: 'etl_v2', kind: 'renamed', renamedFrom: 'etl', tasks: [] });
  });

  it('lists the DAG settings and task fields that changed, and the graph moves', () => {
    const head = etl({
      schedule: '30 2 * * *',
      tasks: [
        makeTask('extract', { operator: { kind: 'fn', options: {} } }),
        makeTask('clean', { upstream: ['extract'] }),
        makeTask('load', {
          upstream: ['clean'],
          triggerRule: 'all_done',
          retry: { retries: 3, retryDelayMs: 1000, exponentialBackoff: false, maxRetryDelayMs: null },
          executionTimeoutMs: 60_000,
          pool: 'warehouse',
          queue: 'heavy',
        }),
      ],
    });
    const [diff] = diffDags([{ spec: etl() }], [{ spec: head }]);
    expect(diff?.kind).toBe('changed');
    expect(diff?.changes).toEqual([{ field: 'schedule', before: '@daily', after: '30 2 * * *' }]);
    expect(diff?.tasks.map((t) => [t.taskId, t.kind, t.changes.map((c) => c.field)])).toEqual([
      ['extract', 'changed', ['operator', 'options']],
      ['clean', 'added', []],
      ['load', 'changed', ['upstream', 'triggerRule', 'retries', 'executionTimeoutMs', 'pool', 'queue']],
    ]);
    expect(diff?.tasks[2]?.changes.at(-1)).toEqual({ field: 'queue', before: 'default', after: 'heavy' });
    expect(diff?.graph).toEqual(['  extract', '+ extract → clean', '+ clean → load', '- extract → load']);
  });

  it('lists a change of a task maxActiveTisPerDag, reading none as null', () => {
    const head = etl({ tasks: etl().tasks.map((t) => (t.taskId === 'load' ? { ...t, maxActiveTisPerDag: 2 } : t)) });
    const [diff] = diffDags([{ spec: etl() }], [{ spec: head }]);
    expect(diff?.tasks).toEqual([
      { taskId: 'load', kind: 'changed', changes: [{ field: 'maxActiveTisPerDag', before: null, after: 2 }] },
    ]);
  });

  it('lists a change of the assets a task updates, reading none as an empty list', () => {
    const withOutlets = (outlets: string[] | undefined) =>
      etl({ tasks: etl().tasks.map((t) => (t.taskId === 'load' && outlets ? { ...t, outlets } : t)) });
    const [added] = diffDags([{ spec: withOutlets(undefined) }], [{ spec: withOutlets(['s3://lake/a/']) }]);
    expect(added?.tasks).toEqual([
      { taskId: 'load', kind: 'changed', changes: [{ field: 'outlets', before: [], after: ['s3://lake/a/'] }] },
    ]);
    const [swapped] = diffDags([{ spec: withOutlets(['s3://lake/a/']) }], [{ spec: withOutlets(['s3://lake/b/']) }]);
    expect(swapped?.tasks).toEqual([
      {
        taskId: 'load',
        kind: 'changed',
        changes: [{ field: 'outlets', before: ['s3://lake/a/'], after: ['s3://lake/b/'] }],
      },
    ]);
    const [same] = diffDags([{ spec: withOutlets(undefined) }], [{ spec: withOutlets([]) }]);
    expect(same?.kind).toBe('unchanged');
  });

  it('reports a DAG whose structure is the same but whose code changed', () => {
    const [diff] = diffDags([{ spec: etl(), hash: 'aaa' }], [{ spec: etl(), hash: 'bbb' }]);
    expect(diff).toMatchObject({ kind: 'changed', changes: [{ field: 'code', before: 'aaa', after: 'bbb' }] });
  });

  it('reports removed tasks after the others', () => {
    const [diff] = diffDags([{ spec: etl() }], [{ spec: etl({ tasks: [makeTask('extract')] }) }]);
    expect(diff?.tasks).toEqual([{ taskId: 'load', kind: 'removed', changes: [] }]);
  });
});

describe('graphDiff', () => {
  it('marks every edge of a new DAG as added', () => {
    expect(graphDiff(null, etl())).toEqual(['+ extract', '+ extract → load']);
  });
});

describe('diffDags: what counts as a change', () => {
  it('reports every DAG setting that changed, in the order a plan lists them', () => {
    const head = etl({
      schedule: '@hourly',
      timezone: 'Europe/Copenhagen',
      startDate: '2026-06-01T00:00:00.000Z',
      endDate: '2027-01-01T00:00:00.000Z',
      catchup: true,
      maxActiveRuns: 2,
      maxActiveTasks: 4,
      dagrunTimeoutMs: 60_000,
      pausedOnCreation: true,
      confSchema: { type: 'object' },
      owner: 'data',
      tags: ['etl'],
      description: 'Nightly load',
    });
    const [diff] = diffDags([{ spec: etl() }], [{ spec: head }]);
    expect(diff?.changes.map((c) => c.field)).toEqual([
      'schedule',
      'timezone',
      'startDate',
      'endDate',
      'catchup',
      'maxActiveRuns',
      'maxActiveTasks',
      'dagrunTimeoutMs',
      'pausedOnCreation',
      'confSchema',
      'owner',
      'tags',
      'description',
    ]);
    expect(diff?.changes.at(-1)).toEqual({ field: 'description', before: null, after: 'Nightly load' });
  });

  it('reports every task setting that changed, with its values before and after', () => {
    const base = etl({ tasks: [makeTask('extract'), makeTask('load', { upstream: [] })] });
    const head = etl({
      tasks: [
        makeTask('extract'),
        makeTask('load', {
          operator: { kind: 'fn', options: { memory: 2 } },
          upstream: ['extract'],
          triggerRule: 'one_success',
          retry: { retries: 1, retryDelayMs: 5000, exponentialBackoff: true, maxRetryDelayMs: 60_000 },
          executionTimeoutMs: 1000,
          pool: 'warehouse',
          poolSlots: 2,
          priorityWeight: 5,
        }),
      ],
    });
    const [diff] = diffDags([{ spec: base }], [{ spec: head }]);
    expect(diff?.tasks).toEqual([
      {
        taskId: 'load',
        kind: 'changed',
        changes: [
          { field: 'operator', before: 'shell', after: 'fn' },
          { field: 'options', before: { command: 'echo load' }, after: { memory: 2 } },
          { field: 'upstream', before: [], after: ['extract'] },
          { field: 'triggerRule', before: 'all_success', after: 'one_success' },
          { field: 'retries', before: 0, after: 1 },
          {
            field: 'retryDelay',
            before: { retryDelayMs: 1000, exponentialBackoff: false, maxRetryDelayMs: null },
            after: { retryDelayMs: 5000, exponentialBackoff: true, maxRetryDelayMs: 60_000 },
          },
          { field: 'executionTimeoutMs', before: null, after: 1000 },
          { field: 'pool', before: 'default_pool', after: 'warehouse' },
          { field: 'poolSlots', before: 1, after: 2 },
          { field: 'priorityWeight', before: 1, after: 5 },
        ],
      },
    ]);
  });

  it('reports a change of the retry delay alone, of the backoff alone and of its cap alone', () => {
    const retry = { retries: 0, retryDelayMs: 1000, exponentialBackoff: false, maxRetryDelayMs: null };
    for (const changed of [{ retryDelayMs: 2000 }, { exponentialBackoff: true }, { maxRetryDelayMs: 10 }]) {
      const head = etl({ tasks: [makeTask('extract', { retry: { ...retry, ...changed } })] });
      const [diff] = diffDags([{ spec: etl({ tasks: [makeTask('extract')] }) }], [{ spec: head }]);
      expect(
        diff?.tasks.map((t) => t.changes.map((c) => c.field)),
        JSON.stringify(changed),
      ).toEqual([['retryDelay']]);
    }
  });

  it('sees no change in the order of upstream tasks or of option keys, but does in the order of an option list', () => {
    const task = (upstream: string[], options: Record<string, unknown>) =>
      makeTask('load', { upstream, operator: { kind: 'shell', options } });
    const spec = (upstream: string[], options: Record<string, unknown>) =>
      etl({ tasks: [makeTask('a'), makeTask('b'), task(upstream, options)] });
    const base = spec(['a', 'b'], { command: 'x', env: { A: '1', B: '2' }, args: ['1', '2'] });
    const reordered = spec(['b', 'a'], { env: { B: '2', A: '1' }, args: ['1', '2'], command: 'x' });
    expect(diffDags([{ spec: base }], [{ spec: reordered }])[0]?.kind).toBe('unchanged');
    const otherList = spec(['a', 'b'], { command: 'x', env: { A: '1', B: '2' }, args: ['2', '1'] });
    expect(diffDags([{ spec: base }], [{ spec: otherList }])[0]?.tasks.map((t) => t.changes[0]?.field)).toEqual([
      'options',
    ]);
  });

  it('lists tasks in the order they run: changed and added in the new graph, removed in the old', () => {
    const base = etl({
      tasks: [makeTask('z_old_root'), makeTask('a_old_leaf', { upstream: ['z_old_root'] }), makeTask('load')],
    });
    const head = etl({
      tasks: [
        makeTask('z_new_root'),
        makeTask('a_new_leaf', { upstream: ['z_new_root'] }),
        makeTask('load', { upstream: ['a_new_leaf'] }),
      ],
    });
    const [diff] = diffDags([{ spec: base }], [{ spec: head }]);
    expect(diff?.tasks.map((t) => [t.taskId, t.kind])).toEqual([
      ['z_new_root', 'added'],
      ['a_new_leaf', 'added'],
      ['load', 'changed'],
      ['z_old_root', 'removed'],
      ['a_old_leaf', 'removed'],
    ]);
  });

  it('names the code only when nothing else changed and both sides have a hash', () => {
    const schedule = diffDags([{ spec: etl(), hash: 'aaa' }], [{ spec: etl({ schedule: '@hourly' }), hash: 'bbb' }]);
    expect(schedule[0]?.changes.map((c) => c.field)).toEqual(['schedule']);
    const task = diffDags(
      [{ spec: etl(), hash: 'aaa' }],
      [{ spec: etl({ tasks: [makeTask('extract')] }), hash: 'bbb' }],
    );
    expect(task[0]).toMatchObject({ kind: 'changed', changes: [] });
    expect(diffDags([{ spec: etl(), hash: 'aaa' }], [{ spec: etl() }])[0]?.kind).toBe('unchanged');
    expect(diffDags([{ spec: etl() }], [{ spec: etl(), hash: 'bbb' }])[0]?.kind).toBe('unchanged');
    expect(diffDags([{ spec: etl(), hash: 'aaa' }], [{ spec: etl(), hash: 'aaa' }])[0]?.kind).toBe('unchanged');
  });

  it('gives an added DAG its head and a removed one its base, with no changes listed', () => {
    const diffs = diffDags([{ spec: makeDag({ dagId: 'gone', tasks: [makeTask('x')] }) }], [{ spec: etl() }]);
    expect(diffs).toEqual([
      {
        dagId: 'etl',
        kind: 'added',
        renamedFrom: null,
        base: null,
        head: etl(),
        changes: [],
        tasks: [],
        graph: ['+ extract', '+ extract → load'],
      },
      {
        dagId: 'gone',
        kind: 'removed',
        renamedFrom: null,
        base: makeDag({ dagId: 'gone', tasks: [makeTask('x')] }),
        head: null,
        changes: [],
        tasks: [],
        graph: ['- x'],
      },
    ]);
  });

  it('gives an unchanged DAG both sides, no changes and its graph as kept', () => {
    expect(diffDags([{ spec: etl() }], [{ spec: etl() }])).toEqual([
      {
        dagId: 'etl',
        kind: 'unchanged',
        renamedFrom: null,
        base: etl(),
        head: etl(),
        changes: [],
        tasks: [],
        graph: ['  extract', '  extract → load'],
      },
    ]);
  });
});

describe('diffDags: renames', () => {
  it('keeps the settings changed with a rename, but not the code', () => {
    const [diff] = diffDags(
      [{ spec: etl(), hash: 'aaa' }],
      [{ spec: etl({ dagId: 'etl_v2', schedule: '@hourly' }), hash: 'bbb' }],
    );
    expect(diff).toMatchObject({ dagId: 'etl_v2', kind: 'renamed', renamedFrom: 'etl' });
    expect(diff?.changes).toEqual([{ field: 'schedule', before: '@daily', after: '@hourly' }]);
  });

  it('sees a rename whatever the order of tasks and upstream ids, with changed task settings', () => {
    const base = etl({ tasks: [makeTask('a'), makeTask('b'), makeTask('c', { upstream: ['a', 'b'] })] });
    const head = etl({
      dagId: 'etl_v2',
      tasks: [
        makeTask('b'),
        makeTask('a', { retry: { ...makeTask('a').retry, retries: 3 } }),
        makeTask('c', { upstream: ['b', 'a'] }),
      ],
    });
    const [diff] = diffDags([{ spec: base }], [{ spec: head }]);
    expect(diff).toMatchObject({ kind: 'renamed', renamedFrom: 'etl' });
    expect(diff?.tasks.map((t) => [t.taskId, t.changes.map((c) => c.field)])).toEqual([['a', ['retries']]]);
  });

  it('is not a rename when a task changes its operator, its id or its upstream', () => {
    const heads = [
      etl({
        dagId: 'etl_v2',
        tasks: [
          makeTask('extract', { operator: { kind: 'fn', options: {} } }),
          makeTask('load', { upstream: ['extract'] }),
        ],
      }),
      etl({ dagId: 'etl_v2', tasks: [makeTask('extract'), makeTask('store', { upstream: ['extract'] })] }),
      etl({ dagId: 'etl_v2', tasks: [makeTask('extract'), makeTask('load')] }),
    ];
    for (const head of heads) {
      expect(diffDags([{ spec: etl() }], [{ spec: head }]).map((d) => [d.dagId, d.kind])).toEqual([
        ['etl', 'removed'],
        ['etl_v2', 'added'],
      ]);
    }
  });

  it('shows a rename without naming the code, which a new id always changes', () => {
    const [diff] = diffDags([{ spec: etl(), hash: 'aaa' }], [{ spec: etl({ dagId: 'etl_v2' }), hash: 'bbb' }]);
    expect(diff).toMatchObject({ kind: 'renamed', renamedFrom: 'etl', changes: [] });
  });

  it('never pairs a DAG that is on both sides: a copy of it is added, and a copy gone is removed', () => {
    const added = diffDags([{ spec: etl() }], [{ spec: etl() }, { spec: etl({ dagId: 'etl_copy' }) }]);
    expect(added.map((d) => [d.dagId, d.kind])).toEqual([
      ['etl', 'unchanged'],
      ['etl_copy', 'added'],
    ]);
    const removed = diffDags([{ spec: etl() }, { spec: etl({ dagId: 'etl_copy' }) }], [{ spec: etl() }]);
    expect(removed.map((d) => [d.dagId, d.kind])).toEqual([
      ['etl', 'unchanged'],
      ['etl_copy', 'removed'],
    ]);
  });

  it('renames a removed DAG once: a second added copy of it is added', () => {
    const diffs = diffDags([{ spec: etl() }], [{ spec: etl({ dagId: 'etl_a' }) }, { spec: etl({ dagId: 'etl_b' }) }]);
    expect(diffs.map((d) => [d.dagId, d.kind, d.renamedFrom])).toEqual([
      ['etl_a', 'renamed', 'etl'],
      ['etl_b', 'added', null],
    ]);
  });

  it('pairs each added DAG with a removed one of its own shape', () => {
    const other = (dagId: string) =>
      makeDag({ dagId, tasks: [makeTask('only', { operator: { kind: 'fn', options: {} } })] });
    const diffs = diffDags(
      [{ spec: etl() }, { spec: other('fn_old') }],
      [{ spec: other('fn_new') }, { spec: etl({ dagId: 'etl_new' }) }],
    );
    expect(diffs.map((d) => [d.dagId, d.kind, d.renamedFrom])).toEqual([
      ['etl_new', 'renamed', 'etl'],
      ['fn_new', 'renamed', 'fn_old'],
    ]);
  });
});

describe('graphDiff: moves', () => {
  it('marks every edge of a removed DAG as gone', () => {
    expect(graphDiff(etl(), null)).toEqual(['- extract', '- extract → load']);
  });

  it('lists a root and each of a task’s upstream edges in the order the tasks run', () => {
    const spec = etl({ tasks: [makeTask('b'), makeTask('a'), makeTask('load', { upstream: ['b', 'a'] })] });
    expect(graphDiff(spec, spec)).toEqual(['  b', '  a', '  b → load', '  a → load']);
  });
});
