/**
 * Data-aware scheduling with the real scheduler and worker: a producer's
 * success with an outlet makes its consumer run once, with the producer's
 * metadata in ctx.triggeringEvents; events that pile up before the
 * scheduler looks make one run between them; an event posted through the
 * API triggers too; a DAG on [a, b] waits for both, one on anyOf(a, b) for
 * either.
 */
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DagDetail, PostedAssetEvent } from '@sluice/client';
import { startHarness, waitFor, type Harness } from './harness';

const dagFile = `
import { allOf, anyOf, asset, dag, fn } from '@sluice/sdk';

const events = asset<{ partition: string; rows: number }>('s3://lake/events/');
const batch = asset<{ partition: string; rows: number }>('s3://lake/batch/');
const partner = asset<{ file: string }>('s3://partner/export/');
const a = asset('s3://lake/a/');
const b = asset('s3://lake/b/');
const c = asset('s3://lake/c/');
const d = asset('s3://lake/d/');

const producing = (id: string, target: typeof events) => {
  const p = dag({ id, schedule: null });
  p.task('load', { outlets: [target] }, fn((ctx) => {
    ctx.outletEvent(target, { partition: String(ctx.conf.partition), rows: 42 });
    return 'loaded';
  }));
};
producing('producer', events);
producing('batch_producer', batch);

const reading = (id: string, schedule: Parameters<typeof dag>[0]['schedule']) => {
  const consumer = dag({ id, schedule });
  consumer.task('read', fn((ctx) => ctx.triggeringEvents.map((e) => ({ uri: e.uri, extra: e.extra, source: e.source }))));
};
reading('consumer', [events]);
reading('batch_consumer', [batch]);
reading('partner_consumer', [partner]);
reading('both', allOf(a, b));
reading('either', anyOf(c, d));
const e = asset('s3://lake/e/');
const both = dag({ id: 'cron_and_assets', schedule: { cron: '@daily', assets: [e] }, start: '${new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10)}' });
both.task('read', fn((ctx) => ctx.triggeringEvents.length));
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ dags: { 'assets.ts': dagFile } });
  await waitFor('the DAGs to be loaded', async () =>
    (await request(h.app).get('/api/v1/dags/either')).status === 200 ? true : undefined,
  );
}, 60_000);
afterAll(async () => {
  await h?.close();
});

interface RunRow {
  id: string;
  runId: string;
  state: string;
  runType: string;
}

async function runsOf(dagId: string): Promise<RunRow[]> {
  const res = await h.db.db.pool.query<RunRow>(
    `SELECT id, run_id AS "runId", state, run_type AS "runType" FROM dag_run WHERE dag_id = $1 ORDER BY queued_at, id`,
    [dagId],
  );
  return res.rows;
}

/** Waits until `dagId` has `n` runs, all succeeded. */
function succeededRuns(dagId: string, n: number): Promise<RunRow[]> {
  return waitFor(
    `${n} successful runs of ${dagId}`,
    async () => {
      const runs = await runsOf(dagId);
      return runs.length === n && runs.every((r) => r.state === 'success') ? runs : undefined;
    },
    30_000,
    async () => JSON.stringify(await runsOf(dagId)),
  );
}

/** What the consumer's task returned: its ctx.triggeringEvents, as JSON. */
async function readOutput(dagRunId: string): Promise<Array<{ uri: string; extra: unknown; source: unknown }>> {
  const res = await h.db.db.pool.query<{ value: Array<{ uri: string; extra: unknown; source: unknown }> }>(
    `SELECT o.value FROM task_output o JOIN task_instance ti ON ti.id = o.task_instance_id WHERE ti.dag_run_id = $1`,
    [dagRunId],
  );
  return res.rows[0]?.value ?? [];
}

/** Waits until the scheduler has begun two passes after now: one whole pass saw what is true now. */
async function twoSchedulerPasses(): Promise<void> {
  let seen = 0;
  let last = new Date();
  await waitFor('two scheduler passes', async () => {
    const res = await h.db.db.pool.query<{ at: Date }>('SELECT max(last_heartbeat_at) AS at FROM scheduler_heartbeat');
    const at = res.rows[0]?.at;
    if (at && at > last) {
      seen++;
      last = at;
    }
    return seen >= 2 ? true : undefined;
  });
}

async function postEvent(uri: string, extra: Record<string, unknown> = {}): Promise<PostedAssetEvent> {
  const res = await request(h.app).post('/api/v1/assets/events').send({ uri, extra });
  if (res.status !== 201) throw new Error(`POST event: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as PostedAssetEvent;
}

describe('asset-triggered runs', () => {
  it("a producer's success makes its consumer run exactly once, reading the producer's metadata", async () => {
    const produced = await h.trigger('producer', { conf: { partition: '2026-12-01' } });
    await h.waitForRun('producer', produced.runId, ['success']);
    const [run] = await succeededRuns('consumer', 1);
    expect(run?.runType).toBe('asset_triggered');
    expect(await readOutput(run?.id ?? '')).toEqual([
      {
        uri: 's3://lake/events/',
        extra: { partition: '2026-12-01', rows: 42 },
        source: { kind: 'task', dagId: 'producer', runId: produced.runId, taskId: 'load', tryNumber: 1 },
      },
    ]);
    // The event was consumed: later passes make no second run.
    await twoSchedulerPasses();
    expect(await runsOf('consumer')).toHaveLength(1);
  });

  it('two events before the scheduler looks make one run carrying both', async () => {
    // Holding the consumer's DAG lock keeps the scheduler from turning its queue into a run meanwhile.
    const holder = new pg.Client({ connectionString: h.db.databaseUrl });
    await holder.connect();
    try {
      await holder.query(`SET search_path TO "${h.db.schema}"`);
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM dag WHERE dag_id = 'batch_consumer' FOR NO KEY UPDATE`);
      for (const partition of ['2026-12-01', '2026-12-02']) {
        const run = await h.trigger('batch_producer', { conf: { partition }, runId: `load-${partition}` });
        await h.waitForRun('batch_producer', run.runId, ['success']);
      }
      const queued = await h.db.db.pool.query(`SELECT 1 FROM asset_dag_run_queue WHERE dag_id = 'batch_consumer'`);
      expect(queued.rows).toHaveLength(2);
      expect(await runsOf('batch_consumer')).toEqual([]);
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    const [run] = await succeededRuns('batch_consumer', 1);
    const seen = await readOutput(run?.id ?? '');
    expect(seen.map((e) => e.extra)).toEqual([
      { partition: '2026-12-01', rows: 42 },
      { partition: '2026-12-02', rows: 42 },
    ]);
    await twoSchedulerPasses();
    expect(await runsOf('batch_consumer')).toHaveLength(1);
  });

  it('an event posted through the API triggers its consumer, which sees who posted it', async () => {
    const posted = await postEvent('s3://partner/export/', { file: 'export-2026-12-01.csv' });
    expect(posted.queuedFor).toEqual(['partner_consumer']);
    const [run] = await succeededRuns('partner_consumer', 1);
    expect(await readOutput(run?.id ?? '')).toEqual([
      {
        uri: 's3://partner/export/',
        extra: { file: 'export-2026-12-01.csv' },
        source: { kind: 'external', actor: 'local' },
      },
    ]);
  });

  it('a DAG on [a, b] does not run after a alone, and runs once b arrives', async () => {
    await postEvent('s3://lake/a/');
    await twoSchedulerPasses();
    expect(await runsOf('both')).toEqual([]);
    const page = (await request(h.app).get('/api/v1/dags/both')).body as DagDetail;
    expect(page.assetSchedule).toMatchObject({ ready: false, reason: 'waiting for s3://lake/b/ (1 of 2 updated)' });
    await postEvent('s3://lake/b/');
    const [run] = await succeededRuns('both', 1);
    expect((await readOutput(run?.id ?? '')).map((e) => e.uri)).toEqual(['s3://lake/a/', 's3://lake/b/']);
  });

  it('a DAG on a cron and assets runs on both: its timetable, and each batch of events', async () => {
    const scheduled = await waitFor('the cron run', async () => {
      const runs = await runsOf('cron_and_assets');
      return runs.some((r) => r.runType === 'scheduled') ? runs : undefined;
    });
    expect(scheduled.every((r) => r.runType === 'scheduled')).toBe(true);
    await postEvent('s3://lake/e/');
    const triggered = await waitFor('the asset-triggered run', async () => {
      const runs = await runsOf('cron_and_assets');
      return runs.find((r) => r.runType === 'asset_triggered' && r.state === 'success');
    });
    expect(await readOutput(triggered.id)).toBe(1);
  });

  it('a DAG on anyOf(a, b) runs after either', async () => {
    await postEvent('s3://lake/c/');
    const [first] = await succeededRuns('either', 1);
    expect((await readOutput(first?.id ?? '')).map((e) => e.uri)).toEqual(['s3://lake/c/']);
    await postEvent('s3://lake/d/');
    const runs = await succeededRuns('either', 2);
    expect((await readOutput(runs[1]?.id ?? '')).map((e) => e.uri)).toEqual(['s3://lake/d/']);
  });
});
