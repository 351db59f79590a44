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
