/**
 * The worker process: a BullMQ Worker whose `task.run` handler runs one try
 * through the engine, a heartbeat for the tries it holds, and nothing else.
 */
import pino, { type Logger } from 'pino';
import { verifySecretKey } from '@sluice/db';
import {
  Heartbeater,
  cancelExternalJob,
  checkDeferredTry,
  openEngine,
  runCallbackAttempt,
  runTaskTry,
} from '@sluice/engine';
import { createRedis, createTaskWorker } from '@sluice/queue';
import type { WorkerConfig } from './config';
import { contextEnv, createExecutor } from './executor';
import { createCrossDagRunner } from './cross-dag';
import { FnPool } from './fn-pool';
import { awsSettingsResolver } from './aws-settings';
import { taskSecrets } from './task-secrets';
import { externalOperators, traceAwsCalls } from '@sluice/operators';
import { openTracing, type Tracing } from '@sluice/tracing/open';
import { createCallbackRunner } from './callback-runner';
import { snsSettingsResolver } from './aws-settings';
import { startWorkerOps, workerMetrics } from './ops';
import { jobErrorLevel } from './job-errors';
import { remoteLogUploader } from './remote-logs';
import { engineObserver } from '@sluice/metrics';

export interface RunningWorker {
  /** Where its /metrics, /healthz and /readyz are served (SLUICE_METRICS_PORT), or null. */
  metricsUrl: string | null;
  close(): Promise<void>;
}

export async function startWorker(
  config: WorkerConfig,
  logger: Logger = pino({ level: config.SLUICE_LOG_LEVEL }),
  opts: { tracing?: Tracing } = {},
): Promise<RunningWorker> {
  const metrics = workerMetrics();
  const ownTracing = opts.tracing ? null : await openTracing(config.OTEL_EXPORTER_OTLP_ENDPOINT, 'sluice-worker');
  const tracing = opts.tracing ?? ownTracing;
  traceAwsCalls(tracing?.tracer ?? null);
  const engine = openEngine({
    observer: engineObserver(metrics),
    ...(tracing ? { tracer: tracing.engine } : {}),
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    queuePrefix: config.SLUICE_QUEUE_PREFIX,
    logger,
    name: 'sluice-worker-queue',
    dbMax: config.SLUICE_WORKER_CONCURRENCY * config.SLUICE_WORKER_QUEUES.length + 4,
    settings: { deferCheckMinMs: config.SLUICE_DEFER_CHECK_MIN_MS, deferCheckMaxMs: config.SLUICE_DEFER_CHECK_MAX_MS },
  });
  const { res, db } = engine;
  // A worker with another key than the API's would fail every task using a connection.
  await verifySecretKey(db.prisma, config.SLUICE_SECRET_KEY).catch(async (raw: unknown) => {
    await engine.close();
    throw raw;
  });
  // BullMQ's Worker blocks on its own connection.
  const workerConnection = createRedis({ url: config.REDIS_URL, name: 'sluice-worker' });
  const heartbeater = new Heartbeater(db.pool, logger, config.SLUICE_HEARTBEAT_INTERVAL_MS);
  heartbeater.start();
  // fn tasks run in child processes, never in this one.
  const secrets = taskSecrets(db, config.SLUICE_SECRET_KEY);
  const fnPool = new FnPool({
    warm: config.SLUICE_FN_WARM_PROCESSES,
    logger,
    taskEnv: contextEnv,
    readVariable: secrets.readVariable,
  });
  const execute = createExecutor({
    runFunction: (req) => fnPool.run(req),
    shellEnv: secrets.shellEnv,
    crossDag: createCrossDagRunner(res),
    operators: externalOperators,
    resolveAws: awsSettingsResolver(db, config.SLUICE_SECRET_KEY, config.AWS_ENDPOINT_URL),
  });
  const remoteLogs = config.SLUICE_REMOTE_LOGS
    ? remoteLogUploader(config.SLUICE_REMOTE_LOGS, config.notifierEnv ?? process.env, db.pool, logger)
    : null;
  const wc = {
    hostname: config.SLUICE_HOSTNAME,
    queues: new Set(config.SLUICE_WORKER_QUEUES),
    execute,
    heartbeater,
    ...(remoteLogs ? { afterTry: remoteLogs.afterTry } : {}),
  };
  const callbacks = createCallbackRunner(fnPool, {
    env: config.notifierEnv ?? {},
    resolveSns: snsSettingsResolver(db, config.SLUICE_SECRET_KEY),
  });
  const links = { baseUrl: config.SLUICE_BASE_URL ?? null };
  // One BullMQ Worker per queue served, each with its own slots.
  const workers = config.SLUICE_WORKER_QUEUES.map((queue) =>
    createTaskWorker({
      connection: workerConnection,
      prefix: config.SLUICE_QUEUE_PREFIX,
      queue,
      concurrency: config.SLUICE_WORKER_CONCURRENCY,
      handlers: {
        'task.run': (job) => runTaskTry(res, wc, job),
        'task.check': (job) => checkDeferredTry(res, wc, job),
        'task.cancel': (job) => cancelExternalJob(res, wc, job),
        'callback.run': (job) => runCallbackAttempt(res, callbacks, links, job),
      },
      onError: (err) => logger[jobErrorLevel(err)]({ err }, 'worker job error'),
    }),
  );
  for (const worker of workers) await worker.waitUntilReady();
  const ops = await startWorkerOps(config, engine, metrics, heartbeater, logger);
  logger.info(
    {
      concurrency: config.SLUICE_WORKER_CONCURRENCY,
      queues: config.SLUICE_WORKER_QUEUES,
      host: config.SLUICE_HOSTNAME,
    },
    'worker started',
  );
  return {
    metricsUrl: ops.url,
    async close() {
      for (const worker of workers) await worker.close();
      await remoteLogs?.close();
      await ops.close();
      fnPool.close();
      heartbeater.stop();
      workerConnection.disconnect();
      await engine.close();
      traceAwsCalls(null);
      await ownTracing?.shutdown();
    },
  };
}
