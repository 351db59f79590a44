/**
 * Callbacks on a worker. When a try ends, the worker records the callbacks
 * its end fires (the task's own for that event, else the DAG's) as
 * `callback_run` rows — once per try and event, by key — and queues a
 * `callback.run` job for each. A job makes one attempt: it claims it, runs
 * the callback with its timeout through the worker's CallbackRunner (a DAG
 * file's function in a task process; a notifier as platform code), and
 * records the outcome; a failed attempt is queued again after a backoff
 * until its attempts are used up. The scheduler re-enqueues attempts Redis
 * lost (`reconcileCallbackRuns`), and fires missed deadlines.
 */
import {
  callbacksForTry,
  serializeError,
  toError,
  tryCallbackEvent,
  type CallbackContextData,
  type CallbackEvent,
  type CallbackSpec,
  type ResolvedCallback,
} from '@sluice/core';
import {
  claimCallbackAttempt,
  finishCallbackAttempt,
  recordCallbackRuns,
  withoutNul,
  type CallbackAttempt,
  type ClaimedTry,
  type NewCallbackRun,
  type Queryable,
  type TryOutcome,
} from '@sluice/db';
import type { CallbackRunJob } from '@sluice/queue';
import type { CachedDagVersion } from './dag-cache';
import { retryTransient } from './record-outcome';
import type { EngineResources } from './resources';

/** One attempt at a callback, as the worker's runner gets it. */
export interface CallbackRequest {
  spec: CallbackSpec;
  /** Where the DAG file declares it: a function is looked up by (task or DAG, event, position). */
  taskId: string | null;
  event: CallbackEvent;
  position: number;
  version: CachedDagVersion;
  context: CallbackContextData;
  /** Aborted when the attempt's timeout passes. */
  signal: AbortSignal;
  log(line: string): void;
}

/** Runs callbacks for the worker; throws to fail the attempt. */
export interface CallbackRunner {
  run(req: CallbackRequest): Promise<void>;
}

/** Thrown when a callback attempt takes longer than its timeout. */
export class CallbackTimeoutError extends Error {
  override readonly name = 'CallbackTimeoutError';
}

/** Backoff between attempts: 1 s, 2 s, 4 s… up to a minute. */
export function callbackBackoffMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/** The rows a set of resolved callbacks is recorded as. */
export function callbackRows(
  callbacks: readonly ResolvedCallback[],
  at: { dagRunId: string; taskInstanceId: string | null; tryNumber: number | null },
): NewCallbackRun[] {
  return callbacks.map((c) => ({
    ...at,
    event: c.event,
    scope: c.scope.kind,
    position: c.index,
    kind: c.spec.type === 'function' ? 'function' : c.spec.notifier,
    maxAttempts: c.spec.retries + 1,
    timeoutMs: c.spec.timeoutMs,
  }));
}

/** Records and queues what a try's end fires. No query at all when its DAG declares no callback for it. */
export async function queueTryCallbacks(
  res: EngineResources,
  claim: ClaimedTry,
  version: CachedDagVersion,
  to: TryOutcome,
): Promise<void> {
  const event = tryCallbackEvent(to);
  const task = version.tasks.get(claim.taskId);
  if (event === null || !task) return;
  const callbacks = callbacksForTry(version.spec, task, event);
  if (callbacks.length === 0) return;
  const rows = callbackRows(callbacks, {
    dagRunId: claim.dagRunId,
    taskInstanceId: claim.taskInstanceId,
    tryNumber: claim.tryNumber,
  });
  try {
    const ids = await retryTransient(() => recordCallbackRuns(res.pool, rows));
    await res.queue.enqueueCallbacks(ids.map((callbackRunId) => ({ callbackRunId })));
  } catch (raw) {
    // The try's outcome is recorded; a callback that could not be queued is the scheduler's to re-enqueue.
    res.logger.error({ err: toError(raw), ...claim, event }, 'could not queue callbacks of a try');
  }
}

/**
 * Records and queues the callbacks of tries a scheduling pass failed (lost
 * worker, timeout), each only when the try did end that way: the pass's
 * write is conditional, and a worker that finished first keeps its outcome.
 */
export async function queueFailedTryCallbacks(
  res: EngineResources,
  version: CachedDagVersion,
  dagRunId: string,
  failed: ReadonlyArray<{ taskId: string; taskInstanceId: string; tryNumber: number; to: 'failed' | 'up_for_retry' }>,
): Promise<void> {
  for (const f of failed) {
    const event = tryCallbackEvent(f.to);
    const task = version.tasks.get(f.taskId);
    if (event === null || !task) continue;
    const callbacks = callbacksForTry(version.spec, task, event);
    if (callbacks.length === 0) continue;
    try {
      const ended = await res.pool.query<{ state: string }>(
        'SELECT state FROM task_try WHERE task_instance_id = $1 AND try_number = $2',
        [f.taskInstanceId, f.tryNumber],
      );
      if (ended.rows[0]?.state !== f.to) continue;
      const ids = await recordCallbackRuns(
        res.pool,
        callbackRows(callbacks, { dagRunId, taskInstanceId: f.taskInstanceId, tryNumber: f.tryNumber }),
      );
      await res.queue.enqueueCallbacks(ids.map((callbackRunId) => ({ callbackRunId })));
    } catch (raw) {
      res.logger.error({ err: toError(raw), dagRunId, taskId: f.taskId, event }, 'could not queue callbacks of a try');
    }
  }
}

/** Records the deadline-miss callbacks of runs (inside the caller's transaction); returns their ids. */
export function recordDeadlineCallbacks(
  db: Queryable,
  runs: ReadonlyArray<{ dagRunId: string; version: CachedDagVersion }>,
): Promise<string[]> {
  const rows = runs.flatMap(({ dagRunId, version }) =>
    callbackRows(
      (version.spec.callbacks?.onDeadlineMiss ?? []).map((spec, index) => ({
        scope: { kind: 'dag' as const },
        event: 'onDeadlineMiss' as const,
        index,
        spec,
      })),
      { dagRunId, taskInstanceId: null, tryNumber: null },
    ),
  );
  return recordCallbackRuns(db, rows);
}

/** Where the UI and API are, for links in callbacks (SLUICE_BASE_URL); null leaves links out. */
export interface CallbackLinks {
  baseUrl: string | null;
}

function contextOf(a: CallbackAttempt, version: CachedDagVersion, links: CallbackLinks): CallbackContextData {
  const base = links.baseUrl?.replace(/\/+$/, '') ?? null;
  const dagPath = `dags/${encodeURIComponent(a.dagId)}`;
  const runPath = `${dagPath}/runs/${encodeURIComponent(a.runId)}`;
  const task = a.taskId === null ? null : encodeURIComponent(a.taskId);
  return {
    event: a.event as CallbackEvent,
    dag: { dagId: a.dagId, owner: version.spec.owner },
    run: {
      runId: a.runId,
      logicalDate: a.logicalDate.toISOString(),
      dataIntervalStart: a.dataIntervalStart.toISOString(),
      dataIntervalEnd: a.dataIntervalEnd.toISOString(),
      conf: a.conf,
      state: a.runState,
      deadlineAt: a.deadlineAt?.toISOString() ?? null,
    },
    task:
      a.taskId === null
        ? null
        : {
            taskId: a.taskId,
            state: a.taskState ?? 'none',
            tryNumber: a.tryNumber ?? 0,
            maxTries: a.maxTries ?? 0,
          },
    error: a.tryError ? { name: a.tryError.name, message: a.tryError.message } : null,
    url: base === null ? null : `${base}/${runPath}${task === null ? '' : `?task=${task}`}`,
    logUrl:
      base === null || task === null ? null : `${base}/api/v1/${runPath}/tasks/${task}/logs?try=${a.tryNumber ?? 1}`,
  };
}

function specOf(a: CallbackAttempt, version: CachedDagVersion): CallbackSpec | undefined {
  const event = a.event as CallbackEvent;
  const specs =
    a.scope === 'task' && a.taskId !== null
      ? version.tasks.get(a.taskId)?.callbacks?.[event]
      : version.spec.callbacks?.[event];
  return specs?.[a.position];
}

/** A `callback.run` job: one attempt at a callback run. */
export async function runCallbackAttempt(
  res: EngineResources,
  runner: CallbackRunner,
  links: CallbackLinks,
  job: CallbackRunJob,
): Promise<void> {
  // Held past the timeout, so the scheduler does not hand it out while this attempt may still run.
  const attempt = await retryTransient(() =>
    claimCallbackAttempt(res.pool, { id: job.callbackRunId, graceMs: 30_000 }),
  );
  if (!attempt) return;
  const lines: string[] = [];
  const head = `attempt ${attempt.attempt} of ${attempt.maxAttempts}`;
  const where = { callbackRunId: attempt.id, dagId: attempt.dagId, runId: attempt.runId, taskId: attempt.taskId };
  let error: Error | null = null;
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new CallbackTimeoutError(`the callback took longer than ${attempt.timeoutMs} ms`)),
    attempt.timeoutMs,
  );
  try {
    const version = await res.dags.get(attempt.dagVersionId);
    const spec = specOf(attempt, version);
    if (!spec) throw new Error(`DAG version ${version.hash.slice(0, 12)} has no ${attempt.event} callback here`);
    const running = runner.run({
      spec,
      taskId: attempt.scope === 'task' ? attempt.taskId : null,
      event: attempt.event as CallbackEvent,
      position: attempt.position,
      version,
      context: contextOf(attempt, version, links),
      signal: controller.signal,
      log: (line) => lines.push(line),
    });
    running.catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
      running.then(resolve, reject);
    });
  } catch (raw) {
    error = toError(raw);
  } finally {
    clearTimeout(timer);
  }
  const said = lines.map((l) => `  ${l}\n`).join('');
  const outcome = error ? `failed: ${error.name}: ${error.message}` : 'succeeded';
  const finished = await retryTransient(() =>
    finishCallbackAttempt(res.pool, {
      id: attempt.id,
      ok: error === null,
      error: error ? withoutNul(serializeError(error)) : null,
      log: withoutNul(`${head} ${outcome}\n${said}`),
      retryInMs: callbackBackoffMs(attempt.attempt),
    }),
  );
  if (!finished) return;
  res.observe?.callbackAttempt({
    event: attempt.event,
    kind: attempt.kind,
    outcome: finished.state === 'success' ? 'success' : finished.state === 'failed' ? 'failed' : 'retry',
  });
  if (finished.state === 'success') res.logger.info({ ...where, event: attempt.event }, 'callback succeeded');
  else if (finished.state === 'failed')
    res.logger.error({ ...where, event: attempt.event, err: error }, 'callback failed; no attempts left');
  else {
    res.logger.warn({ ...where, event: attempt.event, err: error }, 'callback attempt failed; trying again');
    const dueAt = finished.nextAttemptAt?.getTime() ?? Date.now();
    await res.queue.enqueueCallbacks([{ callbackRunId: attempt.id, dueAt }]);
  }
}
