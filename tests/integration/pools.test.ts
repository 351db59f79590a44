/** Pools through the API: sizes set and deleted with their actor audited, occupancy shown, bad input named. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiOnly, startApiOnly } from './api-only';

let api: ApiOnly;
beforeAll(async () => {
  api = await startApiOnly('pools');
});
afterAll(async () => {
  await api.close();
});

describe('pools API', () => {
  it('creates, resizes, lists with occupancy and deletes a pool, auditing each change', async () => {
    const put = await request(api.app()).put('/api/v1/pools/emr').send({ slots: 4, description: 'EMR clusters' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({ name: 'emr', slots: 4, description: 'EMR clusters', running: 0, queued: 0, free: 4 });
    await request(api.app()).put('/api/v1/pools/emr').send({ slots: 2 }).expect(200);
    const list = await request(api.app()).get('/api/v1/pools');
    expect(list.body.items).toEqual([{ name: 'emr', slots: 2, description: null, running: 0, queued: 0, free: 2 }]);
    expect((await request(api.app()).delete('/api/v1/pools/emr')).status).toBe(204);
    expect((await request(api.app()).delete('/api/v1/pools/emr')).status).toBe(404);
    expect((await request(api.app()).get('/api/v1/pools/emr')).status).toBe(404);
    const audit = await api.tdb.db.pool.query<{ action: string }>(
      `SELECT action FROM audit_event WHERE action LIKE 'pool_%' ORDER BY id`,
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['pool_set', 'pool_set', 'pool_delete']);
  });

  it('names what is wrong: negative or fractional slots, an unknown field, a traversal name', async () => {
    const negative = await request(api.app()).put('/api/v1/pools/p').send({ slots: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.error.issues[0]).toEqual({ path: 'body.slots', message: 'slots must be 0 or more' });
    const fraction = await request(api.app()).put('/api/v1/pools/p').send({ slots: 1.5 });
    expect(fraction.body.error.issues[0]).toEqual({ path: 'body.slots', message: 'slots must be a whole number' });
    expect((await request(api.app()).put('/api/v1/pools/p').send({ slots: 1, size: 2 })).status).toBe(400);
    const dots = await request(api.app()).put('/api/v1/pools/a..b').send({ slots: 1 });
    expect(dots.body.error.issues[0]).toEqual({ path: 'params.name', message: 'name may not contain ".."' });
  });
});
