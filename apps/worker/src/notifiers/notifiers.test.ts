import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallbackContextData } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotifierConfigError, NotifierHttpError, sendNotification, signatureOf } from './index';

const ctx: CallbackContextData = {
  event: 'onFailure',
  dag: { dagId: 'etl', owner: null },
  run: {
    runId: 'r1',
    logicalDate: '2026-12-01T00:00:00.000Z',
    dataIntervalStart: '2026-12-01T00:00:00.000Z',
    dataIntervalEnd: '2026-12-02T00:00:00.000Z',
    conf: {},
    state: 'running',
    deadlineAt: null,
  },
  task: { taskId: 'load', state: 'failed', tryNumber: 2, maxTries: 2 },
  error: { name: 'Error', message: 'no rows' },
  url: null,
  logUrl: null,
};

let status = 200;
let bodies: string[] = [];
let url = '';
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => {
    body += c.toString();
  });
  req.on('end', () => {
    bodies.push(body);
    res.writeHead(status).end(status === 200 ? 'ok' : 'receiver is down');
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const deps = { env: { HOOK_URL: '' }, resolveSns: () => Promise.resolve({}) };
const send = (options: Record<string, unknown>) =>
  sendNotification('webhook', options, ctx, deps, new AbortController().signal);

describe('webhook notifier', () => {
  it('signs the exact body it sends with HMAC-SHA256', async () => {
    bodies = [];
    status = 200;
    await send({ url, secret: 'k' });
    const body = bodies[0] ?? '';
    expect(JSON.parse(body)).toMatchObject({ title: 'etl.load failed (try 2 of 2)', event: 'onFailure' });
    expect(signatureOf('k', body)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('fails the attempt with what a receiver answering 5xx said, so the callback is retried', async () => {
    status = 503;
    await expect(send({ url })).rejects.toEqual(new NotifierHttpError(503, 'receiver is down'));
  });

  it('names a variable the worker does not have', async () => {
    await expect(send({ url: { env: 'HOOK_URL' } })).rejects.toEqual(
      new NotifierConfigError('notify.webhook() url names the variable HOOK_URL, which is not set on the worker'),
    );
  });
});
