/**
 * The scheduler process: parses the DAGs folder now and then, and runs the
 * safety-net pass every interval. Several can run at once against one
 * database (every write they make is conditional).
 */
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { toError } from '@sluice/core';
import { openEngine, schedulerPass } from '@sluice/engine';
import type { SchedulerConfig } from './config';
import { processDagFolder } from './dag-processing';
import { openDagSource } from './dag-source';
import { engineObserver } from '@sluice/metrics';
import { schedulerMetrics, startSchedulerOps } from './ops';
import { openTracing, type Tracing } from '@sluice/tracing/open';

export interface RunningScheduler {
  /** Parses the DAGs folder now. */
  parse(): Promise<{ dags: number; errors: number }>;
  /** Runs one safety-net pass now. */
  pass(): ReturnType<typeof schedulerPass>;
  /** Where its /metrics, /healthz and /readyz are served (SLUICE_METRICS_PORT), or null. */
  metricsUrl: string | null;
  close(): Promise<void>;
}

export async function startScheduler(
  config: SchedulerConfig,
  logger: Logger = pino({ level: config.SLUICE_LOG_LEVEL }),
  opts: { loops?: boolean; tracing?: Tracing } = {},
): Promise<RunningScheduler> {
  const metrics = schedulerMetrics();
  const ownTracing = opts.tracing ? null : await openTracing(config.OTEL_EXPORTER_OTLP_ENDPOINT, 'sluice-scheduler');
  const tracing = opts.tracing ?? ownTracing;
  const engine = openEngine({
    observer: engineObserver(metrics),
    ...(tracing ? { tracer: tracing.engine } : {}),
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    queuePrefix: config.SLUICE_QUEUE_PREFIX,
    logger,
    name: 'sluice-scheduler',
    dbMax: 5,
    settings: {
      heartbeatTimeoutMs: config.SLUICE_HEARTBEAT_TIMEOUT_MS,
      timeoutGraceMs: config.SLUICE_TIMEOUT_GRACE_MS,
      reconcileAfterMs: config.SLUICE_RECONCILE_AFTER_MS,
    },
  });
  const { res, db } = engine;
  const schedulerId = `${config.SLUICE_HOSTNAME}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const source = await openDagSource(config, db.pool, logger).catch(async (raw: unknown) => {
    await engine.close();
    throw raw;
  });
  const parse = async (sync = false) => {
    const { folder, commit } = await source.folder(sync);
    const timer = metrics.dagParseSeconds.startTimer();
    const parsed = await processDagFolder(db.pool, folder, logger, commit);
    timer();
    return parsed;
  };
  /** A git bundle whose refresh the API asked for (a merge webhook) is fetched and parsed at the next pass. */
  const refreshIfDue = async () => {
    if (await source.due()) await parse(true);
  };
  const pass = () => schedulerPass(res, schedulerId, config.SLUICE_HOSTNAME, config.SLUICE_SCHEDULER_INTERVAL_MS);
  const ops = await startSchedulerOps(config, engine, metrics, schedulerId, logger);

  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  /** Runs `fn` every `ms` after the previous run ended, so passes never overlap. */
  const every = (ms: number, what: string, fn: () => Promise<unknown>) => {
    const tick = async () => {
      try {
        await fn();
      } catch (raw) {
        logger.error({ err: toError(raw) }, `${what} failed`);
      }
      if (stopped) return;
      const t = setTimeout(() => {
        timers.delete(t);
        void tick();
      }, ms);
      timers.add(t);
    };
    void tick();
  };
  let inFlight: Promise<unknown> = Promise.resolve();
  const serial = (fn: () => Promise<unknown>) => () => (inFlight = inFlight.then(fn, fn));
  /** Runs `fn` after the pass or parse in flight: a parse asked for now must not be overwritten by an older one still committing. */
  const queued = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = inFlight.then(fn, fn);
    inFlight = p;
    return p;
  };

  if (opts.loops !== false) {
    await parse().catch((raw: unknown) => logger.error({ err: toError(raw) }, 'first DAG parse failed'));
    every(
      config.SLUICE_DAG_PARSE_INTERVAL_MS,
      'DAG parse',
      serial(() => parse()),
    );
    every(config.SLUICE_SCHEDULER_INTERVAL_MS, 'scheduler pass', serial(pass));
    if (config.SLUICE_DAGS_GIT) every(config.SLUICE_SCHEDULER_INTERVAL_MS, 'DAG bundle refresh', serial(refreshIfDue));
    logger.info({ dags: source.describe, id: schedulerId }, 'scheduler started');
  }
  return {
    parse: () => queued(() => parse()),
    pass,
    metricsUrl: ops.url,
    async close() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await inFlight.catch(() => undefined);
      await ops.close();
      await engine.close();
      await ownTracing?.shutdown();
    },
  };
}
