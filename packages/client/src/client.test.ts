import { describe, expect, it } from 'vitest';
import { ApiError, ApiUnreachableError, createClient } from './client';

type Call = {
  url: string;
  method: string;
  body: unknown;
  contentType: string | null;
  authorization: string | null;
  csrf: string | null;
};

function fakeFetch(respond: (call: Call) => Response = () => json(200, {})) {
  const calls: Call[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      contentType: headers.get('content-type'),
      authorization: headers.get('authorization'),
      csrf: headers.get('x-csrf-token'),
    };
    calls.push(call);
    return respond(call);
  };
  return { calls, fetchFn };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const base = 'http://api.test:8080';

describe('createClient requests', () => {
  it('sends its API token as a bearer token on every request', async () => {
    const { calls, fetchFn } = fakeFetch();
    const client = createClient({ baseUrl: base, fetch: fetchFn, token: 'slc_abc' });
    await client.listDags();
    await client.triggerRun('etl', {});
    expect(calls.map((c) => c.authorization)).toEqual(['Bearer slc_abc', 'Bearer slc_abc']);
  });

  it('adds the headers its caller gives per method (the UI’s CSRF token on changes)', async () => {
    const { calls, fetchFn } = fakeFetch();
    const client = createClient({
      baseUrl: '',
      fetch: fetchFn,
      headers: (method): Record<string, string> => (method === 'GET' ? {} : { 'x-csrf-token': 'csrf1' }),
    });
    await client.listDags();
    await client.setPaused('etl', true);
    expect(calls.map((c) => [c.method, c.csrf, c.authorization])).toEqual([
      ['GET', null, null],
      ['PATCH', 'csrf1', null],
    ]);
  });

  it('encodes every path part, including run ids with colons and slashes', async () => {
    const { calls, fetchFn } = fakeFetch();
    const client = createClient({ baseUrl: base, fetch: fetchFn });
    await client.getTaskInstance('my dag', 'manual__2026-11-22T03:00:00.000Z', 'a/b');
    expect(calls[0]?.url).toBe(`${base}/api/v1/dags/my%20dag/runs/manual__2026-11-22T03%3A00%3A00.000Z/tasks/a%2Fb`);
  });

  it('sends query values only when they are defined', async () => {
    const { calls, fetchFn } = fakeFetch();
    const client = createClient({ baseUrl: base, fetch: fetchFn });
    await client.listRuns('etl', { limit: 5, state: undefined });
    await client.listRuns('etl');
    await client.listDags({ paused: false });
    await client.getLogs('etl', 'r1', 't1', { after: 10 });
    expect(calls.map((c) => c.url)).toEqual([
      `${base}/api/v1/dags/etl/runs?limit=5`,
      `${base}/api/v1/dags/etl/runs`,
      `${base}/api/v1/dags?paused=false`,
      `${base}/api/v1/dags/etl/runs/r1/tasks/t1/logs?after=10`,
    ]);
  });

  it('uses the contract methods and JSON bodies for writes', async () => {
    const { calls, fetchFn } = fakeFetch();
    const client = createClient({ baseUrl: `${base}/`, fetch: fetchFn });
    await client.setPaused('etl', true);
    await client.triggerRun('etl', { conf: { day: '2026-11-21' }, runId: 'r1' });
    await client.setRunState('etl', 'r1', 'failed');
    await client.clearTask('etl', 'r1', 'load', { downstream: true });
    await client.setTaskState('etl', 'r1', 'load', 'success');
    expect(calls.map((c) => [c.method, c.url.slice(base.length), c.body, c.contentType])).toEqual([
      ['PATCH', '/api/v1/dags/etl', { isPaused: true }, 'application/json'],
      ['POST', '/api/v1/dags/etl/runs', { conf: { day: '2026-11-21' }, runId: 'r1' }, 'application/json'],
      ['PATCH', '/api/v1/dags/etl/runs/r1', { state: 'failed' }, 'application/json'],
      ['POST', '/api/v1/dags/etl/runs/r1/tasks/load/clear', { downstream: true }, 'application/json'],
      ['PATCH', '/api/v1/dags/etl/runs/r1/tasks/load', { state: 'success' }, 'application/json'],
    ]);
  });

  it('reads the remaining endpoints with GET', async () => {
    const { calls, fetchFn } = fakeFetch();
    const client = createClient({ baseUrl: '', fetch: fetchFn });
    await client.health();
    await client.getDag('etl');
    await client.getRun('etl', 'r1');
    await client.getGrid('etl', { limit: 10 });
    await client.listImportErrors();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/v1/health',
      'GET /api/v1/dags/etl',
      'GET /api/v1/dags/etl/runs/r1',
      'GET /api/v1/dags/etl/grid?limit=10',
      'GET /api/v1/import-errors',
    ]);
  });

  it('returns the parsed JSON body', async () => {
    const page = { items: [{ dagId: 'etl' }], total: 1, limit: 25, offset: 0 };
    const { fetchFn } = fakeFetch(() => json(200, page));
    const client = createClient({ baseUrl: base, fetch: fetchFn });
    await expect(client.listDags()).resolves.toEqual(page);
  });
});

describe('createClient errors', () => {
  it('throws ApiError with the status, code, message and issues of an error body', async () => {
    const body = {
      error: {
        code: 'bad_request',
        message: 'invalid run config',
        issues: [{ path: 'conf.day', message: 'Required' }],
      },
    };
    const { fetchFn } = fakeFetch(() => json(400, body));
    const client = createClient({ baseUrl: base, fetch: fetchFn });
    const err = await client.triggerRun('etl', { conf: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: 'invalid run config',
      issues: [{ path: 'conf.day', message: 'Required' }],
    });
  });

  it('throws ApiError for a non-JSON error answer, naming the status', async () => {
    const { fetchFn } = fakeFetch(() => new Response('Bad Gateway', { status: 502, statusText: 'Bad Gateway' }));
    const client = createClient({ baseUrl: base, fetch: fetchFn });
    const err = await client.health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 502, code: 'internal' });
    expect((err as ApiError).message).toContain('HTTP 502');
  });

  it('turns a refused connection into a message naming the URL and SLUICE_API_URL', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' }),
    });
    const client = createClient({
      baseUrl: 'http://127.0.0.1:8080',
      fetch: async () => {
        throw refused;
      },
    });
    const err = await client.listDags().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiUnreachableError);
    expect((err as Error).message).toBe(
      'cannot reach the Sluice API at http://127.0.0.1:8080: connection refused — is `npm start` running? set SLUICE_API_URL',
    );
  });

  it('reports a refused connection from the real global fetch', async () => {
    const { createServer } = await import('node:http');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = createClient({ baseUrl: `http://127.0.0.1:${port}` });
    await expect(client.health()).rejects.toThrow(
      `cannot reach the Sluice API at http://127.0.0.1:${port}: connection refused`,
    );
  });
});
