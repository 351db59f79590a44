/**
 * The worker's operations side: its metrics (engine, AWS calls, pool), its
 * liveness row for health, and, with SLUICE_METRICS_PORT, an endpoint
 * serving /metrics, /healthz and /readyz.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { startWorkerLiveness, type Heartbeater, type OpenEngine } from '@sluice/engine';
import { awsCallObserver, createMetrics, probe, startOpsServer, type SluiceMetrics } from '@sluice/metrics';
import { observeAwsCalls } from '@sluice/operators';
import type { WorkerConfig } from './config';

export function workerMetrics(): SluiceMetrics {
  const metrics = createMetrics({ component: 'worker' });
  observeAwsCalls(awsCallObserver(metrics));
  return metrics;
}

export async function startWorkerOps(
  config: WorkerConfig,
  engine: OpenEngine,
  metrics: SluiceMetrics,
  heartbeater: Heartbeater,
  logger: Logger,
): Promise<{ url: string | null; close(): Promise<void> }> {
  metrics.watchPool(engine.db.pool);
  const liveness = startWorkerLiveness({
    pool: engine.db.pool,
    logger,
    id: `${config.SLUICE_HOSTNAME}:${process.pid}:${randomUUID().slice(0, 8)}`,
    hostname: config.SLUICE_HOSTNAME,
    intervalMs: config.SLUICE_HEARTBEAT_INTERVAL_MS,
    runningTries: () => heartbeater.size,
  });
  const server =
    config.SLUICE_METRICS_PORT === undefined
      ? null
      : await startOpsServer({
          port: config.SLUICE_METRICS_PORT,
          host: config.SLUICE_METRICS_HOST,
          registry: metrics.registry,
          readiness: async () => {
            const database = await probe(() => engine.db.pool.query('SELECT 1'));
            const redis = await probe(async () => (await engine.redis.ping()) === 'PONG');
            return { ready: database === 'ok' && redis === 'ok', detail: { database, redis } };
          },
        });
  if (server) logger.info({ url: server.url }, 'worker metrics and probes');
  return {
    url: server?.url ?? null,
    async close() {
      await server?.close();
      await liveness.stop();
      observeAwsCalls(null);
    },
  };
}
