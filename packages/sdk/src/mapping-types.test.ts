/**
 * Task mapping is typed: `ctx.item` has the type of the list's elements, a
 * task that is not mapped has no `ctx.item`, and a mapped task's ref carries
 * the array of its outputs. The `@ts-expect-error` lines are checked by
 * `tsc -p packages/sdk` (an unneeded one fails it); the DAG is built and
 * compiled in the test too, so its spec is what the types promise.
 */
import { describe, expect, it } from 'vitest';
import { dag } from './dag';
import { items } from './mapping';
import { fn, shell } from './operator';

function typedMappingDag() {
  const etl = dag({ id: 'typed_mapping' });
  const list = etl.task(
    'list',
    fn(async () => ({ partitions: ['dt=1', 'dt=2'], tables: [{ name: 'a', rows: 1 }] })),
  );
  const load = etl.task(
    'load',
    { upstream: [list], map: items(list, (o) => o.partitions) },
    fn(async (ctx) => {
      const partition: string = ctx.item;
      // @ts-expect-error the item is a string, not a number
      const wrong: number = ctx.item;
      const index: number = ctx.mapIndex;
      return { partition, bytes: partition.length + index, wrong };
    }),
  );
  etl.task(
    'per_table',
    { upstream: [list], map: { table: items(list, (o) => o.tables), day: ['2026-01-01', '2026-01-02'] } },
    fn((ctx) => {
      const rows: number = ctx.item.table.rows;
      const day: string = ctx.item.day;
      // @ts-expect-error the product's item has no key `month`
      return `${rows}/${day}/${ctx.item.month}`;
    }),
  );
  etl.task(
    'static',
    { map: ['a', 'b', 'c'] },
    fn((ctx) => ctx.item.toUpperCase()),
  );
  etl.task(
    'unmapped',
    { upstream: [list] },
    fn((ctx) => {
      // @ts-expect-error a task that is not mapped has no item
      return ctx.item;
    }),
  );
  etl.task('shell_mapped', { map: ['x', 'y'] }, shell({ command: 'echo $SLUICE_MAP_ITEM' }));
  etl.task(
    'report',
    { upstream: [load] },
    fn((ctx) => {
      const outputs: Array<{ partition: string; bytes: number }> = ctx.output(load);
      // @ts-expect-error a mapped task's output is an array, not one output
      const one: { partition: string } = ctx.output(load);
      return outputs.length + one.partition.length;
    }),
  );
  etl.task(
    'wrong_path',
    // @ts-expect-error items' selector must lead to an array
    { upstream: [list], map: items(list, (o) => o.partitions.length) },
    fn(() => 1),
  );
  return etl;
}

describe('typed task mapping', () => {
  it('stores each kind of map as the spec says, with the source task upstream', () => {
    const spec = typedMappingDag().toSpec();
    const byId = new Map(spec.tasks.map((t) => [t.taskId, t]));
    expect(byId.get('load')?.map).toEqual({ over: { from: 'output', taskId: 'list', path: ['partitions'] } });
    expect(byId.get('per_table')?.map).toEqual({
      product: [
        { key: 'table', over: { from: 'output', taskId: 'list', path: ['tables'] } },
        { key: 'day', over: { from: 'list', items: ['2026-01-01', '2026-01-02'] } },
      ],
    });
    expect(byId.get('static')?.map).toEqual({ over: { from: 'list', items: ['a', 'b', 'c'] } });
    expect(byId.get('unmapped')?.map).toBeUndefined();
  });
});
