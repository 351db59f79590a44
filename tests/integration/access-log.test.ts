/**
 * The access log: one line per request with method, path, status and the
 * authenticated actor, and nothing a reader of the log could sign in with
 * (no Authorization header, cookie or token).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH } from '@sluice/api';
import { createApiToken, createUser, type TestDatabase } from '@sluice/db';
import { type ApiOnly, startApiOnly } from './api-only';

let api: ApiOnly;
let tdb: TestDatabase;
const lines: Array<Record<string, unknown>> = [];
beforeAll(async () => {
  api = await startApiOnly('access');
  tdb = api.tdb;
});
afterAll(async () => {
  await api.close();
});

describe('the access log', () => {
  it('names the authenticated actor of each request and never logs credentials', async () => {
    await createUser(tdb.db.prisma, { username: 'logged-user', role: 'viewer' });
    const { token } = await createApiToken(tdb.db.prisma, { username: 'logged-user', name: 't', expiresAt: null });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    const a = api.app({ logger: pino({ level: 'info' }, sink), auth: { ...DEFAULT_AUTH, mode: 'on' } });
    await request(a).get('/api/v1/dags').set('authorization', `Bearer ${token}`).set('cookie', 'sluice_session=abc');
    await request(a).get('/api/v1/dags/nope/runs');
    await new Promise((r) => setImmediate(r));

    const access = lines.filter((l) => typeof l.msg === 'string' && /^GET \/api\/v1\//.test(l.msg as string));
    const signedIn = access.find((l) => l.msg === 'GET /api/v1/dags 200');
    expect(signedIn).toMatchObject({ actor: 'logged-user', req: { method: 'GET', url: '/api/v1/dags' } });
    expect(access.find((l) => l.msg === 'GET /api/v1/dags/nope/runs 401')).toMatchObject({ actor: null });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(token);
    expect(text).not.toContain('sluice_session=abc');
    expect(text).not.toMatch(/authorization/i);
  });
});
