/**
 * The API's boundary: bad input gets a 4xx naming the field and nothing is
 * written; a broken DAG file is an import error while the other DAGs run.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

const goodDag = `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'good', schedule: null, start: '2026-01-01' });
d.task('only', fn(async () => 'fine'));
`;
const throwsOnImport = `
import { dag } from '@sluice/sdk';
export const d = dag({ id: 'broken', schedule: null, start: '2026-01-01' });
const config = JSON.parse('{not json');
`;
const cycleDag = `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'cyclic', schedule: '@daily', start: '2026-01-01' });
d.task('a', { upstream: ['b'] as never }, fn(async () => 1));
`;
const syntaxError = `
import { dag } from '@sluice/sdk';
export const d = dag({ id: 'typo', schedule: null, start: '2026-01-01' }
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    dags: { 'good.ts': goodDag, 'throws.ts': throwsOnImport, 'cycle.ts': cycleDag, 'syntax.ts': syntaxError },
  });
});
afterAll(async () => {
  await h.close();
});

describe('DAG import errors', () => {
  it('lists each broken file with its line and reason, and loads the others', async () => {
    const errors = await request(h.app).get('/api/v1/import-errors');
    expect(errors.status).toBe(200);
    const byFile = new Map<string, { line: number | null; message: string }>(
      errors.body.items.map((e: { fileLoc: string; line: number | null; message: string }) => [e.fileLoc, e]),
    );
    expect([...byFile.keys()].sort()).toEqual(['cycle.ts', 'syntax.ts', 'throws.ts']);
    expect(byFile.get('throws.ts')?.line).toBe(4);
    expect(byFile.get('throws.ts')?.message).toMatch(/JSON/);
    expect(byFile.get('syntax.ts')?.line).toBe(4);

    const dags = await request(h.app).get('/api/v1/dags');
    expect(dags.body.items.map((d: { dagId: string }) => d.dagId)).toEqual(['good']);
  });

  it('still runs the good DAG', async () => {
    const run = await h.trigger('good');
    const done = await h.waitForRun('good', run.runId, ['success', 'failed']);
    expect(done.state).toBe('success');
  });
});

describe('API input validation', () => {
  it('rejects a trigger whose conf is not an object, naming the field', async () => {
    const res = await request(h.app).post('/api/v1/dags/good/runs').send({ conf: 'region=eu' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.issues[0].path).toBe('body.conf');
    const runs = await request(h.app).get('/api/v1/dags/good/runs');
    expect(runs.body.items.every((r: { runType: string }) => r.runType === 'manual')).toBe(true);
  });

  it('rejects unknown body fields and malformed JSON with 400', async () => {
    const extra = await request(h.app).post('/api/v1/dags/good/runs').send({ config: {} });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/config/);
    const malformed = await request(h.app)
      .post('/api/v1/dags/good/runs')
      .set('content-type', 'application/json')
      .send('{"conf": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/not valid JSON/);
  });

  it('rejects a bad logical date and a bad pagination value, naming them', async () => {
    const date = await request(h.app).post('/api/v1/dags/good/runs').send({ logicalDate: 'yesterday' });
    expect(date.status).toBe(400);
    expect(date.body.error.issues[0].path).toBe('body.logicalDate');
    const page = await request(h.app).get('/api/v1/dags/good/runs?limit=0');
    expect(page.status).toBe(400);
    expect(page.body.error.issues[0].path).toBe('query.limit');
    const cursor = await request(h.app).get('/api/v1/dags/good/runs?cursor=abc');
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.issues[0]).toEqual({
      path: 'query.cursor',
      message: 'not a cursor this API handed out (use nextCursor of the page before)',
    });
    const offset = await request(h.app).get('/api/v1/dags/good/runs?offset=25');
    expect(offset.status).toBe(400);
    expect(offset.body.error.issues[0]).toEqual({
      path: 'query.offset',
      message: "offset is not supported: pass the page's nextCursor as cursor",
    });
  });

  it('pages runs with a cursor: limit runs per page, then the next ones', async () => {
    for (const runId of ['page_1', 'page_2', 'page_3']) {
      expect((await request(h.app).post('/api/v1/dags/good/runs').send({ runId })).status).toBe(201);
    }
    const first = await request(h.app).get('/api/v1/dags/good/runs?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.totalCapped).toBe(false);
    const second = await request(h.app).get(`/api/v1/dags/good/runs?limit=2&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.items, ...second.body.items].map((r: { runId: string }) => r.runId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.body.total).toBe(first.body.total);
    expect(ids.length).toBe(Math.min(4, first.body.total));
  });

  it('answers 404 for unknown DAGs, runs and tasks, and 409 for a taken run id', async () => {
    expect((await request(h.app).get('/api/v1/dags/nope')).status).toBe(404);
    expect((await request(h.app).post('/api/v1/dags/nope/runs').send({})).status).toBe(404);
    const noRun = await request(h.app).get('/api/v1/dags/good/runs/nope');
    expect(noRun.status).toBe(404);
    expect(noRun.body.error.message).toBe('DAG "good" has no run "nope"');
    // An unknown DAG is named as such, not as a missing run of it.
    const noDag = await request(h.app).get('/api/v1/dags/nope_dag/runs/x');
    expect(noDag.status).toBe(404);
    expect(noDag.body.error.message).toBe('DAG "nope_dag" does not exist');
    const first = await request(h.app).post('/api/v1/dags/good/runs').send({ runId: 'fixed_id' });
    expect(first.status).toBe(201);
    const again = await request(h.app).post('/api/v1/dags/good/runs').send({ runId: 'fixed_id' });
    expect(again.status).toBe(409);
    expect((await request(h.app).get('/api/v1/dags/good/runs/fixed_id/tasks/missing')).status).toBe(404);
    expect(
      (await request(h.app).post('/api/v1/dags/good/runs/fixed_id/tasks/only/clear').send({ downstream: 'yes' }))
        .status,
    ).toBe(400);
  });

  it('rejects a pause body without a boolean and records pause/unpause', async () => {
    const bad = await request(h.app).patch('/api/v1/dags/good').send({ isPaused: 'true' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('body.isPaused');
    const paused = await request(h.app).patch('/api/v1/dags/good').send({ isPaused: true });
    expect(paused.body.isPaused).toBe(true);
    const unpaused = await request(h.app).patch('/api/v1/dags/good').send({ isPaused: false });
    expect(unpaused.body.isPaused).toBe(false);
    const audit = await h.db.db.pool.query<{ action: string }>(
      `SELECT action FROM audit_event WHERE dag_id = 'good' AND action IN ('pause', 'unpause') ORDER BY id`,
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['pause', 'unpause']);
  });
});
