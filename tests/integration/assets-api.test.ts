/**
 * The asset routes through the real app on a fresh schema: the list with
 * last events, one asset's producers, consumers and events with their
 * source, posting an event (queued for the DAGs waiting on the asset,
 * audited, operator role), what a DAG waits for on its page, and what it
 * is linked to. Bad bodies are 400s naming the field; unknown assets 404s.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH } from '@sluice/api';
import type { AssetDetail, AssetList, DagDetail, DagLinks, PostedAssetEvent, RunDetail } from '@sluice/client';
import type { DagSpec } from '@sluice/core';
import { makeDag, makeTask } from '@sluice/core/test-fixtures';
import { createApiToken, createDagRun, createUser, syncDags } from '@sluice/db';
import { type ApiOnly, startApiOnly } from './api-only';

let api: ApiOnly;
const tokens = { viewer: '', operator: '' };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const enc = encodeURIComponent;

function specs(): DagSpec[] {
  return [
    makeDag({
      dagId: 'producer',
      schedule: null,
      tasks: [makeTask('load', { outlets: ['s3://lake/events/'] })],
    }),
    makeDag({
      dagId: 'consumer',
      schedule: '@daily',
      assetSchedule: { kind: 'all', assets: ['s3://lake/events/', 's3://lake/users/'] },
      tasks: [
        makeTask('report'),
        makeTask('kick', { operator: { kind: 'sluice.triggerDag', options: { dagId: 'producer' } } }),
      ],
    }),
    makeDag({
      dagId: 'hidden',
      schedule: null,
      tags: ['team:finance'],
      assetSchedule: { kind: 'any', assets: ['s3://lake/events/'] },
      tasks: [makeTask('t')],
    }),
  ];
}

beforeAll(async () => {
  api = await startApiOnly('assets');
  await syncDags(api.tdb.db.pool, {
    dags: specs().map((spec) => ({
      dagId: spec.dagId,
      fileLoc: `${spec.dagId}.ts`,
      hash: `h-${spec.dagId}`,
      structure: spec,
      bundle: '',
      pausedOnCreation: false,
    })),
    errors: [],
    parsedAt: new Date(),
  });
  const prisma = api.tdb.db.prisma;
  for (const role of ['viewer', 'operator'] as const) {
    await createUser(prisma, { username: `${role}-user`, role });
    tokens[role] = (await createApiToken(prisma, { username: `${role}-user`, name: 't', expiresAt: null })).token;
  }
}, 60_000);
afterAll(async () => {
  await api.close();
});

const signedIn = () => api.app({ auth: { ...DEFAULT_AUTH, mode: 'on' } });

describe('POST /api/v1/assets/events', () => {
  it('records the event with its actor, queues it for every DAG waiting on the asset and audits it', async () => {
    const res = await request(signedIn())
      .post('/api/v1/assets/events')
      .set(bearer(tokens.operator))
      .send({ uri: 's3://lake/events/', extra: { partition: '2026-12-01', rows: 12 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const body = res.body as PostedAssetEvent;
    expect(body.event).toMatchObject({
      uri: 's3://lake/events/',
      extra: { partition: '2026-12-01', rows: 12 },
      source: { kind: 'external', actor: 'operator-user' },
    });
    // The finance team's DAG is queued too, but an operator outside that team is not told about it.
    expect(body.queuedFor).toEqual(['consumer']);
    const queued = await api.tdb.db.pool.query<{ dag_id: string }>(
      'SELECT dag_id FROM asset_dag_run_queue WHERE asset_event_id = $1 ORDER BY dag_id',
      [body.event.id],
    );
    expect(queued.rows.map((r) => r.dag_id)).toEqual(['consumer', 'hidden']);
    const audit = await api.tdb.db.pool.query<{ actor: string; details: { uri: string; eventId: string } }>(
      `SELECT actor, details FROM audit_event WHERE action = 'asset_event'`,
    );
    expect(audit.rows).toEqual([
      expect.objectContaining({
        actor: 'operator-user',
        details: expect.objectContaining({ uri: 's3://lake/events/', eventId: body.event.id }),
      }),
    ]);
  });

  it('is refused to a viewer: posting an event starts runs', async () => {
    const res = await request(signedIn())
      .post('/api/v1/assets/events')
      .set(bearer(tokens.viewer))
      .send({ uri: 's3://lake/events/' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/needs the operator role/);
  });

  it('names the field of a bad body', async () => {
    const post = (body: unknown) =>
      request(api.app())
        .post('/api/v1/assets/events')
        .send(body as object);
    const noScheme = await post({ uri: 'lake/events' });
    expect(noScheme.status).toBe(400);
    expect(noScheme.body.error.issues[0]).toEqual({
      path: 'body.uri',
      message: 'asset URI needs a scheme, as in "s3://bucket/prefix/" or "postgres://db/schema/table"',
    });
    const missing = await post({});
    expect(missing.body.error.issues[0].path).toBe('body.uri');
    const badExtra = await post({ uri: 's3://lake/events/', extra: [1, 2] });
    expect(badExtra.status).toBe(400);
    expect(badExtra.body.error.issues[0].path).toBe('body.extra');
    const unknownField = await post({ uri: 's3://lake/events/', partition: 'x' });
    expect(unknownField.status).toBe(400);
    const big = await post({ uri: 's3://lake/events/', extra: { blob: 'x'.repeat(70_000) } });
    expect(big.body.error.issues[0]).toEqual({ path: 'body.extra', message: 'extra is larger than 64 KiB as JSON' });
  });

  it('is a 404 for an asset no DAG declares, and records nothing', async () => {
    const res = await request(api.app()).post('/api/v1/assets/events').send({ uri: 's3://nowhere/' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/Asset "s3:\/\/nowhere\/" does not exist/);
    const events = await api.tdb.db.pool.query(
      'SELECT 1 FROM asset_event e JOIN asset a ON a.id = e.asset_id WHERE a.uri = $1',
      ['s3://nowhere/'],
    );
    expect(events.rows).toEqual([]);
  });
});

describe('GET /api/v1/assets', () => {
  it('lists assets by URI with producers, consumers and the last event, a page at a time', async () => {
    await request(api.app())
      .post('/api/v1/assets/events')
      .send({ uri: 's3://lake/users/', extra: { n: 1 } })
      .expect(201);
    const first = await request(api.app()).get('/api/v1/assets?limit=1');
    expect(first.status).toBe(200);
    const page = first.body as AssetList;
    expect(page.items).toEqual([
      expect.objectContaining({
        uri: 's3://lake/events/',
        producers: [{ dagId: 'producer', taskId: 'load' }],
        consumers: ['consumer', 'hidden'],
        lastEvent: expect.objectContaining({
          uri: 's3://lake/events/',
          source: expect.objectContaining({ kind: 'external' }),
        }),
      }),
    ]);
    expect(page.nextCursor).not.toBeNull();
    const second = (await request(api.app()).get(`/api/v1/assets?limit=1&cursor=${page.nextCursor}`)).body as AssetList;
    expect(second.items.map((a) => a.uri)).toEqual(['s3://lake/users/']);
    expect(second.items[0]?.lastEvent?.extra).toEqual({ n: 1 });
    expect(second.nextCursor).toBeNull();
    const prefixed = (await request(api.app()).get(`/api/v1/assets?prefix=${enc('s3://lake/u')}`)).body as AssetList;
    expect(prefixed.items.map((a) => a.uri)).toEqual(['s3://lake/users/']);
  });

  it('names a bad limit or cursor', async () => {
    const limit = await request(api.app()).get('/api/v1/assets?limit=0');
    expect(limit.body.error.issues[0]).toEqual({ path: 'query.limit', message: 'limit must be at least 1' });
    const cursor = await request(api.app()).get('/api/v1/assets?cursor=%%%');
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.issues[0].path).toBe('query.cursor');
  });

  it('hides DAGs of teams the caller is not in', async () => {
    const res = await request(signedIn()).get('/api/v1/assets').set(bearer(tokens.viewer));
    expect(res.status).toBe(200);
    expect((res.body as AssetList).items[0]?.consumers).toEqual(['consumer']);
  });
});

describe('GET /api/v1/assets/:uri', () => {
  it('shows producers, consumers with their queued events, and events newest first with their source', async () => {
    const res = await request(api.app()).get(`/api/v1/assets/${enc('s3://lake/events/')}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const a = res.body as AssetDetail;
    expect(a.producers).toEqual([{ dagId: 'producer', taskId: 'load' }]);
    expect(a.consumers).toEqual([
      { dagId: 'consumer', queuedEvents: 1 },
      { dagId: 'hidden', queuedEvents: 1 },
    ]);
    expect(a.events).toEqual([
      expect.objectContaining({
        extra: { partition: '2026-12-01', rows: 12 },
        source: { kind: 'external', actor: 'operator-user' },
        triggeredRuns: [],
      }),
    ]);
    expect(a.nextCursor).toBeNull();
  });

  it('pages events with nextCursor', async () => {
    for (const n of [1, 2]) {
      await request(api.app())
        .post('/api/v1/assets/events')
        .send({ uri: 's3://lake/users/', extra: { n } })
        .expect(201);
    }
    const path = `/api/v1/assets/${enc('s3://lake/users/')}`;
    const first = (await request(api.app()).get(`${path}?limit=2`)).body as AssetDetail;
    expect(first.events.map((e) => e.extra)).toEqual([{ n: 2 }, { n: 1 }]);
    const rest = (await request(api.app()).get(`${path}?limit=2&cursor=${first.nextCursor}`)).body as AssetDetail;
    expect(rest.events.map((e) => e.extra)).toEqual([{ n: 1 }]);
    expect(rest.nextCursor).toBeNull();
  });

  it('is a 404 for an unknown asset and a 400 naming the URI that is not one', async () => {
    const unknown = await request(api.app()).get(`/api/v1/assets/${enc('s3://nowhere/')}`);
    expect(unknown.status).toBe(404);
    const bad = await request(api.app()).get(`/api/v1/assets/${enc('no scheme')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('params.uri');
  });
});

describe('what a DAG waits for', () => {
  it('its page says the condition, how much arrived and why it waits', async () => {
    const res = await request(api.app()).get('/api/v1/dags/consumer');
    expect(res.status).toBe(200);
    const dag = res.body as DagDetail;
    expect(dag.assetSchedule).toMatchObject({
      condition: 's3://lake/events/ and s3://lake/users/',
      cron: '@daily',
      ready: true,
      assets: [
        { uri: 's3://lake/events/', queuedEvents: 1 },
        { uri: 's3://lake/users/', queuedEvents: 3 },
      ],
    });
    await api.tdb.db.pool.query(
      `DELETE FROM asset_dag_run_queue q USING asset a WHERE a.id = q.asset_id AND a.uri = 's3://lake/users/'`,
    );
    const waiting = (await request(api.app()).get('/api/v1/dags/consumer')).body as DagDetail;
    expect(waiting.assetSchedule).toMatchObject({
      ready: false,
      reason: 'waiting for s3://lake/users/ (1 of 2 updated)',
    });
    const producer = (await request(api.app()).get('/api/v1/dags/producer')).body as DagDetail;
    expect(producer.assetSchedule).toBeNull();
    expect(producer.outlets).toEqual([{ taskId: 'load', uri: 's3://lake/events/' }]);
  });

  it('its links name the DAGs that feed it and that it triggers, and the other side sees them', async () => {
    const consumer = (await request(api.app()).get('/api/v1/dags/consumer/links')).body as DagLinks;
    expect(consumer).toMatchObject({
      dagId: 'consumer',
      fedBy: [{ uri: 's3://lake/events/', dagId: 'producer', taskId: 'load' }],
      feeds: [],
      linksTo: [{ taskId: 'kick', kind: 'sluice.triggerDag', dagId: 'producer' }],
      linkedFrom: [],
    });
    const producer = (await request(api.app()).get('/api/v1/dags/producer/links')).body as DagLinks;
    expect(producer).toMatchObject({
      outlets: [{ taskId: 'load', uri: 's3://lake/events/' }],
      feeds: [
        { uri: 's3://lake/events/', dagId: 'consumer', taskId: 'load' },
        { uri: 's3://lake/events/', dagId: 'hidden', taskId: 'load' },
      ],
      linkedFrom: [{ dagId: 'consumer', taskId: 'kick', kind: 'sluice.triggerDag' }],
    });
    expect((await request(api.app()).get('/api/v1/dags/nope/links')).status).toBe(404);
  });
});

describe("GET a run's triggering events", () => {
  it('names the events an asset-triggered run was made for, hiding which DAG of another team made one', async () => {
    const pool = api.tdb.db.pool;
    const version = await pool.query<{ id: string }>(
      `SELECT current_version_id AS id FROM dag WHERE dag_id = 'consumer'`,
    );
    const at = new Date('2026-12-02T00:00:00.000Z');
    const run = await createDagRun(pool, {
      dagId: 'consumer',
      runId: 'asset_triggered__seen',
      runType: 'asset_triggered',
      logicalDate: at,
      dataIntervalStart: at,
      dataIntervalEnd: at,
      conf: {},
      dagVersionId: version.rows[0]?.id ?? '',
      tasks: [],
    });
    const events = await pool.query<{ id: string; source_dag_id: string }>(
      `INSERT INTO asset_event (asset_id, extra, source_dag_id, source_run_id, source_task_id, source_try, created_at)
       SELECT a.id, '{}', d, 'manual__1', 'load', 1, $1::timestamptz + (CASE d WHEN 'producer' THEN 0 ELSE 1 END) * interval '1 second'
       FROM asset a, unnest(ARRAY['producer', 'hidden']) AS d WHERE a.uri = 's3://lake/events/'
       RETURNING id, source_dag_id`,
      [at],
    );
    await pool.query(`INSERT INTO dag_run_asset_event (dag_run_id, asset_event_id) SELECT $1, unnest($2::uuid[])`, [
      run?.id,
      events.rows.map((e) => e.id),
    ]);
    const path = '/api/v1/dags/consumer/runs/asset_triggered__seen';

    const admin = (await request(api.app()).get(path)).body as RunDetail;
    expect(admin.triggeringEvents.map((e) => e.source)).toEqual([
      { kind: 'task', dagId: 'producer', runId: 'manual__1', taskId: 'load', tryNumber: 1 },
      { kind: 'task', dagId: 'hidden', runId: 'manual__1', taskId: 'load', tryNumber: 1 },
    ]);
    const viewer = await request(signedIn()).get(path).set(bearer(tokens.viewer));
    expect(viewer.status).toBe(200);
    expect((viewer.body as RunDetail).triggeringEvents.map((e) => e.source)).toEqual([
      { kind: 'task', dagId: 'producer', runId: 'manual__1', taskId: 'load', tryNumber: 1 },
      { kind: 'external', actor: 'a DAG of another team' },
    ]);
  });
});
