/**
 * Stopping the external job (EMR step, Glue run, cluster, crawl) of a try
 * that was taken away — cleared, timed out, marked. The intent is a
 * `cancel_request` row committed with the change that took the try away;
 * a `task.cancel` job makes one attempt at it on a worker (the scheduler
 * never calls AWS). An attempt that AWS answers transiently is retried with
 * backoff; one that asked AWS to stop the job is followed by another that
 * looks again, until AWS reports the job ended. Every attempt and its
 * outcome go to the try's log. Should Redis lose the job or the worker die
 * mid-attempt, the scheduler's pass enqueues the request again
 * (`reconcileCancelRequests`).
 */
import { toError, type TaskSpec } from '@sluice/core';
import {
  appendCancelLog,
  claimCancelAttempt,
  finishCancelAttempt,
  readTryForCancel,
  recordCancelAfterStop,
  type InterruptedTry,
} from '@sluice/db';
import type { TaskCancelJob } from '@sluice/queue';
import type { CachedDagVersion } from './dag-cache';
import type { EngineResources } from './resources';
import type { WorkerContext } from './task-execution';

/** The run values a try's options were rendered with (`{{ ds }}`, `{{ conf.x }}`…), so a cancel renders the same. */
export interface CancelRun {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  conf: Record<string, unknown>;
}

export interface CancelRequest {
  taskInstanceId: string;
  tryNumber: number;
  task: TaskSpec;
  version: CachedDagVersion;
  run: CancelRun;
  external: unknown;
  /** A line for the try's log (what was asked of AWS, what it answered). */
  log(line: string): void;
}

export interface CancelOutcome {
  /** AWS reports the job ended (cancelled, stopped, failed, completed) or there was none: nothing is left to do. */
  ended: boolean;
}

/** How long an attempt holds its request before the scheduler may hand it to another worker. */
const ATTEMPT_LEASE_MS = 2 * 60_000;
/** Backoff after a transient AWS failure: 1 s, 2 s, 4 s… up to 5 minutes. */
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 5 * 60_000;

export function cancelBackoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * A try its worker stopped while it had an external job going: record the
 * cancel request before the try's end is written, so a retry never adopts
 * the job. Its executionTimeout always asks. A try taken away by a clear or
 * a mark already has its request, reopened if an attempt already ended it:
 * the worker may have submitted after that attempt found nothing. A try the
 * scheduler handed to another worker (resumed as deferred, same try) keeps
 * its job. Returns whether a cancel is to be attempted.
 */
export async function requestCancelOfStoppedTry(
  res: EngineResources,
  t: InterruptedTry,
  why: unknown,
): Promise<boolean> {
  const timedOut = why instanceof Error && why.name === 'TaskTimeoutError';
  return recordCancelAfterStop(res.pool, t, timedOut ? 'timed out' : 'taken away', { unlessLive: !timedOut });
}

function isTransient(err: Error): boolean {
  return err.name === 'TransientAwsError' || (err as { transient?: unknown }).transient === true;
}

/** A `task.cancel` job: one attempt at a try's cancel request, if one is due. */
export async function cancelExternalJob(res: EngineResources, wc: WorkerContext, job: TaskCancelJob): Promise<void> {
  const { taskInstanceId, tryNumber } = job;
  const attempt = await claimCancelAttempt(res.pool, { taskInstanceId, tryNumber, leaseMs: ATTEMPT_LEASE_MS });
  if (!attempt) {
    res.logger.debug(job, 'no cancel attempt due for this try');
    return;
  }
  const lines: string[] = [];
  const writeLog = async (text: string) => {
    await appendCancelLog(res.pool, taskInstanceId, tryNumber, text).catch((raw: unknown) =>
      res.logger.error({ err: toError(raw), taskInstanceId, tryNumber }, 'could not write task log'),
    );
  };
  const finish = async (done: boolean, error: string | null, retryInMs: number) => {
    const next = await finishCancelAttempt(res.pool, { taskInstanceId, tryNumber, done, error, retryInMs });
    if (next) await res.queue.enqueueCancels([{ taskInstanceId, tryNumber, dueAt: next.getTime() }]);
  };
  const head = `cancel attempt ${attempt.attempt} (${attempt.reason})`;
  try {
    const row = await readTryForCancel(res.pool, taskInstanceId, tryNumber);
    const task = row ? (await res.dags.get(row.dagVersionId)).tasks.get(row.taskId) : undefined;
    if (!row || row.external === null || !task) {
      await writeLog(`${head}: the try recorded no external job; nothing to cancel`);
      await finish(true, null, 0);
      return;
    }
    const version = await res.dags.get(row.dagVersionId);
    res.logger.info(
      { dagId: row.dagId, runId: row.runId, taskId: row.taskId, tryNumber, attempt: attempt.attempt },
      'cancelling external job',
    );
    const outcome = await wc.execute.cancel({
      taskInstanceId,
      tryNumber,
      task,
      version,
      external: row.external,
      run: {
        dagId: row.dagId,
        runId: row.runId,
        taskId: row.taskId,
        tryNumber,
        logicalDate: row.logicalDate,
        dataIntervalStart: row.dataIntervalStart,
        dataIntervalEnd: row.dataIntervalEnd,
        conf: row.conf,
      },
      log: (line) => lines.push(line),
    });
    const said = lines.length > 0 ? `: ${lines.join('; ')}` : '';
    if (outcome.ended) {
      await writeLog(`${head}${said}\ncancel done: the external job has ended`);
      await finish(true, null, 0);
      return;
    }
    const delay = nextLookMs(res, attempt.requestedAt);
    await writeLog(`${head}${said}; looking again in ${formatMs(delay)} until AWS reports it ended`);
    await finish(false, null, delay);
  } catch (raw) {
    const err = toError(raw);
    const said = lines.length > 0 ? ` (${lines.join('; ')})` : '';
    if (isTransient(err)) {
      const delay = cancelBackoffMs(attempt.attempt);
      await writeLog(`${head} failed${said}: ${err.message}; trying again in ${formatMs(delay)}`);
      await finish(false, err.message, delay);
      return;
    }
    // AWS refused for good (access denied, a bad option): retrying cannot help.
    await writeLog(`${head} failed${said}: ${err.name}: ${err.message}; giving up`);
    res.logger.error({ err, taskInstanceId, tryNumber }, 'could not cancel external job');
    await finish(true, `${err.name}: ${err.message}`, 0);
  }
}

/** After AWS was asked to stop the job: look again at a tenth of the time since the request, within the deferred-check bounds. */
function nextLookMs(res: EngineResources, requestedAt: Date): number {
  const elapsed = res.now().getTime() - requestedAt.getTime();
  return Math.round(Math.min(res.settings.deferCheckMaxMs, Math.max(res.settings.deferCheckMinMs, elapsed / 10)));
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
