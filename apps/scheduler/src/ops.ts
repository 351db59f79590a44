/**
 * The scheduler's operations side: its metrics (passes, run start lag, DAG
 * parses, and the deployment-wide gauges read at scrape time: queue jobs,
 * oldest queued try, task instances by state, import errors) and, with
 * SLUICE_METRICS_PORT, an endpoint serving /metrics, /healthz and /readyz.
 */
import type { Logger } from 'pino';
import { cleanHistory, removeHeartbeat } from '@sluice/db';
import { clusterProbe, type OpenEngine } from '@sluice/engine';
import { createMetrics, probe, startOpsServer, type SluiceMetrics } from '@sluice/metrics';
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
            const database = await probe(() => engine.db.pool.query('SELECT 1'));
            return { ready: database === 'ok', detail: { database } };
          },
        });
  if (server) logger.info({ url: server.url }, 'scheduler metrics and probes');
  const retention =
    config.SLUICE_RETENTION === undefined ? null : startRetention(engine, config.SLUICE_RETENTION, logger);
  return {
    url: server?.url ?? null,
    async close() {
      await retention?.stop();
      await server?.close();
      // A scheduler that stops cleanly leaves no heartbeat behind; one that died does, and health calls it stale.
      await removeHeartbeat(engine.db.pool, 'scheduler', schedulerId).catch((raw: unknown) =>
        logger.warn({ err: toError(raw) }, 'could not remove the scheduler heartbeat'),
      );
    },
  };
}

const DAY_MS = 86_400_000;

/**
 * SLUICE_RETENTION: a clean of history older than the setting, a minute
 * after start and then daily, beside the passes (not between them: its
 * batches lock only the rows they delete). Several schedulers may each run
 * it; they skip each other's rows.
 */
function startRetention(engine: OpenEngine, keepMs: number, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const clean = () => {
    const before = new Date(Date.now() - keepMs);
    running = cleanHistory(engine.db.pool, { before, dagIds: null }).then(
      (deleted) => logger.info({ before: before.toISOString(), ...deleted }, 'retention: deleted old history'),
      (raw: unknown) => logger.error({ err: toError(raw) }, 'retention: could not delete old history'),
    );
  };
  const first = setTimeout(clean, 60_000);
  const daily = setInterval(clean, DAY_MS);
  first.unref();
  daily.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(daily);
      await running;
    },
  };
}
