/** The real client and the CLI together, over HTTP, against a local server answering contract-shaped JSON. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@sluice/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_ID, runDetail, runWith, taskDetail } from './testing';

type Seen = { method: string; url: string; body: unknown };

let server: Server;
let baseUrl: string;
let seen: Seen[];

function route(req: IncomingMessage, body: unknown): { status: number; json: unknown } {
  const encodedRun = encodeURIComponent(RUN_ID);
  const key = `${req.method} ${req.url}`;
  switch (key) {
    case 'POST /api/v1/dags/etl/runs':
      return {
        status: 201,
        json: runDetail('queued', { conf: (body as { conf?: Record<string, unknown> }).conf ?? {} }),
      };
    case `GET /api/v1/dags/etl/runs/${encodedRun}`:
      return { status: 200, json: runDetail('failed') };
    case `GET /api/v1/dags/etl/runs/${encodedRun}/tasks/load`:
      return { status: 200, json: taskDetail() };
    case `POST /api/v1/dags/etl/runs/${encodedRun}/tasks/load/clear`:
      return {
        status: 200,
        json: {
          cleared: ['load', 'report'],
          dryRun: false,
          runs: [
            {
              runId: RUN_ID,
              logicalDate: '2026-11-22T03:00:00.000Z',
              runState: 'failed',
              tasks: [
                { taskId: 'load', state: 'failed' },
                { taskId: 'report', state: 'upstream_failed' },
              ],
            },
          ],
        },
      };
    default:
      return { status: 404, json: { error: { code: 'not_found', message: `no route for ${key}` } } };
  }
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (raw += chunk));
  req.on('end', () => {
    const body: unknown = raw === '' ? undefined : JSON.parse(raw);
    seen.push({ method: req.method ?? '', url: req.url ?? '', body });
    const { status, json } = route(req, body);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
  });
}

beforeEach(async () => {
  seen = [];
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('sluice over HTTP', () => {
  it('trigger POSTs the conf as JSON and prints the created run', async () => {
    const r = await runWith(['dags', 'trigger', 'etl', '--conf', '{"day":"2026-11-21"}', '--json'], {
      client: createClient({ baseUrl }),
    });
    expect(r.code).toBe(0);
    expect(seen).toEqual([{ method: 'POST', url: '/api/v1/dags/etl/runs', body: { conf: { day: '2026-11-21' } } }]);
    expect(JSON.parse(r.stdout)).toMatchObject({ runId: RUN_ID, state: 'queued', conf: { day: '2026-11-21' } });
  });

  it('runs show sends the run id percent-encoded and prints task states', async () => {
    const r = await runWith(['runs', 'show', 'etl', RUN_ID], { client: createClient({ baseUrl }) });
    expect(r.code).toBe(0);
    expect(seen.map((s) => s.url)).toEqual(['/api/v1/dags/etl/runs/manual__2026-11-22T03%3A00%3A00.000Z']);
    expect(r.stdout).toMatch(/state:\s+failed/);
    expect(r.stdout).toMatch(/load\s+up_for_retry/);
  });

  it('tasks show and rerun --downstream reach the encoded task paths', async () => {
    const client = createClient({ baseUrl });
    const show = await runWith(['tasks', 'show', 'etl', RUN_ID, 'load'], { client });
    const rerun = await runWith(['tasks', 'rerun', 'etl', RUN_ID, 'load', '--downstream'], { client });
    expect([show.code, rerun.code]).toEqual([0, 0]);
    expect(seen).toEqual([
      { method: 'GET', url: `/api/v1/dags/etl/runs/${encodeURIComponent(RUN_ID)}/tasks/load`, body: undefined },
      {
        method: 'POST',
        url: `/api/v1/dags/etl/runs/${encodeURIComponent(RUN_ID)}/tasks/load/clear`,
        body: { onlyFailed: false, downstream: true, upstream: false, dryRun: false, past: false, future: false },
      },
    ]);
    expect(rerun.stdout).toBe(
      `${RUN_ID}: load (failed), report (upstream_failed)\ncleared 2 task instances in 1 run\n`,
    );
  });

  it('an API 404 body becomes exit 1 with its message', async () => {
    const r = await runWith(['dags', 'show', 'missing dag'], { client: createClient({ baseUrl }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: no route for GET /api/v1/dags/missing%20dag\n');
  });

  it('a stopped server becomes exit 1 with the connection-refused message', async () => {
    const client = createClient({ baseUrl });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const r = await runWith(['dags', 'list'], { client });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: cannot reach the Sluice API at ${baseUrl}: connection refused — is \`npm start\` running? set SLUICE_API_URL\n`,
    );
  });
});
