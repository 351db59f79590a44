/**
 * One try, as a worker runs it: claim it (`queued → running`), execute the
 * operator with an AbortSignal that fires on executionTimeout or when the
 * try is taken away, record the outcome, then evaluate the task's direct
 * downstream at once (the fast path) instead of waiting for a poll.
 */
import {
  NonRetryableError,
  TaskTimeoutError,
  isNonRetryable,
  isSkip,
  nextTryAt,
  retryAfterMs,
  serializeError,
  toError,
  type TaskSpec,
} from '@sluice/core';
import { claimTaskTry, finishTaskTry, readTaskOutputs, type ClaimedTry, type TryOutcome } from '@sluice/db';
import type { TaskRunJob } from '@sluice/queue';
import type { CachedDagVersion } from './dag-cache';
import type { Heartbeater } from './heartbeater';
import { TaskLogWriter, type LogStream } from './log-writer';
import type { EngineResources } from './resources';
import { scheduleDownstream } from './task-scheduling';

export interface ExecutionRequest {
  claim: ClaimedTry;
  task: TaskSpec;
  version: CachedDagVersion;
  signal: AbortSignal;
  log: (stream: LogStream, text: string) => void;
  /** Outputs of the task's direct upstream tasks, by task id. */
  upstreamOutputs: ReadonlyMap<string, unknown>;
}

export interface ExecutionResult {
  /** The task's return value; stored as JSON and readable by downstream tasks. */
  output?: unknown;
}

/** Runs one operator. Throws to fail the try (SkipTaskError to skip it). */
export type TaskExecutor = (req: ExecutionRequest) => Promise<ExecutionResult>;

export interface WorkerContext {
  hostname: string;
  execute: TaskExecutor;
  heartbeater: Heartbeater;
  /** Largest output a task may return, as JSON bytes. */
  maxOutputBytes?: number;
}

const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/** Thrown when a task's return value cannot be stored as its output. */
export class OutputNotStorableError extends NonRetryableError {
  override readonly name = 'OutputNotStorableError';
}

export async function runTaskTry(res: EngineResources, wc: WorkerContext, job: TaskRunJob): Promise<void> {
  const claim = await claimTaskTry(res.pool, { ...job, hostname: wc.hostname });
  if (!claim) {
    res.logger.debug(job, 'try is not queued any more; nothing to run');
    return;
  }
  const log = new TaskLogWriter(res.pool, claim.taskInstanceId, claim.tryNumber);
  const controller = new AbortController();
  wc.heartbeater.add({ taskInstanceId: claim.taskInstanceId, tryNumber: claim.tryNumber, abort: (e) => controller.abort(e) });
  let timeout: NodeJS.Timeout | null = null;
  let outcome: { to: TryOutcome; nextRetryAt: Date | null; error: ReturnType<typeof serializeError> | null; outputJson?: string };
  let version: CachedDagVersion | null = null;
  try {
    version = await res.dags.get(claim.dagVersionId);
    const task = version.tasks.get(claim.taskId);
    if (!task) throw new NonRetryableError(`Task "${claim.taskId}" is not in DAG version ${version.hash}`);
    if (task.executionTimeoutMs !== null) {
      const ms = task.executionTimeoutMs;
      timeout = setTimeout(() => controller.abort(new TaskTimeoutError(ms)), ms);
    }
    log.write('system', `try ${claim.tryNumber} of ${claim.maxTries} on ${wc.hostname}\n`);
    const upstreamOutputs = await readTaskOutputs(res.pool, claim.dagRunId, task.upstream);
    const result = await abortable(
      wc.execute({ claim, task, version, signal: controller.signal, log: (s, t) => log.write(s, t), upstreamOutputs }),
      controller.signal,
    );
    const outputJson = encodeOutput(result.output, wc.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    outcome = { to: 'success', nextRetryAt: null, error: null, ...(outputJson === undefined ? {} : { outputJson }) };
  } catch (raw) {
    const err = toError(controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason : raw);
    outcome = failureOutcome(err, claim, version?.tasks.get(claim.taskId) ?? null, res.now());
    log.write(isSkip(err) ? 'system' : 'stderr', `${err.stack ?? `${err.name}: ${err.message}`}\n`);
  } finally {
    if (timeout) clearTimeout(timeout);
    wc.heartbeater.remove(claim.taskInstanceId, claim.tryNumber);
  }
  log.write('system', `try ${claim.tryNumber} ended: ${outcome.to}\n`);
  await log.flush().catch((raw: unknown) => res.logger.error({ err: toError(raw) }, 'could not write task log'));
  const finished = await finishTaskTry(res.pool, { taskInstanceId: claim.taskInstanceId, tryNumber: claim.tryNumber, ...outcome });
  if (!finished) {
    res.logger.info({ taskInstanceId: claim.taskInstanceId, tryNumber: claim.tryNumber }, 'try was taken away while it ran; outcome dropped');
    return;
  }
  if (outcome.to !== 'up_for_retry') await scheduleDownstream(res, claim.dagRunId, claim.dagVersionId, [claim.taskId]);
}

function failureOutcome(err: Error, claim: ClaimedTry, task: TaskSpec | null, now: Date) {
  const error = serializeError(err);
  if (isSkip(err)) return { to: 'skipped' as const, nextRetryAt: null, error: null };
  const triesLeft = claim.tryNumber < claim.maxTries;
  if (!triesLeft || isNonRetryable(err) || !task) return { to: 'failed' as const, nextRetryAt: null, error };
  const asked = retryAfterMs(err);
  const nextRetryAt = asked !== null ? new Date(now.getTime() + asked) : nextTryAt(task.retry, claim.tryNumber, now);
  return { to: 'up_for_retry' as const, nextRetryAt, error };
}

function encodeOutput(value: unknown, maxBytes: number): string | undefined {
  if (value === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (raw) {
    throw new OutputNotStorableError(`The task's return value is not JSON-serialisable: ${toError(raw).message}`);
  }
  if (json === undefined) return undefined;
  if (Buffer.byteLength(json) > maxBytes) {
    throw new OutputNotStorableError(`The task's return value is ${Buffer.byteLength(json)} bytes as JSON; outputs are limited to ${maxBytes}`);
  }
  return json;
}

/** Settles with the signal's reason as soon as it aborts, even if `p` ignores the signal. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
