/**
 * The reads a UI polls answer 304 while nothing they show moved, and a
 * fresh body (with a new ETag) as soon as something did.
 */
import type { AddressInfo } from 'node:net';
import { createClient } from '@sluice/client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

const twoStep = `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'polled', schedule: null, start: '2026-01-01' });
const a = d.task('a', fn(async () => 1));
d.task('b', { upstream: [a] }, fn(async () => 2));
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ dags: { 'polled.ts': twoStep } });
});
afterAll(async () => {
  await h.close();
});

/** GETs `path` with If-None-Match `etag`; returns the status and the ETag it answered with. */
async function poll(path: string, etag?: string): Promise<{ status: number; etag: string; body: unknown }> {
  const req = request(h.app).get(path);
  if (etag) req.set('if-none-match', etag);
  const res = await req;
  return { status: res.status, etag: String(res.headers.etag), body: res.body };
}

describe.each([
  ['the DAG list', '/api/v1/dags'],
  ['the grid', '/api/v1/dags/polled/grid?limit=25'],
])('%s', (_name, path) => {
  it('answers 304 without a body while nothing moved, and 200 with a new ETag once a run changes it', async () => {
    const first = await poll(path);
    expect(first.status).toBe(200);
    expect(first.etag).toMatch(/^"[0-9a-f]{32}-[0-9a-f]{12}"$/);
    const again = await poll(path, first.etag);
    expect(again.status).toBe(304);
    expect(again.body).toEqual({});
    const run = await h.trigger('polled');
    await h.waitForRun('polled', run.runId, ['success']);
    const moved = await poll(path, first.etag);
    expect(moved.status).toBe(200);
    expect(moved.etag).not.toBe(first.etag);
    expect((await poll(path, moved.etag)).status).toBe(304);
  });
});

it('gives the DAG list a new ETag when a DAG is paused', async () => {
  const before = await poll('/api/v1/dags');
  expect((await request(h.app).patch('/api/v1/dags/polled').send({ isPaused: true })).status).toBe(200);
  const after = await poll('/api/v1/dags', before.etag);
  expect(after.status).toBe(200);
  expect(after.body).toMatchObject({ items: [{ dagId: 'polled', isPaused: true }] });
});

it('the client sends its last ETag and hands back the same answer while nothing moved', async () => {
  await request(h.app).patch('/api/v1/dags/polled').send({ isPaused: false });
  const server = h.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const statuses: number[] = [];
    const client = createClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        statuses.push(res.status);
        return res;
      },
    });
    const first = await client.getGrid('polled', { limit: 25 });
    expect(await client.getGrid('polled', { limit: 25 })).toBe(first);
    const run = await h.trigger('polled');
    await h.waitForRun('polled', run.runId, ['success']);
    const moved = await client.getGrid('polled', { limit: 25 });
    expect(moved).not.toBe(first);
    expect(moved.runs.map((r) => r.runId)).toContain(run.runId);
    expect(statuses).toEqual([200, 304, 200]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
