/**
 * The task queue: one BullMQ queue that carries `task.run`, `task.check`
 * and `task.cancel` jobs to workers. Adding is idempotent by job id.
 */
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
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
  readonly queue: Queue;

  constructor(opts: TaskQueueOptions) {
    this.queue = new Queue(TASK_QUEUE_NAME, {
      connection: opts.connection,
      prefix: opts.prefix ?? 'sluice',
      defaultJobOptions: baseJobOptions,
    });
  }

  /**
   * Adds one `task.run` job per try; a try already on the queue is not added
   * twice. In chunks: an addBulk builds every job before it writes the first,
   * so thousands at once would keep workers idle until all were built.
   */
  async enqueueRuns(jobs: readonly TaskRunJob[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += ENQUEUE_CHUNK) {
      await this.queue.addBulk(
        jobs
          .slice(i, i + ENQUEUE_CHUNK)
          .map((data) => ({ name: 'task.run', data, opts: { jobId: taskRunJobId(data) } })),
      );
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
  async enqueueRunsAgain(jobs: readonly TaskRunJob[]): Promise<void> {
    for (const data of jobs) {
      const id = taskRunJobId(data);
      const state = await this.queue.getJobState(id);
      if (state === 'failed' || state === 'completed') await this.queue.remove(id);
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
  async hasRunJob(job: TaskRunJob): Promise<boolean> {
    return this.hasJob(taskRunJobId(job));
  }

  private async hasJob(id: string): Promise<boolean> {
    const state = await this.queue.getJobState(id);
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
    await this.queue.obliterate({ force: true });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface TaskWorkerOptions extends TaskQueueOptions {
  concurrency: number;
  handlers: JobHandlers;
  /** How long a job may go without BullMQ's lock renewal before it counts as stalled. */
  lockDurationMs?: number;
  onError?: (err: Error, job?: Job) => void;
}

/** A BullMQ Worker that dispatches each job to its typed handler. */
export function createTaskWorker(opts: TaskWorkerOptions): Worker {
  const worker = new Worker(
    TASK_QUEUE_NAME,
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
