/**
 * Job ids against a real Redis: a try's job id is `run_<taskInstanceId>_<try>`,
 * adding it twice while it is live is a no-op, and a job of that id that
 * failed does not stop the reconciler from enqueuing the try again.
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createRedis } from './connection';
import { taskRunJobId } from './jobs';
import { createTaskWorker } from './task-queue';
import { REDIS_URL, until, useQueueUnderTest } from './test-support';

const q = useQueueUnderTest();

/** A worker whose `task.run` handler throws, as a claim does when Postgres fails it. */
function failingWorker(): Worker {
  const connection = createRedis({ url: REDIS_URL, name: 'sluice-queue-test-worker' });
  const worker = createTaskWorker({
    connection,
    prefix: q.prefix,
    concurrency: 1,
    handlers: {
      'task.run': () => Promise.reject(new Error('claim failed: connection refused')),
      'task.check': () => Promise.resolve(),
      'task.cancel': () => Promise.resolve(),
      'callback.run': () => Promise.resolve(),
    },
  });
  q.closers.push(async () => {
    await worker.close();
    connection.disconnect();
  });
  return worker;
}

describe('TaskQueue job ids', () => {
  it('does not add a live job twice', async () => {
    const job = { taskInstanceId: randomUUID(), tryNumber: 1 };
    await q.queue.enqueueRuns([job]);
    const first = await q.queue.queue.getJob(taskRunJobId(job));
    await q.queue.enqueueRuns([job]);
    await q.queue.enqueueRunsAgain([job]);
    expect((await q.queue.queue.getJobCounts('waiting')).waiting).toBe(1);
    expect((await q.queue.queue.getJob(taskRunJobId(job)))?.timestamp).toBe(first?.timestamp);
  });

  it('enqueues a try again after its job failed under the same id', async () => {
    const job = { taskInstanceId: randomUUID(), tryNumber: 2 };
    await q.queue.enqueueRuns([job]);
    const worker = failingWorker();
    await until('the job to fail', async () => (await q.queue.queue.getJobState(taskRunJobId(job))) === 'failed');
    await worker.close();
    expect(await q.queue.hasRunJob(job)).toBe(false);

    await q.queue.enqueueRunsAgain([job]);
    expect(await q.queue.queue.getJobState(taskRunJobId(job))).toBe('waiting');
    expect(await q.queue.hasRunJob(job)).toBe(true);
  });
});
