/**
 * Connections against the real local Redis: the health check answers for a
 * server that is up, and names the URL (without its password) for one that
 * is not.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkRedis, createRedis, redactUrl } from './connection';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A local port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('redactUrl', () => {
  it('hides the password and keeps the rest of the URL', () => {
    expect(redactUrl('redis://app:s3cret@cache.internal:6380/2')).toBe('redis://app:***@cache.internal:6380/2');
  });

  it('leaves a URL without a password, and text that is not a URL, as it is', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});

describe('checkRedis', () => {
  it('resolves when Redis answers', async () => {
    await expect(checkRedis(REDIS_URL)).resolves.toBeUndefined();
  });

  it('rejects for a port nothing listens on, naming the URL without its password and saying what to do', async () => {
    const port = await closedPort();
    const check = checkRedis(`redis://user:hunter2@127.0.0.1:${port}`, 1000);
    await expect(check).rejects.toThrow(`Redis is not reachable at redis://user:***@127.0.0.1:${port}`);
    await expect(check).rejects.toThrow(/set REDIS_URL/);
    await expect(check).rejects.not.toThrow(/hunter2/);
  });
});

describe('createRedis', () => {
  it('names the connection as asked and never gives up on a request (as BullMQ workers need)', async () => {
    const redis = createRedis({ url: REDIS_URL, name: 'sluice-queue-connection-test' });
    try {
      expect(await redis.client('GETNAME')).toBe('sluice-queue-connection-test');
      expect(redis.options.maxRetriesPerRequest).toBeNull();
    } finally {
      redis.disconnect();
    }
  });
});
