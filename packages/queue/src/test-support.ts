/**
 * For this package's tests: a task queue under a random prefix of its own on
 * the real local Redis, and a wait on a condition. Each test file calls
 * `useQueueUnderTest()` at the top level; it opens a queue before each test
 * and closes it, the workers the test registered, and its keys after.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach } from 'vitest';
import { createRedis } from './connection';
import { TaskQueue } from './task-queue';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface QueueUnderTest {
  prefix: string;
  redis: Redis;
  queue: TaskQueue;
  /** Run after the test, before the queue is removed (workers a test started). */
  closers: Array<() => Promise<void>>;
}

export function useQueueUnderTest(): QueueUnderTest {
  const t = {} as QueueUnderTest;
  beforeEach(() => {
    t.prefix = `test-queue-${randomBytes(6).toString('hex')}`;
    t.redis = createRedis({ url: REDIS_URL, name: 'sluice-queue-test' });
    t.queue = new TaskQueue({ connection: t.redis, prefix: t.prefix });
    t.closers = [];
  });
  afterEach(async () => {
    for (const close of t.closers.splice(0)) await close();
    await t.queue.obliterate();
    await t.queue.close();
    t.redis.disconnect();
  });
  return t;
}

/** Waits until `probe` is true, failing after `timeoutMs` with what it waited for. */
export async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
