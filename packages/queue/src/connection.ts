import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  url: string;
  /** Name shown in CLIENT LIST, e.g. `sluice-worker`. */
  name?: string;
}

/**
 * A connection fit for BullMQ: workers need `maxRetriesPerRequest: null` so
 * a blocking read survives a Redis restart instead of throwing.
 */
export function createRedis(opts: RedisConnectionOptions): Redis {
  const extra: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true };
  if (opts.name) extra.connectionName = opts.name;
  return new Redis(opts.url, extra);
}

/** Resolves when Redis answers PING; rejects with a message naming the URL. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (raw) {
    const reason = raw instanceof Error ? raw.message : String(raw);
    throw new Error(
      `Redis is not reachable at ${redactUrl(url)} (${reason}). Start it (e.g. \`docker compose up -d redis\`) or set REDIS_URL.`,
    );
  } finally {
    redis.disconnect();
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
