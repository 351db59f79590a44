/**
 * What the API accepts from a browser: requests addressed to its own host
 * names, changes sent as JSON from its own origin, identifiers and bodies it
 * can store. Each case here was a way in or a 500 before.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

const dagSource = `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'hourly_stats', schedule: null, start: '2026-01-01' });
d.task('only', fn(async () => 'fine'));
`;

let h: Harness;
let webDist: string;
let runId: string;
const runCount = async (): Promise<number> =>
  (await request(h.app).get('/api/v1/dags/hourly_stats/runs')).body.total as number;

beforeAll(async () => {
  webDist = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-web-'));
  await fs.writeFile(path.join(webDist, 'index.html'), '<!doctype html><div id="root"></div>');
  await fs.writeFile(path.join(webDist, 'app.js'), 'console.log(1)');
  await fs.writeFile(path.join(webDist, 'app.js.map'), '{"sources":["/home/build/secret.ts"]}');
  h = await startHarness({ dags: { 'd.ts': dagSource }, webDist });
  const run = await h.trigger('hourly_stats');
  runId = run.runId;
  await h.waitForRun('hourly_stats', runId, ['success']);
});
afterAll(async () => {
  await h.close();
  await fs.rm(webDist, { recursive: true, force: true });
});

describe('cross-site requests', () => {
  it('refuses a cross-origin form POST that would trigger a run, and creates nothing', async () => {
    const before = await runCount();
    const res = await request(h.app)
      .post('/api/v1/dags/hourly_stats/runs')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send('conf=1');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('origin "https://evil.example"');
    expect(await runCount()).toBe(before);
  });

  it('refuses a form body even without an Origin header (a task clear read as {})', async () => {
    const res = await request(h.app)
      .post(`/api/v1/dags/hourly_stats/runs/${runId}/tasks/only/clear`)
      .set('Content-Type', 'text/plain')
      .send('x');
    expect(res.status).toBe(415);
    expect(res.body.error.message).toContain('application/json');
    const ti = await request(h.app).get(`/api/v1/dags/hourly_stats/runs/${runId}/tasks/only`);
    expect(ti.body.state).toBe('success');
    expect(ti.body.tryNumber).toBe(1);
  });

  it('refuses a change another site sends when the browser names the site but not the origin', async () => {
    const res = await request(h.app)
      .post('/api/v1/dags/hourly_stats/runs')
      .set('Sec-Fetch-Site', 'cross-site')
      .send({});
    expect(res.status).toBe(403);
  });

  it('takes a JSON change from its own origin', async () => {
    const host = '127.0.0.1:8080';
    const res = await request(h.app)
      .post('/api/v1/dags/hourly_stats/runs')
      .set('Host', host)
      .set('Origin', `http://${host}`)
      .send({});
    expect(res.status).toBe(201);
  });
});

describe('DNS rebinding', () => {
  it('answers no request addressed to a host name it does not serve', async () => {
    const read = await request(h.app).get('/api/v1/dags').set('Host', 'rebind.attacker.example:8084');
    expect(read.status).toBe(403);
    const write = await request(h.app)
      .put('/api/v1/connections/x')
      .set('Host', 'rebind.attacker.example:8084')
      .send({ endpoint: 'http://127.0.0.1:8095' });
    expect(write.status).toBe(403);
    const list = await request(h.app).get('/api/v1/connections');
    expect(list.body.items).toEqual([]);
  });
});

describe('what a response gives away', () => {
  it('carries headers that forbid framing and sniffing', async () => {
    const res = await request(h.app).get('/');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves no source map of the UI', async () => {
    expect((await request(h.app).get('/app.js')).status).toBe(200);
    expect((await request(h.app).get('/app.js.map')).status).toBe(404);
  });
});

describe('input the database cannot store', () => {
  const NUL = '%00';
  it.each([
    ['GET', `/api/v1/dags/a${NUL}b`],
    ['GET', `/api/v1/dags/hourly_stats/runs/r${NUL}`],
    ['GET', `/api/v1/dags/hourly_stats/runs/RUN/tasks/t${NUL}/logs`],
    ['PATCH', `/api/v1/dags/a${NUL}`],
    ['DELETE', `/api/v1/connections/c${NUL}`],
  ])('%s %s with a NUL in an id → 400', async (method, url) => {
    const res = await request(h.app)
      [method.toLowerCase() as 'get'](url.replace('RUN', runId))
      .send(method === 'GET' ? undefined : {});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/NUL/);
  });

  it.each([
    ['a NUL in a conf value', { conf: { day: 'a\u0000' } }, 'body.conf.day'],
    ['a NUL in a conf key', { conf: { 'd\u0000': 1 } }, 'body.conf.d\u0000'],
    ['a lone surrogate', { conf: { day: '\ud800' } }, 'body.conf.day'],
    ['a traversal run id', { runId: '../../x' }, 'body.runId'],
  ])('a trigger with %s → 400 naming %s, and no run', async (_what, body, field) => {
    const before = await runCount();
    const res = await request(h.app).post('/api/v1/dags/hourly_stats/runs').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect(await runCount()).toBe(before);
  });

  it('a conf nested 5,000 deep → 400, not a RangeError', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const res = await request(h.app)
      .post('/api/v1/dags/hourly_stats/runs')
      .set('Content-Type', 'application/json')
      .send(`{"conf":${deep}}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/deeper than 32/);
  });

  it('a logical date in year 0001 → 400 at once', async () => {
    const res = await request(h.app)
      .post('/api/v1/dags/hourly_stats/runs')
      .send({ logicalDate: '0001-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('body.logicalDate');
  });

  it('a NUL in a connection field → 400', async () => {
    const res = await request(h.app).put('/api/v1/connections/c1').send({ description: 'x\u0000' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('body.description');
  });
});
