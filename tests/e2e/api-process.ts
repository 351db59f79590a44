/**
 * A Sluice in a process of its own (scheduler, worker and the API serving
 * the built UI), for the browser test that stops it (SIGSTOP) and lets it go
 * on (SIGCONT): a fresh schema, one DAG (e2e_pipeline), sign-in off, on the port given as
 * the first argument. Prints "ready" when it listens; SIGTERM drops the
 * schema.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { DEFAULT_AUTH, createApp } from '@sluice/api';
import { createTestDatabase } from '@sluice/db';
import { openEngine } from '@sluice/engine';
import { SchedulerConfig, startScheduler } from '@sluice/scheduler';
import { WorkerConfig, startWorker } from '@sluice/worker';
import { E2E_DAGS_SOURCE, e2eDagsFolder } from './dags-folder';

const here = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error(`usage: api-process.ts <port>, got "${process.argv[2]}"`);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: 'warn' });

const db = await createTestDatabase();
// One small DAG, so the run page has a run to keep when this process stops answering.
const dagsFolder = e2eDagsFolder(port);
rmSync(dagsFolder, { recursive: true, force: true });
mkdirSync(dagsFolder);
copyFileSync(path.join(E2E_DAGS_SOURCE, 'e2e_pipeline.ts'), path.join(dagsFolder, 'e2e_pipeline.ts'));
const env = {
  DATABASE_URL: `${db.databaseUrl}?schema=${db.schema}`,
  REDIS_URL: redisUrl,
  SLUICE_QUEUE_PREFIX: `e2e-stop-${randomBytes(4).toString('hex')}`,
  SLUICE_DAGS_FOLDER: dagsFolder,
  // Health calls a scheduler stale after 1.5 beats: 2 s beats leave a loaded machine room to stay "ok".
  SLUICE_SCHEDULER_INTERVAL_MS: '2000',
  SLUICE_SECRET_KEY: `e2e-${randomBytes(12).toString('hex')}`,
};
const scheduler = await startScheduler(SchedulerConfig.parse(env), logger);
const worker = await startWorker(WorkerConfig.parse(env), logger);
const opened = openEngine({
  databaseUrl: env.DATABASE_URL,
  redisUrl,
  queuePrefix: env.SLUICE_QUEUE_PREFIX,
  logger,
  name: 'sluice-e2e-stop',
  db: db.db,
});
const app = createApp({
  db: db.db,
  engine: opened.res,
  logger,
  pingRedis: () => opened.redis.ping().then((r) => r === 'PONG'),
  webDist: path.resolve(here, '../../apps/web/dist'),
  auth: { ...DEFAULT_AUTH, mode: 'off' },
});
const server = app.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void worker
    .close()
    .then(() => scheduler.close())
    .then(() => opened.res.queue.obliterate().catch(() => undefined))
    .then(() => opened.close())
    .then(() => db.drop())
    .then(() => rmSync(dagsFolder, { recursive: true, force: true }))
    .finally(() => process.exit(0));
});
