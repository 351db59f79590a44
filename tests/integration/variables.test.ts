/** Variables through the API: stored encrypted, secret values never answered, every change (and each connection change) audited without its value. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '@sluice/db';
import { type ApiOnly, startApiOnly } from './api-only';

const KEY = 'a-test-key-of-sufficient-length';
const SECRET = 'tok-variable-value-4f2a9';
let api: ApiOnly;
let tdb: TestDatabase;

const app = (secretKey?: string) => api.app(secretKey ? { secretKey } : {});

beforeAll(async () => {
  api = await startApiOnly('vars');
  tdb = api.tdb;
});
afterAll(async () => {
  await api.close();
});

const audit = async (actions: string[]) =>
  (
    await tdb.db.pool.query<{ actor: string; action: string; details: Record<string, unknown> }>(
      'SELECT actor, action, details FROM audit_event WHERE action = ANY($1) ORDER BY id',
      [actions],
    )
  ).rows;

describe('variables API', () => {
  it('stores a secret variable encrypted and answers it masked, in the list and alone', async () => {
    const put = await request(app(KEY))
      .put('/api/v1/variables/api_token')
      .send({ value: SECRET, secret: true, description: 'the partner API' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ key: 'api_token', value: '***', secret: true, description: 'the partner API' });

    const one = await request(app(KEY)).get('/api/v1/variables/api_token');
    expect(one.body).toMatchObject({ key: 'api_token', value: '***', secret: true });
    const list = await request(app(KEY)).get('/api/v1/variables');
    expect(JSON.stringify(list.body)).not.toContain(SECRET);

    const raw = await tdb.db.pool.query<{ value: string }>(`SELECT value FROM variable WHERE key = 'api_token'`);
    expect(raw.rows[0]?.value).toMatch(/^v1:/);
    expect(raw.rows[0]?.value).not.toContain(SECRET);
  });

  it('answers a plain variable with its value', async () => {
    await request(app(KEY)).put('/api/v1/variables/region').send({ value: 'eu-west-1' }).expect(200);
    const list = await request(app(KEY)).get('/api/v1/variables');
    expect(list.body.items).toEqual([
      expect.objectContaining({ key: 'api_token', value: '***', secret: true }),
      expect.objectContaining({ key: 'region', value: 'eu-west-1', secret: false, description: null }),
    ]);
  });

  it('names what is wrong: a traversal key, a missing value, an unknown field, no secret key', async () => {
    const dots = await request(app(KEY)).put('/api/v1/variables/a..b').send({ value: 'x' });
    expect(dots.status).toBe(400);
    expect(dots.body.error.issues[0]).toEqual({ path: 'params.key', message: 'key may not contain ".."' });
    const noValue = await request(app(KEY)).put('/api/v1/variables/x').send({ secret: true });
    expect(noValue.body.error.issues[0].path).toBe('body.value');
    const extra = await request(app(KEY)).put('/api/v1/variables/x').send({ value: 'v', hidden: true });
    expect(extra.status).toBe(400);
    const noKey = await request(app()).put('/api/v1/variables/x').send({ value: 'v' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.message).toMatch(/SLUICE_SECRET_KEY/);
    expect((await request(app(KEY)).get('/api/v1/variables/x')).status).toBe(404);
  });

  it('records who set and deleted a variable, never its value', async () => {
    await request(app(KEY))
      .put('/api/v1/variables/api_token')
      .send({ value: `${SECRET}-2`, secret: true });
    expect((await request(app(KEY)).delete('/api/v1/variables/api_token')).status).toBe(204);
    expect((await request(app(KEY)).delete('/api/v1/variables/api_token')).status).toBe(404);
    const events = await audit(['variable_set', 'variable_delete']);
    expect(events.map((e) => [e.action, e.details])).toEqual([
      ['variable_set', { key: 'api_token', secret: true, created: true }],
      ['variable_set', { key: 'region', secret: false, created: true }],
      ['variable_set', { key: 'api_token', secret: true, created: false }],
      ['variable_delete', { key: 'api_token' }],
    ]);
    for (const e of events) expect(e.actor).toMatch(/\S/);
    expect(JSON.stringify(events)).not.toContain('tok-');
  });

  it('records every connection change, never the credentials', async () => {
    await request(app(KEY))
      .put('/api/v1/connections/prod')
      .send({ region: 'eu-west-1', accessKeyId: 'AKIAAUDITED', secretAccessKey: 'wJalrXUtn-audited' })
      .expect(200);
    await request(app(KEY)).put('/api/v1/connections/prod').send({ region: 'us-east-1' }).expect(200);
    await request(app(KEY)).delete('/api/v1/connections/prod').expect(204);
    const events = await audit(['connection_set', 'connection_delete']);
    expect(events.map((e) => [e.action, e.details])).toEqual([
      ['connection_set', { name: 'prod', region: 'eu-west-1', roleArn: null, endpoint: null, credentials: 'entered' }],
      ['connection_set', { name: 'prod', region: 'us-east-1', roleArn: null, endpoint: null, credentials: 'kept' }],
      ['connection_delete', { name: 'prod' }],
    ]);
    for (const e of events) expect(e.actor).toMatch(/\S/);
    expect(JSON.stringify(events)).not.toMatch(/AKIAAUDITED|wJalrXUtn/);
  });
});
