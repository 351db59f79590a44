import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFinishedRuns } from './history-fixtures';
import { cleanHistory } from './retention';
import { createTestDatabase, type TestDatabase } from './testing';
import { createTestDag, startTestRun } from './sql/test-runs';

let t: TestDatabase;
const DAY = 86_400_000;
const now = Date.now();

const count = async (table: string): Promise<number> =>
  Number((await t.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

beforeAll(async () => {
  t = await createTestDatabase({ max: 3 });
});
afterAll(async () => {
  await t?.drop();
});

describe('cleanHistory', () => {
  it('deletes finished runs older than the cutoff and all under them, in batches, and leaves the rest', async () => {
    const old = new Date(now - 100 * DAY);
    await generateFinishedRuns(t.db.pool, {
      dagId: 'old_etl',
      runs: 12,
      tasksPerRun: 3,
      logLinesPerTry: 2,
      endedBefore: old,
    });
    await generateFinishedRuns(t.db.pool, {
      dagId: 'other',
      runs: 2,
      tasksPerRun: 1,
      logLinesPerTry: 1,
      endedBefore: old,
    });
    await generateFinishedRuns(t.db.pool, {
      dagId: 'old_etl',
      runs: 2,
      tasksPerRun: 3,
      logLinesPerTry: 2,
      endedBefore: new Date(now),
      prefix: 'recent',
    });
    // An old run still running is not history.
    const version = await createTestDag(t.db.pool, 'live');
    await startTestRun(t.db.pool, {
      dagId: 'live',
      versionId: version,
      runId: 'live_1',
      taskIds: ['a'],
      operator: 'shell',
    });
    await t.db.pool.query(`UPDATE dag_run SET logical_date = $1 WHERE dag_id = 'live'`, [old]);
    await t.db.pool.query(
      `INSERT INTO audit_event (at, actor, action, dag_id) VALUES ($1, 'alice', 'trigger', 'old_etl'), (now(), 'bob', 'trigger', 'old_etl')`,
      [old],
    );

    const before = new Date(now - 30 * DAY);
    const filter = { before, dagIds: ['old_etl'] };
    const dry = await cleanHistory(t.db.pool, { ...filter, dryRun: true });
    expect(dry).toEqual({
      runs: 12,
      taskInstances: 36,
      tries: 36,
      logLines: 72,
      outputs: 0,
      callbacks: 0,
      backfills: 0,
      auditEvents: 1,
      assetEvents: 0,
    });
    expect(await count('dag_run')).toBe(17);

    const batches: number[] = [];
    const archived: string[] = [];
    const done = await cleanHistory(t.db.pool, {
      ...filter,
      batchRuns: 5,
      archive: async (logs) => {
        archived.push(...logs.map((l) => `${l.runId}/${l.taskId}/${l.tryNumber}:${l.text}`));
      },
      onBatch: (deleted) => {
        if (deleted.runs > 0) batches.push(deleted.runs);
      },
    });
    expect(done).toEqual(dry);
    expect(batches).toEqual([5, 5, 2]);
    expect(archived).toHaveLength(36);
    expect(archived).toContain('generated_1/t1/1:line 1\nline 2\n');
    const left = await t.db.pool.query<{ dag_id: string; n: number }>(
      'SELECT dag_id, count(*)::int AS n FROM dag_run GROUP BY dag_id ORDER BY dag_id',
    );
    expect(left.rows).toEqual([
      { dag_id: 'live', n: 1 },
      { dag_id: 'old_etl', n: 2 },
      { dag_id: 'other', n: 2 },
    ]);
    expect(await count('task_instance')).toBe(6 + 2 + 1);
    expect(await count('audit_event')).toBe(1);
  });

  it('deletes finished backfills older than the cutoff once their runs are gone, and keeps the rest', async () => {
    const old = new Date(now - 100 * DAY);
    await generateFinishedRuns(t.db.pool, {
      dagId: 'bf',
      runs: 3,
      tasksPerRun: 1,
      logLinesPerTry: 0,
      endedBefore: old,
      prefix: 'b_done',
    });
    await generateFinishedRuns(t.db.pool, {
      dagId: 'bf',
      runs: 2,
      tasksPerRun: 1,
      logLinesPerTry: 0,
      endedBefore: old,
      prefix: 'b_part',
    });
    await generateFinishedRuns(t.db.pool, {
      dagId: 'bf',
      runs: 1,
      tasksPerRun: 1,
      logLinesPerTry: 0,
      endedBefore: new Date(now),
      prefix: 'b_recent',
    });
    await generateFinishedRuns(t.db.pool, {
      dagId: 'bf_other',
      runs: 1,
      tasksPerRun: 1,
      logLinesPerTry: 0,
      endedBefore: old,
    });
    const backfill = async (name: string, dagId: string, state: string, updatedAt: Date, runPrefixes: string[]) => {
      const made = await t.db.pool.query<{ id: string }>(
        `INSERT INTO backfill (dag_id, from_date, to_date, reprocess, reverse, max_active_runs, conf, created_by, state, updated_at)
         VALUES ($1, $2, $2, 'none', false, 1, '{}', $3, $4, $5) RETURNING id`,
        [dagId, old, name, state, updatedAt],
      );
      for (const prefix of runPrefixes)
        await t.db.pool.query(`UPDATE dag_run SET backfill_id = $1 WHERE dag_id = $2 AND run_id LIKE $3`, [
          made.rows[0]?.id,
          dagId,
          `${prefix}%`,
        ]);
    };
    // Old and completed, all its runs old: goes with them.
    await backfill('done', 'bf', 'completed', old, ['b_done']);
    // Old and cancelled, never made a run: goes.
    await backfill('empty', 'bf', 'cancelled', old, []);
    // Old and cancelled, but one of its runs is recent and stays: stays.
    await backfill('part', 'bf', 'cancelled', old, ['b_part', 'b_recent']);
    // Old but still running (or paused): stays.
    await backfill('running', 'bf', 'running', old, []);
    await backfill('paused', 'bf', 'paused', old, []);
    // Completed only recently: stays.
    await backfill('recent', 'bf', 'completed', new Date(now), []);
    // Another DAG than the one cleaned: stays.
    await backfill('other', 'bf_other', 'completed', old, ['generated_']);

    const filter = { before: new Date(now - 30 * DAY), dagIds: ['bf'] };
    const dry = await cleanHistory(t.db.pool, { ...filter, dryRun: true });
    expect(dry).toMatchObject({ runs: 5, backfills: 2 });
    const batches: number[] = [];
    const done = await cleanHistory(t.db.pool, {
      ...filter,
      batchRuns: 1,
      onBatch: (deleted) => {
        if (deleted.backfills > 0) batches.push(deleted.backfills);
      },
    });
    expect(done).toMatchObject({ runs: 5, backfills: 2 });
    expect(batches).toEqual([1, 1]);
    const left = await t.db.pool.query<{ created_by: string }>(`SELECT created_by FROM backfill ORDER BY created_by`);
    expect(left.rows.map((r) => r.created_by)).toEqual(['other', 'part', 'paused', 'recent', 'running']);
  });
});
