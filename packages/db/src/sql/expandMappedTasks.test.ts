/**
 * Expanding a mapped task in SQL: instances 0..n-1 from an upstream's
 * stored output at a key path (or a product with a list), each with its
 * item; a second expansion changes nothing; an empty list skips; what is
 * not a list fails the task with a try saying so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskMap } from '@sluice/core';
import { createTestDatabase, type TestDatabase } from '../testing';
import { expandMappedTask } from './expandMappedTasks';
import { createTestDag, startTestRun } from './test-runs';

let t: TestDatabase;
let versionId = '';
let runs = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  versionId = await createTestDag(t.db.pool, 'mapped');
});
afterAll(async () => {
  await t?.drop();
});

/** A run whose `list` succeeded with `output`, and `load` not expanded yet. */
async function runWithOutput(output: unknown): Promise<{ runId: string; load: string }> {
  const { runId } = await startTestRun(t.db.pool, {
    dagId: 'mapped',
    versionId,
    runId: `r${++runs}`,
    taskIds: ['list', 'load'],
    operator: 'fn',
  });
  const ids = await t.db.pool.query<{ id: string; task_id: string }>(
    `SELECT id, task_id FROM task_instance WHERE dag_run_id = $1`,
    [runId],
  );
  const idOf = (taskId: string) => ids.rows.find((r) => r.task_id === taskId)?.id ?? '';
  await t.db.pool.query(`UPDATE task_instance SET state = 'success', try_number = 1 WHERE id = $1`, [idOf('list')]);
  if (output !== undefined)
    await t.db.pool.query(`INSERT INTO task_output (task_instance_id, try_number, value) VALUES ($1, 1, $2::jsonb)`, [
      idOf('list'),
      JSON.stringify(output),
    ]);
  return { runId, load: idOf('load') };
}

async function expand(runId: string, load: string, map: TaskMap, maxMapLength = 1024) {
  const client = await t.db.pool.connect();
  try {
    return await expandMappedTask(client, { taskInstanceId: load, dagRunId: runId, taskId: 'load', map, maxMapLength });
  } finally {
    client.release();
  }
}

const loadRows = async (runId: string) =>
  (
    await t.db.pool.query<{ map_index: number; map_item: unknown; state: string; try_number: number }>(
      `SELECT map_index, map_item, state, try_number FROM task_instance
       WHERE dag_run_id = $1 AND task_id = 'load' ORDER BY map_index`,
      [runId],
    )
  ).rows;

const atPath: TaskMap = { over: { from: 'output', taskId: 'list', path: ['batch', 'partitions'] } };

describe('expandMappedTask', () => {
  it('makes one instance per element of the output at the path, the -1 row becoming index 0', async () => {
    const { runId, load } = await runWithOutput({ batch: { partitions: ['a', { p: 'b' }, 3] } });
    expect(await expand(runId, load, atPath)).toEqual({ kind: 'expand', count: 3, applied: true });
    expect(await loadRows(runId)).toEqual([
      { map_index: 0, map_item: 'a', state: 'none', try_number: 0 },
      { map_index: 1, map_item: { p: 'b' }, state: 'none', try_number: 0 },
      { map_index: 2, map_item: 3, state: 'none', try_number: 0 },
    ]);
    const first = await t.db.pool.query<{ id: string }>(
      `SELECT id FROM task_instance WHERE dag_run_id = $1 AND task_id = 'load' AND map_index = 0`,
      [runId],
    );
    expect(first.rows[0]?.id).toBe(load);
  });

  it('changes nothing when asked again', async () => {
    const { runId, load } = await runWithOutput({ batch: { partitions: ['a', 'b'] } });
    await expand(runId, load, atPath);
    expect(await expand(runId, load, atPath)).toMatchObject({ kind: 'expand', applied: false });
    expect((await loadRows(runId)).map((r) => r.map_index)).toEqual([0, 1]);
  });

  it('expands a product in row-major order with object items', async () => {
    const { runId, load } = await runWithOutput(['t1', 't2']);
    const map: TaskMap = {
      product: [
        { key: 'table', over: { from: 'output', taskId: 'list', path: [] } },
        { key: "it's", over: { from: 'list', items: [1, 2, 3] } },
      ],
    };
    expect(await expand(runId, load, map)).toMatchObject({ kind: 'expand', count: 6 });
    expect((await loadRows(runId)).map((r) => r.map_item)).toEqual([
      { table: 't1', "it's": 1 },
      { table: 't1', "it's": 2 },
      { table: 't1', "it's": 3 },
      { table: 't2', "it's": 1 },
      { table: 't2', "it's": 2 },
      { table: 't2', "it's": 3 },
    ]);
  });

  it('skips the task on an empty list, keeping its one row', async () => {
    const { runId, load } = await runWithOutput({ batch: { partitions: [] } });
    expect(await expand(runId, load, atPath)).toMatchObject({ kind: 'skip', applied: true });
    expect(await loadRows(runId)).toEqual([{ map_index: -1, map_item: null, state: 'skipped', try_number: 0 }]);
  });

  it('fails the task past maxMapLength, or on what is not a list, with a try saying why', async () => {
    const long = await runWithOutput({ batch: { partitions: [1, 2, 3] } });
    expect(await expand(long.runId, long.load, atPath, 2)).toMatchObject({ kind: 'fail', applied: true });
    const tries = await t.db.pool.query<{ state: string; error: { name: string; message: string } }>(
      `SELECT state, error FROM task_try WHERE task_instance_id = $1`,
      [long.load],
    );
    expect(tries.rows).toEqual([
      {
        state: 'failed',
        error: { name: 'MapExpansionError', message: "task load maps over 3 items; the DAG's maxMapLength is 2" },
      },
    ]);
    expect(await loadRows(long.runId)).toEqual([{ map_index: -1, map_item: null, state: 'failed', try_number: 1 }]);

    const notList = await runWithOutput({ batch: { partitions: 'a,b' } });
    expect(await expand(notList.runId, notList.load, atPath)).toMatchObject({
      kind: 'fail',
      reason: 'task load maps over the output of list at batch.partitions, which is a string, not a list',
    });
    const missing = await runWithOutput(undefined);
    expect(await expand(missing.runId, missing.load, atPath)).toMatchObject({
      kind: 'fail',
      reason:
        'task load maps over the output of list at batch.partitions, which is absent (the task recorded no output), not a list',
    });
  });
});
