/**
 * A whole Sluice in one test process: a fresh Postgres schema, a random
 * BullMQ prefix, a temporary DAGs folder, the real scheduler and worker
 * (started as in production, with short intervals) and the API app driven
 * through supertest. Postgres or Redis being down fails the test loudly.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import request from 'supertest';
import { type AuthSettings, DEFAULT_AUTH, createApp } from '@sluice/api';
import type { RunDetail, TaskState } from '@sluice/client';
import { createApiToken, createTestDatabase, createUser, type TestDatabase } from '@sluice/db';
import { openEngine } from '@sluice/engine';
import { checkRedis } from '@sluice/queue';
import { SchedulerConfig, startScheduler, type RunningScheduler } from '@sluice/scheduler';
import { WorkerConfig, startWorker, type RunningWorker } from '@sluice/worker';
import type { Tracing } from '@sluice/tracing';
import type { Redis } from 'ioredis';
import type { Express } from 'express';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface HarnessOptions {
  /** File name → source, written into a fresh DAGs folder. */
  dags: Record<string, string>;
  workerConcurrency?: number;
  /** Start a worker right away (default true). */
  worker?: boolean;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  reconcileAfterMs?: number;
  /** A built web UI folder for the API to serve. */
  webDist?: string;
  /** Sign-in settings of the API; default: off (every request a local admin), as on a developer's machine. */
  auth?: AuthSettings;
  /** More environment for the scheduler and worker (e.g. defer check intervals). */
  env?: Record<string, string>;
  /** Traces for the scheduler and workers (tests: an in-memory exporter). */
  tracing?: Tracing;
}

export interface Harness {
  db: TestDatabase;
  app: Express;
  dagsDir: string;
  prefix: string;
  redis: Redis;
  scheduler: RunningScheduler;
  worker: RunningWorker | null;
  databaseUrl: string;
  /** The environment the scheduler and workers were started with. */
  env: Record<string, string>;
  startWorker(): Promise<RunningWorker>;
  trigger(dagId: string, body?: Record<string, unknown>): Promise<RunDetail>;
  getRun(dagId: string, runId: string): Promise<RunDetail>;
  /** Polls the API until the run reaches one of `states`; fails with the run's last view on timeout. */
  waitForRun(dagId: string, runId: string, states: string[], timeoutMs?: number): Promise<RunDetail>;
  waitForTask(
    dagId: string,
    runId: string,
    taskId: string,
    states: TaskState[],
    timeoutMs?: number,
  ): Promise<RunDetail>;
  writeDag(file: string, source: string): Promise<void>;
  close(): Promise<void>;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  describeLast?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const last = describeLast ? `\nlast seen: ${await describeLast()}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last}`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(200, delay * 2);
  }
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  await checkRedis(REDIS_URL);
  const db = await createTestDatabase({ max: 5 });
  const databaseUrl = `${db.databaseUrl}${db.databaseUrl.includes('?') ? '&' : '?'}schema=${db.schema}`;
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  // Inside the repo so DAG files resolve @sluice/sdk from its node_modules.
  const dagsDir = path.join(repoRoot, '.sluice', 'test-dags', prefix);
  await fs.mkdir(dagsDir, { recursive: true });
  for (const [file, source] of Object.entries(opts.dags)) await fs.writeFile(path.join(dagsDir, file), source);

  const logger = pino({ level: process.env.SLUICE_TEST_LOG_LEVEL ?? 'silent' });
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    SLUICE_QUEUE_PREFIX: prefix,
    SLUICE_DAGS_FOLDER: dagsDir,
    SLUICE_SCHEDULER_INTERVAL_MS: '200',
    SLUICE_DAG_PARSE_INTERVAL_MS: '600000',
    SLUICE_HEARTBEAT_TIMEOUT_MS: String(opts.heartbeatTimeoutMs ?? 30_000),
    SLUICE_RECONCILE_AFTER_MS: String(opts.reconcileAfterMs ?? 15_000),
    SLUICE_WORKER_CONCURRENCY: String(opts.workerConcurrency ?? 4),
    SLUICE_HEARTBEAT_INTERVAL_MS: String(opts.heartbeatIntervalMs ?? 500),
    SLUICE_HOSTNAME: 'test-host',
    SLUICE_DEFER_CHECK_MIN_MS: '100',
    SLUICE_DEFER_CHECK_MAX_MS: '400',
    // The AWS SDK reads it from the process; the worker's config sees it as production's would.
    ...(process.env.AWS_ENDPOINT_URL ? { AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL } : {}),
    ...opts.env,
  };
  const tracing = opts.tracing ? { tracing: opts.tracing } : {};
  const scheduler = await startScheduler(SchedulerConfig.parse(env), logger, tracing);
  const workers: RunningWorker[] = [];
  const launchWorker = async () => {
    const w = await startWorker(WorkerConfig.parse(env), logger, tracing);
    workers.push(w);
    return w;
  };
  const worker = opts.worker === false ? null : await launchWorker();

  const opened = openEngine({
    databaseUrl,
    redisUrl: REDIS_URL,
    queuePrefix: prefix,
    logger,
    name: 'sluice-test',
    db: db.db,
  });
  const { redis } = opened;
  const app = createApp({
    db: db.db,
    engine: opened.res,
    logger,
    pingRedis: () => redis.ping().then((r) => r === 'PONG'),
    ...(opts.webDist ? { webDist: opts.webDist } : {}),
    auth: opts.auth ?? { ...DEFAULT_AUTH, mode: 'off' },
  });

  // With sign-in on, the harness's own calls go as an operator with a token of its own.
  const harnessAuth: Record<string, string> = {};
  if (opts.auth && opts.auth.mode === 'on') {
    await createUser(db.db.prisma, { username: 'harness', role: 'operator' });
    const made = await createApiToken(db.db.prisma, { username: 'harness', name: 'harness', expiresAt: null });
    harnessAuth.authorization = `Bearer ${made.token}`;
  }

  const getRun = async (dagId: string, runId: string): Promise<RunDetail> => {
    const res = await request(app)
      .get(`/api/v1/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(runId)}`)
      .set(harnessAuth);
    if (res.status !== 200) throw new Error(`GET run ${runId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as RunDetail;
  };
  const describeRun = (dagId: string, runId: string) => async () => {
    const run = await getRun(dagId, runId);
    return `${run.state}: ${run.taskInstances.map((t) => `${t.taskId}=${t.state}(try ${t.tryNumber})`).join(', ')}`;
  };

  return {
    db,
    app,
    dagsDir,
    prefix,
    redis,
    scheduler,
    worker,
    databaseUrl,
    env,
    startWorker: launchWorker,
    async trigger(dagId, body = {}) {
      const res = await request(app)
        .post(`/api/v1/dags/${encodeURIComponent(dagId)}/runs`)
        .set(harnessAuth)
        .send(body);
      if (res.status !== 201) throw new Error(`trigger ${dagId}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as RunDetail;
    },
    getRun,
    waitForRun(dagId, runId, states, timeoutMs = 20_000) {
      return waitFor(
        `run ${runId} to be ${states.join(' or ')}`,
        async () => {
          const run = await getRun(dagId, runId);
          return states.includes(run.state) ? run : undefined;
        },
        timeoutMs,
        describeRun(dagId, runId),
      );
    },
    waitForTask(dagId, runId, taskId, states, timeoutMs = 20_000) {
      return waitFor(
        `task ${taskId} of ${runId} to be ${states.join(' or ')}`,
        async () => {
          const run = await getRun(dagId, runId);
          const ti = run.taskInstances.find((t) => t.taskId === taskId);
          return ti && states.includes(ti.state) ? run : undefined;
        },
        timeoutMs,
        describeRun(dagId, runId),
      );
    },
    async writeDag(file, source) {
      await fs.writeFile(path.join(dagsDir, file), source);
    },
    async close() {
      for (const w of workers) await w.close();
      await scheduler.close();
      await opened.res.queue.obliterate();
      await opened.close();
      await db.drop();
      await fs.rm(dagsDir, { recursive: true, force: true });
    },
  };
}
