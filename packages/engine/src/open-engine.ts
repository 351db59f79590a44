/**
 * The wiring every process does the same way: a database pool, a Redis
 * connection with the task queue on it, and the EngineResources over them.
 */
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { claimTaskTries, createDb, finishTaskTries, type ClaimArgs, type ClaimedTry, type Db, type FinishTryArgs, type FinishedTry } from '@sluice/db';
import { TaskQueue, createRedis } from '@sluice/queue';
import type { Redis } from 'ioredis';
import { Coalescer } from './coalescer';
import { DagVersionCache } from './dag-cache';
import { defaultEngineSettings, type EngineResources, type EngineSettings, type TryWrites } from './resources';

export interface OpenEngineOptions {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  logger: Logger;
  /** Name of the process, shown in Redis CLIENT LIST. */
  name: string;
  /** Pool size. */
  dbMax?: number;
  settings?: Partial<EngineSettings>;
  /** Use this database handle instead of opening one (tests); it is not closed by `close`. */
  db?: Db;
}

export interface OpenEngine {
  res: EngineResources;
  db: Db;
  redis: Redis;
  close(): Promise<void>;
}

export function openEngine(opts: OpenEngineOptions): OpenEngine {
  const db = opts.db ?? createDb({ databaseUrl: opts.databaseUrl, ...(opts.dbMax ? { max: opts.dbMax } : {}) });
  const redis = createRedis({ url: opts.redisUrl, name: opts.name });
  const queue = new TaskQueue({ connection: redis, prefix: opts.queuePrefix });
  const res: EngineResources = {
    pool: db.pool,
    queue,
    dags: new DagVersionCache(db.pool),
    logger: opts.logger,
    now: () => new Date(),
    settings: { ...defaultEngineSettings, ...opts.settings },
    tries: createTryWrites(db.pool),
  };
  return {
    res,
    db,
    redis,
    async close() {
      await queue.close();
      redis.disconnect();
      if (!opts.db) await db.close();
    },
  };
}

/** Claims and finishes of this process's tries, each batched with those made while one is in flight. */
export function createTryWrites(pool: Pool): TryWrites {
  const claims = new Coalescer<ClaimArgs, ClaimedTry | null>((batch) => claimTaskTries(pool, batch));
  const finishes = new Coalescer<FinishTryArgs, FinishedTry | null>((batch) => finishTaskTries(pool, batch));
  return { claim: (args) => claims.call(args), finish: (args) => finishes.call(args) };
}
