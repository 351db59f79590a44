/**
 * The wiring every process does the same way: a database pool, a Redis
 * connection with the task queue on it, and the EngineResources over them.
 */
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import {
  createDb,
  writeTries,
  type ClaimArgs,
  type ClaimedTry,
  type Db,
  type FinishTryArgs,
  type FinishedTry,
} from '@sluice/db';
import { TaskQueue, createRedis } from '@sluice/queue';
import type { Redis } from 'ioredis';
import { Coalescer } from './coalescer';
import { DagVersionCache } from './dag-cache';
import type { EngineObserver } from './observer';
import type { EngineTracer } from './tracer';
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
  /** The process's metrics. */
  observer?: EngineObserver;
  /** The process's traces. */
  tracer?: EngineTracer;
}

export interface OpenEngine {
  res: EngineResources;
  db: Db;
  redis: Redis;
  close(): Promise<void>;
}

export function openEngine(opts: OpenEngineOptions): OpenEngine {
  const db =
    opts.db ??
    createDb({
      databaseUrl: opts.databaseUrl,
      ...(opts.dbMax ? { max: opts.dbMax } : {}),
      onPoolError: (err) => opts.logger.warn({ err }, 'a database connection failed; the pool opens another'),
    });
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
    ...(opts.observer ? { observe: opts.observer } : {}),
    ...(opts.tracer ? { trace: opts.tracer } : {}),
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

type TryWrite = { kind: 'claim'; args: ClaimArgs } | { kind: 'finish'; args: FinishTryArgs };
type TryWritten = { kind: 'claim'; result: ClaimedTry | null } | { kind: 'finish'; result: FinishedTry | null };

/**
 * Claims and finishes of this process's tries: those made while a batch is
 * in flight go together in the next one, claims and finishes alike, in one
 * transaction (packages/db writeTries).
 */
export function createTryWrites(pool: Pool): TryWrites {
  const writes = new Coalescer<TryWrite, TryWritten>(async (batch) => {
    const claims: ClaimArgs[] = [];
    const finishes: FinishTryArgs[] = [];
    for (const w of batch) {
      if (w.kind === 'claim') claims.push(w.args);
      else finishes.push(w.args);
    }
    const done = await writeTries(pool, { claims, finishes });
    let c = 0;
    let f = 0;
    return batch.map(
      (w): TryWritten =>
        w.kind === 'claim'
          ? { kind: 'claim', result: done.claimed[c++] ?? null }
          : { kind: 'finish', result: done.finished[f++] ?? null },
    );
  });
  return {
    claim: async (args) => {
      const w = await writes.call({ kind: 'claim', args });
      return w.kind === 'claim' ? w.result : null;
    },
    finish: async (args) => {
      const w = await writes.call({ kind: 'finish', args });
      return w.kind === 'finish' ? w.result : null;
    },
  };
}
