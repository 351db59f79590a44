import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toError } from '@sluice/core';
import { migrate } from '@sluice/db';
import { installProcessGuards, preflight, createLogger } from '@sluice/engine';
import { loadConfig } from './config';
import { startScheduler } from './scheduler';

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/migrations');

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({
    level: config.SLUICE_LOG_LEVEL,
    format: config.SLUICE_LOG_FORMAT,
    isTty: process.stdout.isTTY === true,
  });
  installProcessGuards(logger, 'sluice scheduler');
  await preflight({
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    waitMs: config.SLUICE_STARTUP_WAIT_MS,
    onWait: (problems) => logger.warn(`waiting up to ${config.SLUICE_STARTUP_WAIT_MS} ms for: ${problems}`),
  });
  await migrate({ databaseUrl: config.DATABASE_URL, migrationsDir });
  const scheduler = await startScheduler(config, logger);
  const stop = () => {
    void scheduler.close().then(
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
  process.stderr.write(`sluice scheduler: ${toError(raw).message}\n`);
  process.exit(1);
});
