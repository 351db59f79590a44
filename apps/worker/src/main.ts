import { toError } from '@sluice/core';
import { loadConfig } from './config';
import { startWorker } from './worker';
import { installProcessGuards, preflight, createLogger } from '@sluice/engine';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({
    level: config.SLUICE_LOG_LEVEL,
    format: config.SLUICE_LOG_FORMAT,
    isTty: process.stdout.isTTY === true,
  });
  installProcessGuards(logger, 'sluice worker');
  await preflight({
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    waitMs: config.SLUICE_STARTUP_WAIT_MS,
    onWait: (problems) => logger.warn(`waiting up to ${config.SLUICE_STARTUP_WAIT_MS} ms for: ${problems}`),
  });
  const worker = await startWorker(config, logger);
  const stop = () => {
    void worker.close().then(
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
  process.stderr.write(`sluice worker: ${toError(raw).message}\n`);
  process.exit(1);
});
