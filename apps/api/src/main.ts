import { toError } from '@sluice/core';
import { verifySecretKey } from '@sluice/db';
import { installProcessGuards, openEngine, preflight, createLogger } from '@sluice/engine';
import { createApp } from './app';
import { authSettings, loadConfig } from './config';
import { engineObserver } from '@sluice/metrics';
import { apiMetrics, startApiOps } from './ops';
import { RemoteLogStore, parseS3Url, s3ClientFromEnv } from '@sluice/remote-logs';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({
    level: config.SLUICE_LOG_LEVEL,
    format: config.SLUICE_LOG_FORMAT,
    isTty: process.stdout.isTTY === true,
  });
  installProcessGuards(logger, 'sluice api');
  await preflight({
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    waitMs: config.SLUICE_STARTUP_WAIT_MS,
    onWait: (problems) => logger.warn(`waiting up to ${config.SLUICE_STARTUP_WAIT_MS} ms for: ${problems}`),
  });
  const metrics = apiMetrics();
  const engine = openEngine({
    observer: engineObserver(metrics),
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    queuePrefix: config.SLUICE_QUEUE_PREFIX,
    logger,
    name: 'sluice-api',
  });
  const { db, redis } = engine;
  // A wrong key would store new credentials under it beside rows under the old one.
  await verifySecretKey(db.prisma, config.SLUICE_SECRET_KEY);
  const app = createApp({
    db,
    engine: engine.res,
    logger,
    pingRedis: () => redis.ping().then((r) => r === 'PONG'),
    webDist: config.SLUICE_WEB_DIST,
    allowedHosts: [
      ...config.SLUICE_ALLOWED_HOSTS,
      ...(['0.0.0.0', '::'].includes(config.SLUICE_API_HOST) ? [] : [config.SLUICE_API_HOST]),
    ],
    allowedOrigins: config.SLUICE_ALLOWED_ORIGINS,
    auth: authSettings(config),
    ...(config.SLUICE_SECRET_KEY ? { secretKey: config.SLUICE_SECRET_KEY } : {}),
    ...(config.SLUICE_REMOTE_LOGS
      ? { remoteLogs: new RemoteLogStore(parseS3Url(config.SLUICE_REMOTE_LOGS), s3ClientFromEnv(process.env)) }
      : {}),
  });
  const ops = await startApiOps(config, engine, metrics, logger);
  const server = app.listen(config.SLUICE_API_PORT, config.SLUICE_API_HOST, () => {
    logger.info(`Sluice API and UI on http://${config.SLUICE_API_HOST}:${config.SLUICE_API_PORT}`);
    if (config.SLUICE_AUTH === 'off') logger.warn('sign-in is off (SLUICE_AUTH=off): every request acts as admin');
  });
  const stop = () => {
    server.close();
    void Promise.all([ops.close(), engine.close()]).then(
      () => process.exit(0),
      (raw: unknown) => {
        logger.error({ err: toError(raw) }, 'could not shut down cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((raw: unknown) => {
  process.stderr.write(`sluice api: ${toError(raw).message}\n`);
  process.exit(1);
});
