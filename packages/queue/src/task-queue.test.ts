/**
 * Job ids against a real Redis: a try's job id is `run_<taskInstanceId>_<try>`,
 * adding it twice while it is live is a no-op, and a job of that id that
 * failed does not stop the reconciler from enqueuing the try again.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedis } from './connection';
import { taskRunJobId } from './jobs';
import { TaskQueue, createTaskWorker } from './task-queue';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let prefix: string;
let redis: Redis;
let queue: TaskQueue;
const closers: Array<() => Promise<void>> = [];

beforeEach(() => {
  prefix = `test-queue-${randomBytes(6).toString('hex')}`;
  redis = createRedis({ url: REDIS_URL, name: 'sluice-queue-test' });
  queue = new TaskQueue({ connection: redis, prefix });
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await queue.obliterate();
  await queue.close();
  redis.disconnect();
});

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A worker whose `task.run` handler throws, as a claim does when Postgres fails it. */
function failingWorker(): Worker {
  const connection = createRedis({ url: REDIS_URL, name: 'sluice-queue-test-worker' });
  const worker = createTaskWorker({
    connection,
    prefix,
    concurrency: 1,
    handlers: {
      'task.run': () => Promise.reject(new Error('claim failed: connection refused')),
      'task.check': () => Promise.resolve(),
      'task.cancel': () => Promise.resolve(),
      'callback.run': () => Promise.resolve(),
    },
  });
  closers.push(async () => {
    await worker.close();
    connection.disconnect();
  });
  return worker;
}

describe('TaskQueue job ids', () => {
  it('does not add a live job twice', async () => {
    const job = { taskInstanceId: randomUUID(), tryNumber: 1 };
    await queue.enqueueRuns([job]);
    const first = await queue.queue.getJob(taskRunJobId(job));
    await queue.enqueueRuns([job]);
    await queue.enqueueRunsAgain([job]);
    expect((await queue.queue.getJobCounts('waiting')).waiting).toBe(1);
    expect((await queue.queue.getJob(taskRunJobId(job)))?.timestamp).toBe(first?.timestamp);
  });

  it('enqueues a try again after its job failed under the same id', async () => {
    const job = { taskInstanceId: randomUUID(), tryNumber: 2 };
    await queue.enqueueRuns([job]);
    const worker = failingWorker();
    await until('the job to fail', async () => (await queue.queue.getJobState(taskRunJobId(job))) === 'failed');
    await worker.close();
    expect(await queue.hasRunJob(job)).toBe(false);

    await queue.enqueueRunsAgain([job]);
    expect(await queue.queue.getJobState(taskRunJobId(job))).toBe('waiting');
    expect(await queue.hasRunJob(job)).toBe(true);
  });
});
