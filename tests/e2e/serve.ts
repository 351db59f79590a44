/**
 * The whole of Sluice for the browser test: a fresh schema, a random queue
 * prefix, the scheduler, a worker and the API serving the built UI on
 * SLUICE_E2E_PORT. Playwright starts it and stops it (SIGTERM drops the schema).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { DEFAULT_AUTH, createApp } from '@sluice/api';
import { createTestDatabase } from '@sluice/db';
import { openEngine } from '@sluice/engine';
import { SchedulerConfig, startScheduler } from '@sluice/scheduler';
import { WorkerConfig, startWorker } from '@sluice/worker';

const here = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.SLUICE_E2E_PORT ?? 8091);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const logger = pino({ level: 'warn' });
const db = await createTestDatabase();
const prefix = `e2e-${randomBytes(4).toString('hex')}`;
const env = {
  DATABASE_URL: `${db.databaseUrl}?schema=${db.schema}`,
  REDIS_URL: redisUrl,
  SLUICE_QUEUE_PREFIX: prefix,
  SLUICE_DAGS_FOLDER: path.join(here, 'dags'),
  SLUICE_SCHEDULER_INTERVAL_MS: '500',
  SLUICE_SECRET_KEY: `e2e-${randomBytes(12).toString('hex')}`,
};
const scheduler = await startScheduler(SchedulerConfig.parse(env), logger);
const worker = await startWorker(WorkerConfig.parse(env), logger);
const opened = openEngine({
  databaseUrl: env.DATABASE_URL,
  redisUrl,
  queuePrefix: prefix,
  logger,
  name: 'sluice-e2e',
  db: db.db,
});
const { redis } = opened;
const app = createApp({
  db: db.db,
  engine: opened.res,
  logger,
  pingRedis: () => redis.ping().then((r) => r === 'PONG'),
  webDist: path.resolve(here, '../../apps/web/dist'),
  auth: { ...DEFAULT_AUTH, mode: 'off' },
  secretKey: env.SLUICE_SECRET_KEY,
});
const server = app.listen(port, '127.0.0.1', () => process.stdout.write(`e2e Sluice on http://127.0.0.1:${port}\n`));

const stop = async () => {
  server.close();
  await worker.close();
  await scheduler.close();
  await opened.res.queue.obliterate().catch(() => undefined);
  await opened.close();
  await db.drop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
