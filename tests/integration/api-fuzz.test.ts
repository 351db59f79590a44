/**
 * A bounded fuzz of every API route, sent over HTTP to a real API process:
 * ids with NUL bytes, lone surrogates, `..` and 5,000 characters; bodies
 * nested thousands deep, with broken text, wrong types and a megabyte of
 * string. No answer may be a 5xx, the process must live through it, and its
 * memory must come back to where it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { routeDocs } from '@sluice/api';
import { createApiToken, createUser } from '@sluice/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startHarness, waitFor, type Harness } from './harness';

const dagSource = `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'fuzzed', schedule: '@daily', start: '2026-01-01' });
d.task('only', fn(async () => 'fine'));
`;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** Every route of the API, as its OpenAPI document describes it (tests/integration/openapi.test.ts checks that against the router). */
const routes: ReadonlyArray<{ method: Method; path: string }> = routeDocs.map((d) => ({
  method: d.method.toUpperCase() as Method,
  path: d.path,
}));

const NUL = '\u0000';
const LONE = '\ud800';
/** Path segments: the ids that exist, and every way an id has gone wrong. */
const hostileIds = [
  '..',
  '../../etc/passwd',
  `a${NUL}b`,
  LONE,
  'x'.repeat(5000),
  '.',
  '-rf',
  "'; DROP TABLE dag; --",
  '😀',
  ' ',
  '%',
  'a/b',
];
/** Encodes a segment as a browser or curl would; a lone surrogate as the bytes of its UTF-8 form. */
const segment = (s: string): string => {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[\ud800-\udfff]/g, '%ED%A0%80').replace(/[^\w%.-]/g, (c) => encodeURIComponent(c));
  }
};

const deep = (n: number, leaf = '1'): string => `${'{"a":'.repeat(n)}${leaf}${'}'.repeat(n)}`;
/** Bodies, as raw JSON text so broken text and depth reach the server as sent. */
const hostileBodies: string[] = [
  deep(5000),
  `{"conf":${deep(5000)}}`,
  `{"conf":{"k\\u0000":1}}`,
  `{"conf":{"day":"\\ud800"}}`,
  `{"conf":{"day":"${'y'.repeat(900_000)}"}}`,
  '{"logicalDate":"0001-01-01T00:00:00Z"}',
  '{"logicalDate":"9999-12-31T23:59:59Z"}',
  '{"logicalDate":"+275760-09-13T00:00:00Z"}',
  '{"runId":"../../x"}',
  `{"runId":"${'r'.repeat(300)}"}`,
  '{"state":"running"}',
  '{"state":null}',
  '{"isPaused":"yes"}',
  '{"downstream":1}',
  '{"endpoint":"http://127.0.0.1:1/\\u0000","accessKeyId":"AKIA","secretAccessKey":"s"}',
  '{"region":"\\udc00"}',
  '[]',
  'null',
  '"x"',
  '{"conf":[1,2,3]}',
  '{"__proto__":{"polluted":true}}',
];
const queryValues = ['1', '-1', '0', '1e308', 'NaN', `x${NUL}`, '%ZZ', 'x'.repeat(3000), 'running', 'true'];
const queryKeys = ['limit', 'offset', 'state', 'try', 'after', 'paused', 'tag', 'junk'];

interface Sent {
  method: Method;
  url: string;
  body: string | undefined;
  /** Sent with the admin's token (most requests, to reach the handlers) or without any. */
  signedIn: boolean;
}

let h: Harness;
let api: ChildProcess;
let base: string;
let validIds: { dagId: string; runId: string; taskId: string; name: string; username: string; tokenId: string };
let adminToken: string;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });

const rssKb = (pid: number): number => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!m?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
};

async function send(r: Sent): Promise<number> {
  const init: RequestInit = {
    method: r.method,
    headers: {
      'content-type': 'application/json',
      ...(r.signedIn ? { authorization: `Bearer ${adminToken}` } : {}),
    },
  };
  if (r.body !== undefined) init.body = r.body;
  const res = await fetch(`${base}${r.url}`, init);
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  h = await startHarness({ dags: { 'fuzzed.ts': dagSource } });
  const run = await h.trigger('fuzzed');
  await h.waitForRun('fuzzed', run.runId, ['success']);
  const prisma = h.db.db.prisma;
  await createUser(prisma, { username: 'fuzz-admin', role: 'admin' });
  await createUser(prisma, { username: 'fuzz-viewer', role: 'viewer' });
  adminToken = (await createApiToken(prisma, { username: 'fuzz-admin', name: 'fuzz', expiresAt: null })).token;
  const spare = await createApiToken(prisma, { username: 'fuzz-viewer', name: 'spare', expiresAt: null });
  validIds = {
    dagId: 'fuzzed',
    runId: run.runId,
    taskId: 'only',
    name: 'conn1',
    username: 'fuzz-viewer',
    tokenId: spare.view.id,
  };

  const port = await freePort();
  base = `http://127.0.0.1:${port}/api/v1`;
  api = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/api/src/main.ts')], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: h.env.DATABASE_URL ?? '',
      REDIS_URL: h.env.REDIS_URL ?? '',
      SLUICE_QUEUE_PREFIX: h.prefix,
      SLUICE_API_PORT: String(port),
      SLUICE_API_HOST: '127.0.0.1',
      SLUICE_LOG_LEVEL: 'silent',
      SLUICE_SECRET_KEY: 'fuzz-secret-key-0123456789',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  api.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await waitFor(
    'the API process to answer',
    async () =>
      (await fetch(`${base}/health`).then(
        (r) => r.status,
        () => undefined,
      )) ?? undefined,
    30_000,
    async () => stderr,
  );
}, 90_000);

afterAll(async () => {
  api?.kill('SIGKILL');
  await h?.close();
});

describe('API fuzz', () => {
  it('answers 1,000+ hostile requests over every route with no 5xx, stays up, and does not grow on a second pass', async () => {
    const idFor = (param: string, pick: number): string => {
      const valid = validIds[param as keyof typeof validIds];
      return pick % 3 === 0 ? valid : (hostileIds[pick % hostileIds.length] ?? valid);
    };
    const request = fc
      .record({
        route: fc.constantFrom(...routes),
        picks: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        body: fc.oneof(
          fc.constantFrom(...hostileBodies),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.constant(undefined),
        ),
        query: fc.array(fc.tuple(fc.constantFrom(...queryKeys), fc.constantFrom(...queryValues)), { maxLength: 3 }),
      })
      .map(({ route, picks, body, query }): Sent => {
        let i = 0;
        const url = route.path.replace(/:(\w+)/g, (_m, name: string) =>
          segment(idFor(name === 'name' ? 'name' : name, picks[i++] ?? 0)),
        );
        const qs = query.map(([k, v]) => `${k}=${segment(v)}`).join('&');
        return {
          method: route.method,
          url: qs ? `${url}?${qs}` : url,
          body: route.method === 'GET' ? undefined : body,
          signedIn: (picks[0] ?? 0) % 5 !== 4,
        };
      });

    const pid = api.pid;
    if (pid === undefined) throw new Error('the API process has no pid');
    const samples = fc.sample(request, { numRuns: 1200, seed: 20261206 });
    // Every route and every hostile body at least once, whatever the sample drew.
    for (const r of routes)
      for (const body of hostileBodies.slice(0, 4))
        samples.push({
          method: r.method,
          url: r.path.replace(/:(\w+)/g, () => segment(`a${NUL}`)),
          body: r.method === 'GET' ? undefined : body,
          signedIn: true,
        });
    const serverErrors: Array<{ sent: Sent; status: number }> = [];
    const statuses = new Map<number, number>();
    const pass = async (): Promise<void> => {
      for (const sent of samples) {
        const status = await send(sent);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // Health answers 503 when it reports degraded (this API runs with no worker), whatever the query string.
        if (status >= 500 && !(sent.url.split('?')[0] === '/health' && status === 503))
          serverErrors.push({ sent: { ...sent, body: sent.body?.slice(0, 200) }, status });
      }
    };
    // The first pass grows the heap to what these requests need (V8 keeps pages it grew into);
    // the second sends the same again, and a leak would grow the process further.
    await pass();
    const startRss = rssKb(pid);
    await pass();

    expect(samples.length).toBeGreaterThanOrEqual(1000);
    expect(serverErrors).toEqual([]);
    expect(api.exitCode).toBeNull();
    // 2xx and 4xx both happened: the fuzz reached handlers, not only the gate.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);
    const endRss = await waitFor(
      'the API to give its memory back',
      async () => {
        const now = rssKb(pid);
        return now <= startRss * 1.2 ? now : undefined;
      },
      15_000,
      async () => `RSS ${rssKb(pid)} kB against ${startRss} kB at the start`,
    );
    expect(endRss).toBeLessThanOrEqual(startRss * 1.2);
  }, 400_000);
});
