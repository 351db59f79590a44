/**
 * The API alone, for tests of what it stores and answers: a fresh schema, a
 * task queue under a prefix of its own, no scheduler or worker. `app()` builds
 * the Express app with the given logger, sign-in settings and secret key.
 */
import pino, { type Logger } from 'pino';
import type { Express } from 'express';
import { type AuthSettings, DEFAULT_AUTH, createApp } from '@sluice/api';
import { createTestDatabase, type TestDatabase } from '@sluice/db';
import { DagVersionCache, createTryWrites, defaultEngineSettings } from '@sluice/engine';
import { TaskQueue, createRedis } from '@sluice/queue';
import type { Redis } from 'ioredis';

export interface ApiOnly {
  tdb: TestDatabase;
  app(opts?: { secretKey?: string; logger?: Logger; auth?: AuthSettings }): Express;
  close(): Promise<void>;
}

export async function startApiOnly(name: string): Promise<ApiOnly> {
  const tdb = await createTestDatabase();
  const redis: Redis = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  const queue = new TaskQueue({ connection: redis, prefix: `test-${name}-${process.pid}` });
  return {
    tdb,
    app: (opts = {}) => {
      const logger = opts.logger ?? pino({ level: 'silent' });
      return createApp({
        db: tdb.db,
        engine: {
          pool: tdb.db.pool,
          queue,
          dags: new DagVersionCache(tdb.db.pool),
          logger,
          now: () => new Date(),
          settings: defaultEngineSettings,
          tries: createTryWrites(tdb.db.pool),
        },
        logger,
        pingRedis: async () => true,
        auth: opts.auth ?? { ...DEFAULT_AUTH, mode: 'off' },
        ...(opts.secretKey ? { secretKey: opts.secretKey } : {}),
      });
    },
    close: async () => {
      await queue.close();
      redis.disconnect();
      await tdb.drop();
    },
  };
}
