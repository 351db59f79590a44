/**
 * The API's operations side: metrics (run start lag of the runs its
 * triggers start, the deployment-wide gauges read at scrape time, its pool)
 * and, with SLUICE_METRICS_PORT, an endpoint serving /metrics, /healthz and
 * /readyz on a port of its own: scraping and probes then need no API
 * credentials and never reach the API's routes and their checks.
 */
import type { Logger } from 'pino';
import { clusterProbe, type OpenEngine } from '@sluice/engine';
import { createMetrics, probe, startOpsServer, type SluiceMetrics } from '@sluice/metrics';
import type { ApiConfig } from './config';

export function apiMetrics(): SluiceMetrics {
  return createMetrics({ component: 'api' });
}

export async function startApiOps(
  config: ApiConfig,
  engine: OpenEngine,
  metrics: SluiceMetrics,
  logger: Logger,
): Promise<{ url: string | null; close(): Promise<void> }> {
  metrics.watchPool(engine.db.pool);
  metrics.watchCluster(clusterProbe(engine.res));
  if (config.SLUICE_METRICS_PORT === undefined) return { url: null, close: async () => undefined };
  const server = await startOpsServer({
    port: config.SLUICE_METRICS_PORT,
    host: config.SLUICE_METRICS_HOST,
    registry: metrics.registry,
    readiness: async () => {
      const database = await probe(() => engine.db.pool.query('SELECT 1'));
      return { ready: database === 'ok', detail: { database } };
    },
  });
  logger.info({ url: server.url }, 'API metrics and probes');
  return { url: server.url, close: () => server.close() };
}
