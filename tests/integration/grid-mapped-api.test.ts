/**
 * What the UI reads of mapped tasks and asset-triggered runs, through the
 * real app with a real scheduler and worker: the grid sums a mapped task up
 * in one cell per run (counts by state, the worst state), the mapped route
 * pages its instances, and an asset-triggered run's detail names the events
 * it was created for and the run that made them.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grid, MappedGridPage, RunDetail } from '@sluice/client';
import { startHarness, waitFor, type Harness } from './harness';

const source = `
import { asset, dag, fn } from '@sluice/sdk';

export const wide = dag({ id: 'grid_wide', schedule: null, start: '2026-01-01', maxActiveTasks: 16 });
wide.task('work', { map: Array.from({ length: 60 }, (_, i) => i) }, fn(async (ctx) => {
  if (ctx.item === 7) throw new Error('item 7 is broken');
  return ctx.item;
}));

const daily = asset('s3://grid-test/daily/');
export const producer = dag({ id: 'grid_producer', schedule: null, start: '2026-01-01' });
producer.task('publish', { outlets: [daily] }, fn(async () => 'done'));

export const consumer = dag({ id: 'grid_consumer', schedule: [daily] });
consumer.task('report', fn(async () => 'read'));
`;

describe('the grid of a mapped task and the run page of an asset-triggered run', () => {
  let h: Harness;
  let mappedRun = '';
  beforeAll(async () => {
    h = await startHarness({ dags: { 'grid.ts': source }, workerConcurrency: 8 });
    await waitFor('the DAGs to be loaded', async () =>
      (await request(h.app).get('/api/v1/dags/grid_consumer')).status === 200 ? true : undefined,
    );
    const run = await h.trigger('grid_wide');
    mappedRun = run.runId;
    await h.waitForRun('grid_wide', run.runId, ['failed'], 60_000);
  }, 90_000);
  afterAll(async () => {
    await h.close();
  });

  it('shows a mapped task as one cell per run: its instances counted by state, in the worst state', async () => {
    const res = await request(h.app).get('/api/v1/dags/grid_wide/grid');
    expect(res.status).toBe(200);
    const grid = res.body as Grid;
    const run = grid.runs.find((r) => r.runId === mappedRun);
    expect(run?.mapped.work).toEqual({ total: 60, counts: { success: 59, failed: 1 } });
    expect(run?.states.work).toBe('failed');
    expect(run?.cells.work?.tryNumber).toBe(1);
    expect(run?.cells.work?.endedAt).not.toBeNull();
  });

  it("pages a mapped task's instances in the grid's runs, each with its state", async () => {
    const res = await request(h.app).get('/api/v1/dags/grid_wide/grid/mapped/work').query({ offset: 5, count: 4 });
    expect(res.status).toBe(200);
    const page = res.body as MappedGridPage;
    expect(page).toMatchObject({ dagId: 'grid_wide', taskId: 'work', total: 60, offset: 5, count: 4 });
    const instances = page.runs.find((r) => r.runId === mappedRun)?.instances ?? [];
    expect(instances.map((i) => [i.mapIndex, i.state])).toEqual([
      [5, 'success'],
      [6, 'success'],
      [7, 'failed'],
      [8, 'success'],
    ]);
    const tail = await request(h.app).get('/api/v1/dags/grid_wide/grid/mapped/work').query({ offset: 58 });
    expect((tail.body as MappedGridPage).runs[0]?.instances.map((i) => i.mapIndex)).toEqual([58, 59]);
  });

  it('refuses an unknown task and a page size out of range, naming what is wrong', async () => {
    const unknown = await request(h.app).get('/api/v1/dags/grid_wide/grid/mapped/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('DAG "grid_wide" has no task "nope"');
    const bad = await request(h.app).get('/api/v1/dags/grid_wide/grid/mapped/work').query({ count: 0 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.issues)).toContain('count');
  });

  it('names the events an asset-triggered run was created for, with the run that made them', async () => {
    const producerRun = await h.trigger('grid_producer');
    await h.waitForRun('grid_producer', producerRun.runId, ['success'], 30_000);
    const triggered = await waitFor('the asset-triggered run', async () => {
      const res = await request(h.app).get('/api/v1/dags/grid_consumer/runs');
      return (res.body as { items: RunDetail[] }).items.find((r) => r.runType === 'asset_triggered');
    });
    const detail = (await request(h.app).get(`/api/v1/dags/grid_consumer/runs/${encodeURIComponent(triggered.runId)}`))
      .body as RunDetail;
    expect(detail.triggeringEvents).toHaveLength(1);
    expect(detail.triggeringEvents[0]).toMatchObject({
      uri: 's3://grid-test/daily/',
      source: { kind: 'task', dagId: 'grid_producer', runId: producerRun.runId, taskId: 'publish', tryNumber: 1 },
    });
    const manual = (
      await request(h.app).get(`/api/v1/dags/grid_producer/runs/${encodeURIComponent(producerRun.runId)}`)
    ).body as RunDetail;
    expect(manual.triggeringEvents).toEqual([]);
  });
});
