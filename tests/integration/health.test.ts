/**
 * Health tells the truth, with the scheduler and worker as real processes:
 * `/api/v1/health` turns degraded within twice their heartbeat interval when
 * the worker's event loop stops (SIGSTOP freezes it as a spinning loop
 * would) or the scheduler is killed, and ok again once they beat.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH, createApp } from '@sluice/api';
import { type AppProcess, startApp } from '@sluice/bench';
import type { Health } from '@sluice/client';
import { createTestDatabase, type TestDatabase } from '@sluice/db';
import { openEngine, type OpenEngine } from '@sluice/engine';
import { checkRedis } from '@sluice/queue';
import type { Express } from 'express';
import { repoRoot, waitFor } from './harness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const INTERVAL_MS = 1000;

let db: TestDatabase;
let engine: OpenEngine;
let app: Express;
let env: Record<string, string>;
let dagsDir: string;
const processes: AppProcess[] = [];

const health = async (): Promise<Health> => (await request(app).get('/api/v1/health')).body as Health;

/** Polls health from `since` until `want` holds; returns how long after `since` the answer holding it was asked for. */
async function msUntil(since: number, want: (h: Health) => boolean, timeoutMs = 30_000): Promise<number> {
  return waitFor(
    'health to change',
    async () => {
      const asked = performance.now();
      return want(await health()) ? asked - since : undefined;
    },
    timeoutMs,
    async () => JSON.stringify(await health()),
  );
}

const start = (name: string, app: 'scheduler' | 'worker'): AppProcess => {
  const p = startApp(name, app, env);
  processes.push(p);
  return p;
};

beforeAll(async () => {
  await checkRedis(REDIS_URL);
  db = await createTestDatabase({ max: 3 });
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  dagsDir = path.join(repoRoot, '.sluice', 'test-dags', prefix);
  await fs.mkdir(dagsDir, { recursive: true });
  env = {
    DATABASE_URL: `${db.databaseUrl}${db.databaseUrl.includes('?') ? '&' : '?'}schema=${db.schema}`,
    REDIS_URL,
    SLUICE_QUEUE_PREFIX: prefix,
    SLUICE_DAGS_FOLDER: dagsDir,
    SLUICE_SCHEDULER_INTERVAL_MS: String(INTERVAL_MS),
    SLUICE_HEARTBEAT_INTERVAL_MS: String(INTERVAL_MS),
    SLUICE_WORKER_CONCURRENCY: '1',
    SLUICE_FN_WARM_PROCESSES: '0',
    SLUICE_LOG_LEVEL: 'warn',
  };
  const logger = pino({ level: 'silent' });
  engine = openEngine({
    databaseUrl: env.DATABASE_URL ?? '',
    redisUrl: REDIS_URL,
    queuePrefix: prefix,
    logger,
    name: 'sluice-health-test',
    db: db.db,
  });
  const redis = engine.redis;
  app = createApp({
    db: db.db,
    engine: engine.res,
    logger,
    pingRedis: () => redis.ping().then((r) => r === 'PONG'),
    auth: { ...DEFAULT_AUTH, mode: 'off' },
  });
  start('scheduler', 'scheduler');
  start('worker', 'worker');
}, 60_000);

afterAll(async () => {
  for (const p of processes) {
    p.child.kill('SIGCONT');
    await p.stop(2000);
  }
  await engine?.res.queue.obliterate();
  await engine?.close();
  await db?.drop();
  if (dagsDir) await fs.rm(dagsDir, { recursive: true, force: true });
});

describe('health', () => {
  it('turns degraded within two intervals when the worker event loop stops, and ok when it runs again', async () => {
    await msUntil(performance.now(), (h) => h.status === 'ok', 60_000);
    const worker = processes.find((p) => p.name === 'worker');
    worker?.child.kill('SIGSTOP');
    const stopped = performance.now();
    const degradedAfter = await msUntil(stopped, (h) => h.status === 'degraded');
    expect(degradedAfter).toBeLessThanOrEqual(2 * INTERVAL_MS);
    const h = await health();
    expect(h.workers?.[0]?.status).toBe('stale');
    expect(h.problems?.[0]).toMatch(/^worker .+ heartbeat \d+\.\d s old$/);

    worker?.child.kill('SIGCONT');
    await msUntil(performance.now(), (x) => x.status === 'ok', 10_000);
  }, 90_000);

  it('turns degraded within two intervals when the scheduler is killed, and ok when another one beats', async () => {
    await msUntil(performance.now(), (h) => h.status === 'ok', 30_000);
    const scheduler = processes.find((p) => p.name === 'scheduler');
    scheduler?.child.kill('SIGKILL');
    const killed = performance.now();
    const degradedAfter = await msUntil(killed, (h) => h.status === 'degraded');
    expect(degradedAfter).toBeLessThanOrEqual(2 * INTERVAL_MS);
    expect((await health()).scheduler.status).toBe('stale');

    start('scheduler-2', 'scheduler');
    await msUntil(performance.now(), (h) => h.status === 'ok', 60_000);
  }, 90_000);
});
