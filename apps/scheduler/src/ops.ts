/**
 * The scheduler's operations side: its metrics (passes, run start lag, DAG
 * parses, and the deployment-wide gauges read at scrape time: queue jobs,
 * oldest queued try, task instances by state, import errors) and, with
 * SLUICE_METRICS_PORT, an endpoint serving /metrics, /healthz and /readyz.
 */
import type { Logger } from 'pino';
import { removeHeartbeat } from '@sluice/db';
import { clusterProbe, type OpenEngine } from '@sluice/engine';
import { createMetrics, startOpsServer, type SluiceMetrics } from '@sluice/metrics';
import { toError } from '@sluice/core';
import type { SchedulerConfig } from './config';

export function schedulerMetrics(): SluiceMetrics {
  return createMetrics({ component: 'scheduler' });
}

export async function startSchedulerOps(
  config: SchedulerConfig,
  engine: OpenEngine,
  metrics: SluiceMetrics,
  schedulerId: string,
  logger: Logger,
): Promise<{ url: string | null; close(): Promise<void> }> {
  metrics.watchPool(engine.db.pool);
  metrics.watchCluster(clusterProbe(engine.res));
  const server =
    config.SLUICE_METRICS_PORT === undefined
      ? null
      : await startOpsServer({
          port: config.SLUICE_METRICS_PORT,
          host: config.SLUICE_METRICS_HOST,
          registry: metrics.registry,
          readiness: async () => {
            const database = await engine.db.pool.query('SELECT 1').then(
              () => 'ok',
              () => 'down',
            );
            return { ready: database === 'ok', detail: { database } };
          },
        });
  if (server) logger.info({ url: server.url }, 'scheduler metrics and probes');
  return {
    url: server?.url ?? null,
    async close() {
      await server?.close();
      // A scheduler that stops cleanly leaves no heartbeat behind; one that died does, and health calls it stale.
      await removeHeartbeat(engine.db.pool, 'scheduler', schedulerId).catch((raw: unknown) =>
        logger.warn({ err: toError(raw) }, 'could not remove the scheduler heartbeat'),
      );
    },
  };
}
