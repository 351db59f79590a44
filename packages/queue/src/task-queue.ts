/**
 * The task queues: the default BullMQ queue carries `task.run`, `task.check`,
 * `task.cancel` and `callback.run` jobs to workers; a task that names a
 * worker queue has its `task.run` jobs on a BullMQ queue of that name,
 * which only workers serving it consume. Adding is idempotent by job id.
 */
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { DEFAULT_QUEUE } from '@sluice/core';
import type { Redis } from 'ioredis';
import {
  callbackRunJobId,
  isJobName,
  parseJob,
  taskCancelJobId,
  taskCheckJobId,
  taskRunJobId,
  type CallbackRunJob,
  type JobHandlers,
  type TaskCancelJob,
  type TaskCheckJob,
  type TaskRunJob,
} from './jobs';

export const TASK_QUEUE_NAME = 'sluice-tasks';

/** The BullMQ queue of a worker queue: the default one keeps the name it always had. */
export function bullQueueName(queue: string): string {
  return queue === DEFAULT_QUEUE ? TASK_QUEUE_NAME : `${TASK_QUEUE_NAME}.${queue}`;
}

/** A try to put on the queue its task names (absent: the default queue). */
export interface QueuedRun extends TaskRunJob {
  queue?: string;
}

/** Jobs per addBulk. */
const ENQUEUE_CHUNK = 100;

export interface TaskQueueOptions {
  connection: Redis;
  /** Redis key prefix; tests use a random one to stay apart. */
  prefix?: string;
}

const baseJobOptions: JobsOptions = {
  // The database records outcomes; Redis keeps nothing it would need again.
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
  attempts: 1,
};

export class TaskQueue {
  /** The default queue. */
  readonly queue: Queue;
  /** Named worker queues, opened when a try is first sent to one. */
  private readonly named = new Map<string, Queue>();

  constructor(private readonly opts: TaskQueueOptions) {
    this.queue = this.open(DEFAULT_QUEUE);
  }

  private open(queue: string): Queue {
    return new Queue(bullQueueName(queue), {
      connection: this.opts.connection,
      prefix: this.opts.prefix ?? 'sluice',
      defaultJobOptions: baseJobOptions,
    });
  }

  /** The BullMQ queue of a try's worker queue. */
  private queueOf(run: QueuedRun): Queue {
    if (run.queue === undefined || run.queue === DEFAULT_QUEUE) return this.queue;
    let q = this.named.get(run.queue);
    if (!q) {
      q = this.open(run.queue);
      this.named.set(run.queue, q);
    }
    return q;
  }

  /**
   * Adds one `task.run` job per try; a try already on the queue is not added
   * twice. In chunks: an addBulk builds every job before it writes the first,
   * so thousands at once would keep workers idle until all were built.
   */
  async enqueueRuns(jobs: readonly QueuedRun[]): Promise<void> {
    const byQueue = new Map<Queue, TaskRunJob[]>();
    for (const run of jobs) {
      const q = this.queueOf(run);
      const list = byQueue.get(q) ?? [];
      list.push({ taskInstanceId: run.taskInstanceId, tryNumber: run.tryNumber });
      byQueue.set(q, list);
    }
    for (const [q, list] of byQueue) {
      for (let i = 0; i < list.length; i += ENQUEUE_CHUNK) {
        await q.addBulk(
          list
            .slice(i, i + ENQUEUE_CHUNK)
            .map((data) => ({ name: 'task.run', data, opts: { jobId: taskRunJobId(data) } })),
        );
      }
    }
  }

  /**
   * Adds the `task.run` job of tries Redis does not hold live, as the
   * reconciler does. A job with the same id that failed (a claim that threw,
   * say) or completed is removed first: BullMQ ignores an add whose id it
   * still holds in any state, which would leave the try queued for ever. A
   * live job (waiting, delayed, active) is left alone, so this stays a no-op
   * for a try that is on the queue.
   */
  async enqueueRunsAgain(jobs: readonly QueuedRun[]): Promise<void> {
    for (const data of jobs) {
      const id = taskRunJobId(data);
      const q = this.queueOf(data);
      const state = await q.getJobState(id);
      if (state === 'failed' || state === 'completed') await q.remove(id);
    }
    await this.enqueueRuns(jobs);
  }

  /** Plans a re-check of a deferred try at `job.dueAt`. */
  async enqueueCheck(job: TaskCheckJob): Promise<void> {
    await this.queue.add('task.check', job, { jobId: taskCheckJobId(job), delay: Math.max(0, job.dueAt - Date.now()) });
  }

  /** Plans attempts at cancel requests: now, or at each job's `dueAt`. */
  async enqueueCancels(jobs: readonly TaskCancelJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const now = Date.now();
    await this.queue.addBulk(
      jobs.map((data) => ({
        name: 'task.cancel',
        data,
        opts: {
          jobId: taskCancelJobId(data),
          ...(data.dueAt === undefined ? {} : { delay: Math.max(0, data.dueAt - now) }),
        },
      })),
    );
  }

  /** Plans attempts at callback runs: now, or at each job's `dueAt`. */
  async enqueueCallbacks(jobs: readonly CallbackRunJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const now = Date.now();
    await this.queue.addBulk(
      jobs.map((data) => ({
        name: 'callback.run',
        data,
        opts: {
          jobId: callbackRunJobId(data),
          ...(data.dueAt === undefined ? {} : { delay: Math.max(0, data.dueAt - now) }),
        },
      })),
    );
  }

  async hasCallbackJob(job: CallbackRunJob): Promise<boolean> {
    return this.hasJob(callbackRunJobId(job));
  }

  async hasCancelJob(job: TaskCancelJob): Promise<boolean> {
    return this.hasJob(taskCancelJobId(job));
  }

  async hasCheckJob(job: TaskCheckJob): Promise<boolean> {
    return this.hasJob(taskCheckJobId(job));
  }

  /** True when the job for this try is still waiting, delayed or active in Redis. */
  async hasRunJob(job: QueuedRun): Promise<boolean> {
    return this.hasJob(taskRunJobId(job), this.queueOf(job));
  }

  private async hasJob(id: string, q: Queue = this.queue): Promise<boolean> {
    const state = await q.getJobState(id);
    return (
      state === 'waiting' ||
      state === 'active' ||
      state === 'delayed' ||
      state === 'prioritized' ||
      state === 'waiting-children'
    );
  }

  /** Deletes the queue and every job in it from Redis (tests; `sluice` never needs it). */
  async obliterate(): Promise<void> {
    for (const q of [this.queue, ...this.named.values()]) await q.obliterate({ force: true });
  }

  async close(): Promise<void> {
    for (const q of [this.queue, ...this.named.values()]) await q.close();
  }
}

export interface TaskWorkerOptions extends TaskQueueOptions {
  /** The worker queue it consumes (default: the default queue, which also carries checks, cancels and callbacks). */
  queue?: string;
  concurrency: number;
  handlers: JobHandlers;
  /** How long a job may go without BullMQ's lock renewal before it counts as stalled. */
  lockDurationMs?: number;
  onError?: (err: Error, job?: Job) => void;
}

/** A BullMQ Worker that dispatches each job to its typed handler. */
export function createTaskWorker(opts: TaskWorkerOptions): Worker {
  const worker = new Worker(
    bullQueueName(opts.queue ?? DEFAULT_QUEUE),
    async (job: Job) => {
      const name = job.name;
      if (!isJobName(name)) throw new Error(`Unknown job name "${name}"`);
      switch (name) {
        case 'task.run':
          return opts.handlers['task.run'](parseJob('task.run', job.data));
        case 'task.check':
          return opts.handlers['task.check'](parseJob('task.check', job.data));
        case 'task.cancel':
          return opts.handlers['task.cancel'](parseJob('task.cancel', job.data));
        case 'callback.run':
          return opts.handlers['callback.run'](parseJob('callback.run', job.data));
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix ?? 'sluice',
      concurrency: opts.concurrency,
      lockDuration: opts.lockDurationMs ?? 30_000,
      // A job whose worker died is not re-run by BullMQ: the database's
      // heartbeat check decides what happens to its try.
      maxStalledCount: 0,
    },
  );
  worker.on('error', (err) => opts.onError?.(err));
  worker.on('failed', (job, err) => opts.onError?.(err, job));
  return worker;
}
