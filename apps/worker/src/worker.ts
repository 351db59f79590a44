/**
 * The worker process: a BullMQ Worker whose `task.run` handler runs one try
 * through the engine, a heartbeat for the tries it holds, and nothing else.
 */
import pino, { type Logger } from 'pino';
import { createDb } from '@sluice/db';
import { DagVersionCache, Heartbeater, defaultEngineSettings, runTaskTry, type EngineResources } from '@sluice/engine';
import { TaskQueue, createRedis, createTaskWorker } from '@sluice/queue';
import type { WorkerConfig } from './config';
import { createExecutor } from './executor';
import { runFunction } from './run-function';

export interface RunningWorker {
  close(): Promise<void>;
}

export async function startWorker(config: WorkerConfig, logger: Logger = pino({ level: config.SLUICE_LOG_LEVEL })): Promise<RunningWorker> {
  const db = createDb({ databaseUrl: config.DATABASE_URL, max: config.SLUICE_WORKER_CONCURRENCY + 4 });
  const queueConnection = createRedis({ url: config.REDIS_URL, name: 'sluice-worker-queue' });
  const workerConnection = createRedis({ url: config.REDIS_URL, name: 'sluice-worker' });
  const queue = new TaskQueue({ connection: queueConnection, prefix: config.SLUICE_QUEUE_PREFIX });
  const res: EngineResources = {
    pool: db.pool,
    queue,
    dags: new DagVersionCache(db.pool),
    logger,
    now: () => new Date(),
    settings: defaultEngineSettings,
  };
  const heartbeater = new Heartbeater(db.pool, logger, config.SLUICE_HEARTBEAT_INTERVAL_MS);
  heartbeater.start();
  const wc = { hostname: config.SLUICE_HOSTNAME, execute: createExecutor({ runFunction }), heartbeater };
  const worker = createTaskWorker({
    connection: workerConnection,
    prefix: config.SLUICE_QUEUE_PREFIX,
    concurrency: config.SLUICE_WORKER_CONCURRENCY,
    handlers: { 'task.run': (job) => runTaskTry(res, wc, job) },
    onError: (err) => logger.error({ err }, 'worker job error'),
  });
  await worker.waitUntilReady();
  logger.info({ concurrency: config.SLUICE_WORKER_CONCURRENCY, host: config.SLUICE_HOSTNAME }, 'worker started');
  return {
    async close() {
      await worker.close();
      heartbeater.stop();
      await queue.close();
      queueConnection.disconnect();
      workerConnection.disconnect();
      await db.close();
    },
  };
}
