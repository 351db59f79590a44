/** Connection credentials are encrypted at rest and never come back out of the API. */
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConnectionSettings, verifySecretKey, type TestDatabase } from '@sluice/db';
import { WorkerConfig, startWorker } from '@sluice/worker';
import { type ApiOnly, startApiOnly } from './api-only';

const KEY = 'a-test-key-of-sufficient-length';
let api: ApiOnly;
let tdb: TestDatabase;

const app = (secretKey?: string) => api.app(secretKey ? { secretKey } : {});

beforeAll(async () => {
  api = await startApiOnly('conn');
  tdb = api.tdb;
});
afterAll(async () => {
  await api.close();
});

describe('connections', () => {
  it('stores credentials encrypted and answers without them', async () => {
    const put = await request(app(KEY))
      .put('/api/v1/connections/prod')
      .send({ region: 'eu-west-1', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI-secret' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'prod', region: 'eu-west-1', hasCredentials: true });
    expect(JSON.stringify(put.body)).not.toContain('wJalrXUtnFEMI');

    const list = await request(app(KEY)).get('/api/v1/connections');
    expect(JSON.stringify(list.body)).not.toContain('wJalrXUtnFEMI');
    expect(JSON.stringify(list.body)).not.toContain('AKIAEXAMPLE');

    const raw = await tdb.db.pool.query<{ secret: string }>(`SELECT secret FROM connection WHERE name = 'prod'`);
    expect(raw.rows[0]?.secret).toMatch(/^v1:/);
    expect(raw.rows[0]?.secret).not.toContain('wJalrXUtnFEMI');

    const forWorker = await readConnectionSettings(tdb.db.prisma, 'prod', KEY);
    expect(forWorker?.credentials).toEqual({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI-secret' });
    await expect(readConnectionSettings(tdb.db.prisma, 'prod', 'another-key-entirely-wrong')).rejects.toThrow(
      /SLUICE_SECRET_KEY differs/,
    );
  });

  it('keeps stored credentials when only the region changes', async () => {
    const res = await request(app(KEY)).put('/api/v1/connections/prod').send({ region: 'us-east-1' });
    expect(res.body).toMatchObject({ region: 'us-east-1', hasCredentials: true });
  });

  it('refuses credentials when no secret key is configured, and bad fields by name', async () => {
    const noKey = await request(app()).put('/api/v1/connections/dev').send({ accessKeyId: 'A', secretAccessKey: 'B' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.message).toMatch(/SLUICE_SECRET_KEY/);
    const half = await request(app(KEY)).put('/api/v1/connections/dev').send({ accessKeyId: 'A' });
    expect(half.status).toBe(400);
    expect(half.body.error.issues[0].path).toBe('body.secretAccessKey');
    const region = await request(app(KEY)).put('/api/v1/connections/dev').send({ region: 'Ireland' });
    expect(region.body.error.issues[0].path).toBe('body.region');
    expect(
      (await request(app(KEY)).get('/api/v1/connections')).body.items.map((c: { name: string }) => c.name),
    ).toEqual(['prod']);
  });

  it('keeps stored credentials from being pointed at a new endpoint without entering them again', async () => {
    await request(app(KEY))
      .put('/api/v1/connections/moving')
      .send({ endpoint: 'https://glue.eu-west-1.amazonaws.com', accessKeyId: 'A', secretAccessKey: 'B' });
    const moved = await request(app(KEY)).put('/api/v1/connections/moving').send({ endpoint: 'http://127.0.0.1:8095' });
    expect(moved.status).toBe(400);
    expect(moved.body.error.issues[0].path).toBe('body.accessKeyId');
    expect((await readConnectionSettings(tdb.db.prisma, 'moving', KEY))?.endpoint).toBe(
      'https://glue.eu-west-1.amazonaws.com',
    );
    await request(app(KEY)).delete('/api/v1/connections/moving');
  });

  it('stops a worker started with another key than the credentials were stored with', async () => {
    await verifySecretKey(tdb.db.prisma, KEY);
    const env = {
      DATABASE_URL: `${tdb.databaseUrl}${tdb.databaseUrl.includes('?') ? '&' : '?'}schema=${tdb.schema}`,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      SLUICE_QUEUE_PREFIX: `test-conn-key-${process.pid}`,
      SLUICE_SECRET_KEY: 'not-the-key-it-was-stored-with',
    };
    await expect(startWorker(WorkerConfig.parse(env), pino({ level: 'silent' }))).rejects.toThrow(
      /SLUICE_SECRET_KEY is not the key/,
    );
  });

  it('deletes a connection, and 404s an unknown one', async () => {
    expect((await request(app(KEY)).delete('/api/v1/connections/prod')).status).toBe(204);
    expect((await request(app(KEY)).delete('/api/v1/connections/prod')).status).toBe(404);
  });
});
