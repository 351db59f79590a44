/**
 * The job catalog: every BullMQ job Sluice sends, by name, with its payload
 * schema. Redis carries only these ids; everything else is read from Postgres.
 */
import { z } from 'zod';

export const TaskRunJob = z.object({
  taskInstanceId: z.string().uuid(),
  tryNumber: z.number().int().positive(),
});
export type TaskRunJob = z.infer<typeof TaskRunJob>;

/**
 * Re-check the external job a deferred try waits on. `dueAt` (epoch ms) is
 * when the check was planned: it makes the id unique per check and the same
 * when the reconciler re-adds a check Redis lost.
 */
export const TaskCheckJob = z.object({
  taskInstanceId: z.string().uuid(),
  tryNumber: z.number().int().positive(),
  dueAt: z.number().int().nonnegative(),
});
export type TaskCheckJob = z.infer<typeof TaskCheckJob>;

/**
 * Make an attempt at the try's cancel request (its external job is to be
 * stopped: cleared, timed out, marked failed). The request lives in
 * Postgres; this job only says when to look at it. `dueAt` (epoch ms) is
 * when the attempt is due: absent for the first, right after the request
 * commits; a retry or the scheduler's re-enqueue gives it, which makes the
 * id unique per attempt.
 */
export const TaskCancelJob = z.object({
  taskInstanceId: z.string().uuid(),
  tryNumber: z.number().int().positive(),
  dueAt: z.number().int().nonnegative().optional(),
});
export type TaskCancelJob = z.infer<typeof TaskCancelJob>;

/**
 * Make an attempt at a callback run (onFailure, onRetry, onSuccess,
 * onDeadlineMiss). The callback lives in Postgres; `dueAt` (epoch ms) makes
 * the id unique per attempt, absent for the first.
 */
export const CallbackRunJob = z.object({
  callbackRunId: z.string().uuid(),
  dueAt: z.number().int().nonnegative().optional(),
});
export type CallbackRunJob = z.infer<typeof CallbackRunJob>;

export const jobCatalog = {
  'task.run': TaskRunJob,
  'task.check': TaskCheckJob,
  'task.cancel': TaskCancelJob,
  'callback.run': CallbackRunJob,
} as const;
export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.infer<(typeof jobCatalog)[N]>;

/** A handler for every job name: a missing one fails to compile. */
export type JobHandlers = { [N in JobName]: (payload: JobPayload<N>) => Promise<void> };

export function parseJob<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return jobCatalog[name].parse(data) as JobPayload<N>;
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobCatalog, name);
}

/**
 * Deterministic job ids make a double enqueue a no-op. BullMQ rejects `:` in
 * custom ids, so the parts are joined with `_`.
 */
export function taskRunJobId(job: TaskRunJob): string {
  return `run_${job.taskInstanceId}_${job.tryNumber}`;
}

export function taskCheckJobId(job: TaskCheckJob): string {
  return `check_${job.taskInstanceId}_${job.tryNumber}_${job.dueAt}`;
}

export function taskCancelJobId(job: TaskCancelJob): string {
  return `cancel_${job.taskInstanceId}_${job.tryNumber}_${job.dueAt ?? 0}`;
}

export function callbackRunJobId(job: CallbackRunJob): string {
  return `callback_${job.callbackRunId}_${job.dueAt ?? 0}`;
}
