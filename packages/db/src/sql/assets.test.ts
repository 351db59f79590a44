/**
 * Asset events in Postgres: recorded with a task's success in its finish
 * statement (once, whatever retries of the write), queued for the DAGs
 * scheduled on the asset (not a paused one), turned into exactly one run by
 * two schedulers at once, and removed by db clean only when nothing refers
 * to them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanHistory } from '../retention';
import { createTestDatabase, type TestDatabase } from '../testing';
import {
  createAssetTriggeredRun,
  dagsWithQueuedAssetEvents,
  readTriggeringEvents,
  recordExternalAssetEvent,
} from './assets';
import { claimTaskTry } from './claimTaskTry';
import type { NewDagRun } from './createDagRun';
import { finishTaskTry } from './finishTaskTry';
import { syncDags } from './syncDags';
import { startTestRun } from './test-runs';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await t.drop();
});

const sql = async <T extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> =>
  (await t.db.pool.query<T>(text, values)).rows;

/** Stores DAGs whose structure declares outlets and asset schedules, as a parse would. */
async function sync(prefix: string, uri: string): Promise<{ producerVersion: string }> {
  const dags = [
    { dagId: `${prefix}_producer`, structure: { tasks: [{ taskId: 'load', outlets: [uri] }, { taskId: 'other' }] } },
    { dagId: `${prefix}_consumer`, structure: { assetSchedule: { kind: 'all', assets: [uri] }, tasks: [] } },
    { dagId: `${prefix}_paused`, structure: { assetSchedule: { kind: 'any', assets: [uri] }, tasks: [] } },
  ];
  await syncDags(t.db.pool, {
    dags: dags.map((d) => ({
      ...d,
      fileLoc: `${prefix}.ts`,
      hash: `h-${d.dagId}`,
      bundle: '',
      pausedOnCreation: d.dagId.endsWith('_paused'),
    })),
    errors: [],
    parsedAt: new Date(),
  });
  const [row] = await sql<{ id: string }>('SELECT current_version_id AS id FROM dag WHERE dag_id = $1', [
    `${prefix}_producer`,
  ]);
  return { producerVersion: row?.id ?? '' };
}

async function runningLoad(prefix: string, versionId: string, runId: string): Promise<string> {
  const run = await startTestRun(t.db.pool, {
    dagId: `${prefix}_producer`,
    versionId,
    runId,
    taskIds: ['load', 'other'],
    operator: 'fn',
  });
  const id = run.ti['load'] ?? '';
  await t.db.pool.query(`UPDATE task_instance SET state = 'queued', try_number = 1 WHERE id = $1`, [id]);
  await claimTaskTry(t.db.pool, { taskInstanceId: id, tryNumber: 1, hostname: 'h' });
  return id;
}

const queuedFor = (dagId: string) =>
  sql<{ extra: unknown }>(
    `SELECT e.extra FROM asset_dag_run_queue q JOIN asset_event e ON e.id = q.asset_event_id
     WHERE q.dag_id = $1 ORDER BY e.created_at, e.id`,
    [dagId],
  );

function consumerRun(dagId: string, versionId: string): NewDagRun {
  const now = new Date();
  return {
    dagId,
    runId: `asset_triggered__${now.toISOString()}`,
    runType: 'asset_triggered',
    logicalDate: now,
    dataIntervalStart: now,
    dataIntervalEnd: now,
    conf: {},
    dagVersionId: versionId,
    tasks: [],
  };
}

describe('outlet events with a finish', () => {
  it('records one event per outlet with the run as its source, queued for the unpaused consumer, and not twice', async () => {
    const { producerVersion } = await sync('once', 's3://once/');
    const ti = await runningLoad('once', producerVersion, 'r1');
    const finish = {
      taskInstanceId: ti,
      tryNumber: 1,
      to: 'success' as const,
      outletEvents: [{ uri: 's3://once/', extra: { rows: 3 } }],
    };
    expect(await finishTaskTry(t.db.pool, finish)).not.toBeNull();
    // The same write again (a reply lost, the write retried) finds the try ended and records nothing.
    expect(await finishTaskTry(t.db.pool, finish)).toBeNull();
    const events = await sql(
      `SELECT e.extra, e.source_dag_id, e.source_run_id, e.source_task_id, e.source_try, e.source_actor
       FROM asset_event e JOIN asset a ON a.id = e.asset_id WHERE a.uri = 's3://once/'`,
    );
    expect(events).toEqual([
      {
        extra: { rows: 3 },
        source_dag_id: 'once_producer',
        source_run_id: 'r1',
        source_task_id: 'load',
        source_try: 1,
        source_actor: null,
      },
    ]);
    expect(await queuedFor('once_consumer')).toEqual([{ extra: { rows: 3 } }]);
    expect(await queuedFor('once_paused')).toEqual([]);
    expect((await dagsWithQueuedAssetEvents(t.db.pool)).has('once_consumer')).toBe(true);
  });

  it('records nothing for a try that failed', async () => {
    const { producerVersion } = await sync('fails', 's3://fails/');
    const ti = await runningLoad('fails', producerVersion, 'r1');
    await finishTaskTry(t.db.pool, {
      taskInstanceId: ti,
      tryNumber: 1,
      to: 'failed',
      outletEvents: [{ uri: 's3://fails/', extra: {} }],
    });
    expect(await queuedFor('fails_consumer')).toEqual([]);
  });
});

describe('createAssetTriggeredRun', () => {
  it('makes one run of a batch when two schedulers look at once, linking every event and emptying the queue', async () => {
    await sync('race', 's3://race/');
    for (const n of [1, 2]) {
      await recordExternalAssetEvent(t.db.pool, { uri: 's3://race/', extra: { n }, actor: 'alice' });
    }
    const [consumer] = await sql<{ id: string }>(
      `SELECT current_version_id AS id FROM dag WHERE dag_id = 'race_consumer'`,
    );
    const seen: number[] = [];
    const attempt = () =>
      createAssetTriggeredRun(t.db.pool, 'race_consumer', (queued) => {
        seen.push(queued.length);
        return consumerRun('race_consumer', consumer?.id ?? '');
      });
    const results = await Promise.all([attempt(), attempt()]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(seen).toEqual([2]);
    const made = results.find((r) => r !== null);
    expect(made?.events).toBe(2);
    expect(await queuedFor('race_consumer')).toEqual([]);
    const [run] = await sql<{ id: string; run_type: string }>(
      `SELECT id, run_type FROM dag_run WHERE dag_id = 'race_consumer'`,
    );
    expect(run?.run_type).toBe('asset_triggered');
    const triggering = await readTriggeringEvents(t.db.pool, run?.id ?? '');
    expect(triggering.map((e) => [e.extra, e.source])).toEqual([
      [{ n: 1 }, { kind: 'external', actor: 'alice' }],
      [{ n: 2 }, { kind: 'external', actor: 'alice' }],
    ]);
  });

  it('leaves the queue as it is when the condition says not yet, and makes nothing for a paused DAG', async () => {
    await sync('wait', 's3://wait/');
    await recordExternalAssetEvent(t.db.pool, { uri: 's3://wait/', extra: {}, actor: 'bob' });
    expect(await createAssetTriggeredRun(t.db.pool, 'wait_consumer', () => null)).toBeNull();
    expect(await queuedFor('wait_consumer')).toHaveLength(1);
    await t.db.pool.query(
      `INSERT INTO asset_dag_run_queue (dag_id, asset_event_id, asset_id)
       SELECT 'wait_paused', asset_event_id, asset_id FROM asset_dag_run_queue WHERE dag_id = 'wait_consumer'`,
    );
    const decided: number[] = [];
    expect(
      await createAssetTriggeredRun(t.db.pool, 'wait_paused', (q) => {
        decided.push(q.length);
        return null;
      }),
    ).toBeNull();
    expect(decided).toEqual([]);
  });

  it('is null for an unknown asset', async () => {
    expect(await recordExternalAssetEvent(t.db.pool, { uri: 's3://unknown/', extra: {}, actor: 'x' })).toBeNull();
  });
});

describe('db clean', () => {
  it('removes old asset events nothing refers to, and keeps queued ones and those of kept runs', async () => {
    await sync('old', 's3://old/');
    const posted = [];
    for (const n of [1, 2, 3]) {
      const r = await recordExternalAssetEvent(t.db.pool, { uri: 's3://old/', extra: { n }, actor: 'a' });
      posted.push(r?.event.id ?? '');
    }
    const [loose, queued, linked] = posted;
    // One left alone in no queue, one queued, one consumed by a run that stays.
    await t.db.pool.query(`DELETE FROM asset_dag_run_queue WHERE asset_event_id = $1`, [loose]);
    const [consumer] = await sql<{ id: string }>(
      `SELECT current_version_id AS id FROM dag WHERE dag_id = 'old_consumer'`,
    );
    await createAssetTriggeredRun(t.db.pool, 'old_consumer', () => consumerRun('old_consumer', consumer?.id ?? ''));
    await t.db.pool.query(`DELETE FROM dag_run_asset_event WHERE asset_event_id = $1`, [queued]);
    await t.db.pool.query(
      `INSERT INTO asset_dag_run_queue (dag_id, asset_event_id, asset_id)
      SELECT 'old_consumer', id, asset_id FROM asset_event WHERE id = $1`,
      [queued],
    );
    await t.db.pool.query(`UPDATE asset_event SET created_at = now() - interval '90 days' WHERE id = ANY($1::uuid[])`, [
      posted,
    ]);
    const filter = { before: new Date(Date.now() - 30 * 86_400_000), dagIds: null };
    expect((await cleanHistory(t.db.pool, { ...filter, dryRun: true })).assetEvents).toBe(1);
    expect((await cleanHistory(t.db.pool, filter)).assetEvents).toBe(1);
    const left = await sql<{ id: string }>(
      `SELECT id FROM asset_event WHERE id = ANY($1::uuid[]) ORDER BY created_at`,
      [posted],
    );
    expect(left.map((r) => r.id).sort()).toEqual([queued, linked].sort());
  });
});
