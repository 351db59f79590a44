/**
 * The task queue and its worker against the real local Redis: each job name
 * reaches its own handler with the parsed payload, a job the catalog does not
 * know (by name or by payload) fails instead of reaching one, checks and
 * cancel retries wait until they are due, and many runs are added at once.
 */
import { randomUUID } from 'node:crypto';
import type { Job, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createRedis } from './connection';
import { taskCancelJobId, taskCheckJobId, taskRunJobId, type JobHandlers } from './jobs';
import { createTaskWorker } from './task-queue';
import { REDIS_URL, until, useQueueUnderTest } from './test-support';

const q = useQueueUnderTest();

interface Seen {
  calls: Array<{ name: string; payload: unknown }>;
  errors: Array<{ message: string; jobId: string | undefined }>;
}

function startWorker(): Seen {
  const seen: Seen = { calls: [], errors: [] };
  const record =
    (name: string) =>
    async (payload: unknown): Promise<void> => {
      seen.calls.push({ name, payload });
    };
  const handlers: JobHandlers = {
    'task.run': record('task.run'),
    'task.check': record('task.check'),
    'task.cancel': record('task.cancel'),
    'callback.run': record('callback.run'),
  };
  const connection = createRedis({ url: REDIS_URL, name: 'sluice-queue-test-worker' });
  const worker: Worker = createTaskWorker({
    connection,
    prefix: q.prefix,
    concurrency: 1,
    handlers,
    onError: (err: Error, job?: Job) => seen.errors.push({ message: err.message, jobId: job?.id }),
  });
  q.closers.push(async () => {
    await worker.close();
    connection.disconnect();
  });
  return seen;
}

describe('createTaskWorker', () => {
  it('hands each job to the handler of its name, with its payload', async () => {
    const seen = startWorker();
    const ti = randomUUID();
    await q.queue.enqueueRuns([{ taskInstanceId: ti, tryNumber: 1 }]);
    await q.queue.enqueueCheck({ taskInstanceId: ti, tryNumber: 1, dueAt: Date.now() });
    await q.queue.enqueueCancels([{ taskInstanceId: ti, tryNumber: 1 }]);
    const callbackRunId = randomUUID();
    await q.queue.enqueueCallbacks([{ callbackRunId }]);
    await until('four jobs handled', () => seen.calls.length === 4);
    expect(seen.calls.map((c) => c.name).sort()).toEqual(['callback.run', 'task.cancel', 'task.check', 'task.run']);
    expect(seen.calls.find((c) => c.name === 'callback.run')?.payload).toEqual({ callbackRunId });
    expect(seen.calls.find((c) => c.name === 'task.run')?.payload).toEqual({ taskInstanceId: ti, tryNumber: 1 });
    expect(seen.errors).toEqual([]);
  });

  it('fails a job of a name the catalog lacks, and one whose payload does not parse, without calling a handler', async () => {
    const seen = startWorker();
    await q.queue.queue.add('task.retry', { taskInstanceId: randomUUID(), tryNumber: 1 }, { jobId: 'unknown' });
    await q.queue.queue.add('task.run', { taskInstanceId: 'not-a-uuid', tryNumber: 1 }, { jobId: 'bad-payload' });
    await until('both jobs failed', () => seen.errors.length === 2);
    expect(seen.calls).toEqual([]);
    const byJob = new Map(seen.errors.map((e) => [e.jobId, e.message]));
    expect(byJob.get('unknown')).toBe('Unknown job name "task.retry"');
    expect(byJob.get('bad-payload')).toMatch(/taskInstanceId/);
  });
});

describe('TaskQueue', () => {
  it('adds every run of a large batch, across several addBulk chunks', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) => ({ taskInstanceId: randomUUID(), tryNumber: i + 1 }));
    await q.queue.enqueueRuns(jobs);
    expect((await q.queue.queue.getJobCounts('waiting')).waiting).toBe(250);
    for (const job of [jobs[0], jobs[99], jobs[100], jobs[249]]) {
      if (job) expect(await q.queue.hasRunJob(job)).toBe(true);
    }
  });

  it('delays a check until its due time, and adds it once however often it is planned', async () => {
    const check = { taskInstanceId: randomUUID(), tryNumber: 1, dueAt: Date.now() + 60_000 };
    await q.queue.enqueueCheck(check);
    await q.queue.enqueueCheck(check);
    expect(await q.queue.queue.getJobState(taskCheckJobId(check))).toBe('delayed');
    expect((await q.queue.queue.getJobCounts('delayed')).delayed).toBe(1);
    expect(await q.queue.hasCheckJob(check)).toBe(true);
    expect(await q.queue.hasCheckJob({ ...check, dueAt: check.dueAt + 1 })).toBe(false);
  });

  it('adds a first cancel attempt at once and a retry at its due time; an empty list adds nothing', async () => {
    const first = { taskInstanceId: randomUUID(), tryNumber: 1 };
    const retry = { taskInstanceId: first.taskInstanceId, tryNumber: 1, dueAt: Date.now() + 60_000 };
    await q.queue.enqueueCancels([]);
    expect(await q.queue.queue.count()).toBe(0);
    await q.queue.enqueueCancels([first, retry]);
    expect(await q.queue.queue.getJobState(taskCancelJobId(first))).toBe('waiting');
    expect(await q.queue.queue.getJobState(taskCancelJobId(retry))).toBe('delayed');
    expect(await q.queue.hasCancelJob(first)).toBe(true);
    expect(await q.queue.hasCancelJob(retry)).toBe(true);
  });

  it('says a try has no live job once its job completed, and adds it again', async () => {
    const job = { taskInstanceId: randomUUID(), tryNumber: 1 };
    await q.queue.queue.add('task.run', job, { jobId: taskRunJobId(job), removeOnComplete: false });
    const seen = startWorker();
    await until(
      'the job to complete',
      async () => (await q.queue.queue.getJobState(taskRunJobId(job))) === 'completed',
    );
    expect(seen.calls).toHaveLength(1);
    expect(await q.queue.hasRunJob(job)).toBe(false);
    await q.closers.splice(0)[0]?.();
    await q.queue.enqueueRunsAgain([job]);
    expect(await q.queue.queue.getJobState(taskRunJobId(job))).toBe('waiting');
  });
});
