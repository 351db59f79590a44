import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { deletePool, findPool, listPools, setPool } from './pools';
import { createTestDag, startTestRun } from './test-runs';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase({ max: 2 });
});
afterAll(async () => {
  await tdb.drop();
});

describe('pools', () => {
  it('counts the slots of running (and deferred) tries and of queued ones, nothing of other states', async () => {
    await setPool(tdb.db.pool, { name: 'emr', slots: 5, description: 'EMR clusters' }, 'alice');
    await setPool(tdb.db.pool, { name: 'idle', slots: 1 }, 'alice');
    const versionId = await createTestDag(tdb.db.pool, 'pooled');
    const { ti } = await startTestRun(tdb.db.pool, {
      dagId: 'pooled',
      versionId,
      runId: 'r1',
      taskIds: ['run2', 'deferred', 'queued', 'done', 'other'],
      operator: 'fn',
    });
    const set = (task: string, state: string, pool: string, slots: number) =>
      tdb.db.pool.query('UPDATE task_instance SET state = $2, pool = $3, pool_slots = $4 WHERE id = $1', [
        ti[task],
        state,
        pool,
        slots,
      ]);
    await set('run2', 'running', 'emr', 2);
    await set('deferred', 'deferred', 'emr', 1);
    await set('queued', 'queued', 'emr', 1);
    await set('done', 'success', 'emr', 3);
    await set('other', 'running', 'default_pool', 1);

    expect(await listPools(tdb.db.pool)).toEqual([
      { name: 'emr', slots: 5, description: 'EMR clusters', running: 3, queued: 1 },
      { name: 'idle', slots: 1, description: null, running: 0, queued: 0 },
    ]);
  });

  it('resizes, deletes and audits each change with its actor', async () => {
    const resized = await setPool(tdb.db.pool, { name: 'idle', slots: 4 }, 'bob');
    expect(resized).toMatchObject({ name: 'idle', slots: 4, running: 0, queued: 0 });
    expect(await deletePool(tdb.db.pool, 'idle', 'carol')).toBe(true);
    expect(await deletePool(tdb.db.pool, 'idle', 'carol')).toBe(false);
    expect(await findPool(tdb.db.pool, 'idle')).toBeNull();
    const audit = await tdb.db.pool.query<{ actor: string; action: string; details: Record<string, unknown> }>(
      `SELECT actor, action, details FROM audit_event WHERE details->>'name' = 'idle' ORDER BY id`,
    );
    expect(audit.rows).toEqual([
      { actor: 'alice', action: 'pool_set', details: { name: 'idle', slots: 1, created: true } },
      { actor: 'bob', action: 'pool_set', details: { name: 'idle', slots: 4, created: false } },
      { actor: 'carol', action: 'pool_delete', details: { name: 'idle' } },
    ]);
  });
});
