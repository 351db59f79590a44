// @vitest-environment node
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@sluice/client';
import { csrfHeaders, fetchWatchingSession, onUnauthorized, setCsrfToken } from './session';

// A real server answering as the API does: 401 to a wrong password and to an ended session, and it echoes the CSRF header.
let server: http.Server;
let base: string;
const seen: Array<{ method: string; csrf: string | undefined }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const header = req.headers['x-csrf-token'];
    seen.push({ method: req.method ?? '', csrf: Array.isArray(header) ? header[0] : header });
    const status = req.url === '/api/v1/dags' ? 200 : 401;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      status === 200
        ? '{"items":[],"total":0,"limit":50,"offset":0}'
        : '{"error":{"code":"unauthorized","message":"no"}}',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () =>
  createClient({ baseUrl: base, fetch: fetchWatchingSession(globalThis.fetch), headers: csrfHeaders });

describe('the browser session in the client', () => {
  it('sends X-CSRF-Token on changes only, once a token is known', async () => {
    setCsrfToken('tok-1');
    seen.length = 0;
    await client().listDags();
    await client()
      .setPaused('d', true)
      .catch(() => undefined);
    expect(seen).toEqual([
      { method: 'GET', csrf: undefined },
      { method: 'PATCH', csrf: 'tok-1' },
    ]);
    setCsrfToken(null);
    expect(csrfHeaders('POST')).toEqual({});
  });

  it('tells the listeners of a 401, but not of a failed sign-in', async () => {
    let told = 0;
    const stop = onUnauthorized(() => {
      told += 1;
    });
    await expect(client().login('ann', 'wrong')).rejects.toMatchObject({ status: 401 });
    expect(told).toBe(0);
    await expect(client().getDag('x')).rejects.toMatchObject({ status: 401 });
    expect(told).toBe(1);
    stop();
    await expect(client().getDag('x')).rejects.toMatchObject({ status: 401 });
    expect(told).toBe(1);
  });
});
