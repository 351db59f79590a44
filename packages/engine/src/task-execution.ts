/**
 * One try, as a worker runs it: claim it (`queued → running`), execute the
 * operator with an AbortSignal that fires on executionTimeout or when the
 * try is taken away, record the outcome, then evaluate the task's direct
 * downstream at once (the fast path) instead of waiting for a poll.
 */
import {
  followedDownstream,
  NonRetryableError,
  TaskTimeoutError,
  isSkip,
  serializeError,
  toError,
  tryJitter,
  tryOutcome,
  type AssetEventData,
  type TaskSpec,
} from '@sluice/core';
import {
  appendTaskLogs,
  deferTaskTry,
  readTaskOutputs,
  readTriggeringEvents,
  readTryExternals,
  recordTryExternal,
  withoutNul,
  type ClaimedTry,
  type LogChunk,
  type TryOutcome,
} from '@sluice/db';
import type { TaskCheckJob, TaskRunJob } from '@sluice/queue';
import type { CachedDagVersion } from './dag-cache';
import { requestCancelOfStoppedTry, type CancelOutcome, type CancelRequest } from './external-cancel';
import type { Heartbeater } from './heartbeater';
import { TaskLogWriter, type LogStream, type LogWriterOptions } from './log-writer';
import { MaskedLog } from './masked-log';
import { recordOutcome, retryTransient, storableFinish } from './record-outcome';
import type { EngineResources } from './resources';
import { finishAndScheduleDownstream, finishesWithDownstream, scheduleDownstream } from './task-scheduling';
import { queueTryCallbacks } from './callbacks';
import { logTryEnd } from './event-log';
import { traceRunEnd } from './tracer';

export interface ExecutionRequest {
  claim: ClaimedTry;
  task: TaskSpec;
  version: CachedDagVersion;
  signal: AbortSignal;
  log: (stream: LogStream, text: string) => void;
  /** Outputs of the task's direct upstream tasks, by task id. */
  upstreamOutputs: ReadonlyMap<string, unknown>;
  /** The asset events that made an asset-triggered run, oldest first; empty for other runs. */
  triggeringEvents: readonly AssetEventData[];
  /**
   * What every try of this task instance recorded about its external job,
   * newest first (`tryNumber` says whose). Read on demand: shell and fn
   * tasks never ask, and spare the query.
   */
  externals(): Promise<ReadonlyArray<{ tryNumber: number; external: unknown; cancelRequested: boolean }>>;
  /** Persists what the try started (or is about to start) on the try, before and after a submit call. */
  recordExternal(external: unknown): Promise<void>;
  /**
   * Registers a secret the task is given (a connection's credentials, a
   * secret variable, an env value under a secret-looking name): from now on
   * it shows as `***` in the try's log and recorded error. Call it before
   * the task can print the value.
   */
  maskSecret(value: string): void;
}

export interface ExecutionResult {
  /** The task's return value; stored as JSON and readable by downstream tasks. */
  output?: unknown;
  /** What the try's external job is (ids, AWS state, console link), shown by the API. */
  external?: unknown;
  /** The external job is still going: park the try as `deferred` and check again later. */
  defer?: boolean;
  /** With `defer`: when to check again (a sensor's poke interval); default: the adaptive delay of nextCheckDelayMs. */
  checkAfterMs?: number;
  /** What a deferred try waits on, for its log ("step s-1 RUNNING"); the engine adds when it looks again. */
  waitingOn?: string;
  /** The metadata the task gave for its outlets' events, by URI (a `fn` task's ctx.outletEvent). */
  outletEvents?: ReadonlyArray<{ uri: string; extra: Record<string, unknown> }>;
}

/** The events a success records: one per outlet of the task, with the metadata the task gave for it or `{}`. */
export function outletEventsFor(
  task: TaskSpec,
  given: ExecutionResult['outletEvents'],
): Array<{ uri: string; extra: Record<string, unknown> }> {
  const byUri = new Map((given ?? []).map((e) => [e.uri, e.extra]));
  return (task.outlets ?? []).map((uri) => ({ uri, extra: byUri.get(uri) ?? {} }));
}

/** The log line of a try parked to wait: what it waits on and when it is checked next. */
export function waitingLine(waitingOn: string, delayMs: number): string {
  return `${waitingOn}, next check in ${Math.max(1, Math.round(delayMs / 1000))} s\n`;
}

/** Runs operators for the worker. Throws to fail the try (SkipTaskError to skip it). */
export interface TaskExecutor {
  /** The first call of a try. */
  execute(req: ExecutionRequest): Promise<ExecutionResult>;
  /** A re-check of a deferred try's external job. */
  check(req: ExecutionRequest): Promise<ExecutionResult>;
  /** Stops the external job a try started (says whether it has ended); a no-op for operators without one. */
  cancel(req: CancelRequest): Promise<CancelOutcome>;
}

export interface WorkerContext {
  hostname: string;
  /** The worker queues this worker serves (default: the default queue); the fast path takes only their tries. */
  queues?: ReadonlySet<string>;
  execute: TaskExecutor;
  heartbeater: Heartbeater;
  /** Largest output a task may return, as JSON bytes. */
  maxOutputBytes?: number;
  /** Told, without being awaited, of each try whose end was recorded (remote logs upload it). */
  afterTry?(claim: ClaimedTry): void;
}

const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/** Thrown when a task's return value cannot be stored as its output. */
export class OutputNotStorableError extends NonRetryableError {
  override readonly name = 'OutputNotStorableError';
}

/** A `task.run` job: the first call of a try. */
export function runTaskTry(res: EngineResources, wc: WorkerContext, job: TaskRunJob): Promise<void> {
  return executeTry(res, wc, job, 'queued');
}

/** A `task.check` job: look again at the external job a deferred try waits on. */
export function checkDeferredTry(res: EngineResources, wc: WorkerContext, job: TaskCheckJob): Promise<void> {
  return executeTry(res, wc, job, 'deferred');
}

/**
 * When to look again at an external job: a tenth of how long the try has
 * run, within [min, max], with ±20% jitter so many waits spread out.
 */
export function nextCheckDelayMs(
  elapsedMs: number,
  settings: { deferCheckMinMs: number; deferCheckMaxMs: number },
  random = Math.random,
): number {
  const base = Math.min(settings.deferCheckMaxMs, Math.max(settings.deferCheckMinMs, elapsedMs / 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** How a try that ran ended, as runClaimedTry hands it to recordEnd. */
interface TryEnd {
  outcome: {
    to: TryOutcome;
    nextRetryAt: Date | null;
    error: ReturnType<typeof serializeError> | null;
    outputJson?: string;
    external?: Record<string, unknown> | null;
    followed?: string[];
    outletEvents?: Array<{ uri: string; extra: Record<string, unknown> }>;
  };
  version: CachedDagVersion | null;
  /** The log lines not written yet: they go with the finish. */
  tail: LogChunk[];
  /** Set when the try was stopped from outside while it had an external job: its job may need cancelling. */
  stopped: { key: TryKey; reason: unknown } | null;
}

type TryKey = { taskInstanceId: string; tryNumber: number };

/** claim → run → record → continue: one try, then the next one this slot claimed with its promotion. */
async function executeTry(
  res: EngineResources,
  wc: WorkerContext,
  job: TryKey,
  from: 'queued' | 'deferred',
  claimed?: ClaimedTry,
): Promise<void> {
  const claim = claimed ?? (await claimTry(res, wc, job, from));
  if (!claim) {
    res.logger.debug(job, `try is not ${from} any more; nothing to do`);
    return;
  }
  const ended = await runClaimedTry(res, wc, claim, from);
  if (!ended) {
    res.observe?.deferredCheck('waiting');
    return;
  }
  if (from === 'deferred') res.observe?.deferredCheck('ended');
  const endedAt = performance.now();
  res.observe?.tryEnded({
    dagId: claim.dagId,
    taskId: claim.taskId,
    outcome: ended.outcome.to,
    seconds: (res.now().getTime() - claim.startedAt.getTime()) / 1000,
  });
  const next = await recordEnd(res, wc, claim, ended);
  // The next task runs here, in the slot this try held: claimed with its
  // promotion, it took no trip through Redis.
  if (next) {
    res.observe?.handoff((performance.now() - endedAt) / 1000);
    await executeTry(res, wc, next, 'queued', next);
  }
}

/** Claims the try; a claim Postgres could not take is tried again here rather than left to the reconciler. */
function claimTry(
  res: EngineResources,
  wc: WorkerContext,
  job: TryKey,
  from: 'queued' | 'deferred',
): Promise<ClaimedTry | null> {
  return retryTransient(
    () =>
      res.tries.claim({ taskInstanceId: job.taskInstanceId, tryNumber: job.tryNumber, hostname: wc.hostname, from }),
    {
      onRetry: (err, attempt) => {
        if (attempt === 1 || attempt % 20 === 0)
          res.logger.warn({ ...job, err, attempt }, 'could not claim a try; trying again');
      },
    },
  );
}

/** A deferred try checked again has lines already: its log goes on after them. */
function openLog(res: EngineResources, claim: ClaimedTry, from: 'queued' | 'deferred'): Promise<TaskLogWriter> {
  const key = { taskInstanceId: claim.taskInstanceId, tryNumber: claim.tryNumber };
  const opts: LogWriterOptions = {
    onWriteError: (err, info) =>
      info.dropped
        ? res.logger.error({ ...key, err, ...info }, 'could not write task log')
        : res.logger.warn({ ...key, err, ...info }, 'could not write task log yet; keeping it'),
  };
  return from === 'deferred'
    ? retryTransient(() => TaskLogWriter.continuing(res.pool, claim.taskInstanceId, claim.tryNumber, opts))
    : Promise.resolve(new TaskLogWriter(res.pool, claim.taskInstanceId, claim.tryNumber, opts));
}

/**
 * Runs the operator for a claimed try, with an AbortSignal that fires on
 * executionTimeout or when the heartbeat finds the try taken away. Returns
 * how it ended, or null when it parked as `deferred` (its check is queued).
 */
async function runClaimedTry(
  res: EngineResources,
  wc: WorkerContext,
  claim: ClaimedTry,
  from: 'queued' | 'deferred',
): Promise<TryEnd | null> {
  const key = { taskInstanceId: claim.taskInstanceId, tryNumber: claim.tryNumber };
  const log = new MaskedLog(await openLog(res, claim, from));
  const controller = new AbortController();
  wc.heartbeater.add({ ...key, abort: (e) => controller.abort(e) });
  let timeout: NodeJS.Timeout | null = null;
  let outcome: TryEnd['outcome'];
  let version: CachedDagVersion | null = null;
  let recorded = false;
  let execution: Promise<ExecutionResult> | null = null;
  try {
    version = await res.dags.get(claim.dagVersionId);
    const task = version.tasks.get(claim.taskId);
    if (!task) throw new NonRetryableError(`Task "${claim.taskId}" is not in DAG version ${version.hash}`);
    if (task.executionTimeoutMs !== null) {
      const ms = task.executionTimeoutMs;
      // Measured from the try's start: a deferred try's waits count too.
      const left = ms - (res.now().getTime() - claim.startedAt.getTime());
      timeout = setTimeout(() => controller.abort(new TaskTimeoutError(ms)), Math.max(0, left));
    }
    if (from === 'queued') log.write('system', `try ${claim.tryNumber} of ${claim.maxTries} on ${wc.hostname}\n`);
    const mapped = new Set(task.upstream.filter((up) => version?.tasks.get(up)?.map !== undefined));
    const upstreamOutputs = await readTaskOutputs(res.pool, claim.dagRunId, task.upstream, mapped);
    const triggeringEvents =
      claim.runType === 'asset_triggered' ? await readTriggeringEvents(res.pool, claim.dagRunId) : [];
    let externals: ReturnType<ExecutionRequest['externals']> | null = null;
    const req: ExecutionRequest = {
      claim,
      task,
      version,
      signal: controller.signal,
      log: (s, t) => log.write(s, t),
      upstreamOutputs,
      triggeringEvents,
      externals: () => (externals ??= readTryExternals(res.pool, claim.taskInstanceId)),
      recordExternal: async (external) => {
        recorded = true;
        await recordTryExternal(res.pool, { ...key, external });
      },
      maskSecret: (value) => log.masker.add(value),
    };
    const run = () => (from === 'queued' ? wc.execute.execute(req) : wc.execute.check(req));
    execution = res.trace ? res.trace.inTry(claim, run) : run();
    const result = await abortable(execution, controller.signal);
    if (result.defer) {
      if (timeout) clearTimeout(timeout);
      wc.heartbeater.remove(claim.taskInstanceId, claim.tryNumber);
      const delay =
        result.checkAfterMs ?? nextCheckDelayMs(res.now().getTime() - claim.startedAt.getTime(), res.settings);
      if (result.waitingOn) log.write('system', waitingLine(result.waitingOn, delay));
      log.end();
      await parkDeferred(res, wc, claim, log.writer, result, delay);
      return null;
    }
    const outputJson = encodeOutput(result.output, wc.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    const follows = followedDownstream(task, result.output);
    if (!follows.ok) throw new NonRetryableError(follows.message);
    const outletEvents = outletEventsFor(task, result.outletEvents);
    outcome = {
      to: 'success',
      nextRetryAt: null,
      error: null,
      ...(outputJson === undefined ? {} : { outputJson }),
      ...(follows.followed === null ? {} : { followed: follows.followed }),
      ...(result.external === undefined ? {} : { external: result.external as Record<string, unknown> }),
      ...(outletEvents.length === 0 ? {} : { outletEvents }),
    };
  } catch (raw) {
    const err = toError(
      controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason : raw,
    );
    const failed = failureOutcome(err, claim, version?.tasks.get(claim.taskId) ?? null, res.now());
    outcome = failed.error ? { ...failed, error: log.maskError(failed.error) } : failed;
    log.write(isSkip(err) ? 'system' : 'stderr', `${err.stack ?? `${err.name}: ${err.message}`}\n`);
    // A try stopped from outside (cleared, marked, timed out): its command is
    // being killed. Wait for it to go, within a grace, so it does not run on
    // beside the slot's next try and its last output joins the try's log.
    if (controller.signal.aborted && execution) await settledWithin(execution, STOPPED_TRY_GRACE_MS);
  } finally {
    if (timeout) clearTimeout(timeout);
    wc.heartbeater.remove(claim.taskInstanceId, claim.tryNumber);
  }
  log.write('system', `try ${claim.tryNumber} ended: ${outcome.to}\n`);
  log.end();
  const tail = await log.writer.takePending().catch((raw: unknown) => {
    res.logger.error({ err: toError(raw) }, 'could not write task log');
    return [];
  });
  const stopped =
    controller.signal.aborted && (recorded || from === 'deferred') ? { key, reason: controller.signal.reason } : null;
  return { outcome, version, tail, stopped };
}

/** Parks a try whose external job is still going as `deferred`, and queues its next check. */
async function parkDeferred(
  res: EngineResources,
  wc: WorkerContext,
  claim: ClaimedTry,
  log: TaskLogWriter,
  result: ExecutionResult,
  delay: number,
): Promise<void> {
  const key = { taskInstanceId: claim.taskInstanceId, tryNumber: claim.tryNumber };
  await log.flush().catch((raw: unknown) => res.logger.error({ err: toError(raw) }, 'could not write task log'));
  const dueAt = res.now().getTime() + delay;
  const parked = await recordOutcome(res, wc.heartbeater, key, () =>
    deferTaskTry(res.pool, { ...key, external: withoutNul(result.external ?? null), nextCheckAt: new Date(dueAt) }),
  );
  if (parked) await res.queue.enqueueCheck({ ...key, dueAt });
}

/**
 * Records how the try ended — retried until Postgres takes it, so the
 * command is never run again for want of a write — asks for its external
 * job to be cancelled when it was stopped, and evaluates its direct
 * downstream (the fast path). Returns the next try this slot claimed, if any.
 */
async function recordEnd(
  res: EngineResources,
  wc: WorkerContext,
  claim: ClaimedTry,
  ended: TryEnd,
): Promise<ClaimedTry | null> {
  const key = { taskInstanceId: claim.taskInstanceId, tryNumber: claim.tryNumber };
  const { outcome, version, tail, stopped } = ended;
  const cancelling =
    stopped !== null && (await retryTransient(() => requestCancelOfStoppedTry(res, stopped.key, stopped.reason)));
  const finishArgs = { ...storableFinish({ ...key, ...outcome }), logs: tail };
  // A success whose downstream needs no look at other upstreams is recorded
  // in the round trip that schedules that downstream.
  const withDownstream = outcome.to === 'success' && version !== null && finishesWithDownstream(version, claim.taskId);
  const together = withDownstream
    ? await recordOutcome(res, wc.heartbeater, key, () =>
        finishAndScheduleDownstream(res, claim, finishArgs, wc.hostname, wc.queues),
      )
    : null;
  const finished = together
    ? together.finished
    : await recordOutcome(res, wc.heartbeater, key, () => res.tries.finish(finishArgs));
  // A try taken away keeps its log all the same.
  if (!finished) await retryTransient(() => appendTaskLogs(res.pool, claim.taskInstanceId, claim.tryNumber, tail));
  // A try stopped from outside (timeout, clear) may leave its external job going.
  if (stopped && cancelling) await res.queue.enqueueCancels([stopped.key]);
  if (!finished) {
    res.logger.info(key, 'try was taken away while it ran; outcome dropped');
    return null;
  }
  logTryEnd(res, claim, outcome.to, outcome.nextRetryAt, outcome.error);
  if (res.trace) {
    res.trace.tryEnded(claim, {
      state: outcome.to,
      endedAt: res.now(),
      pool: version?.tasks.get(claim.taskId)?.pool ?? 'unknown',
      hostname: wc.hostname,
      error: outcome.error,
    });
    if (finished.runState !== null) await traceRunEnd(res, claim.dagRunId);
  }
  wc.afterTry?.(claim);
  if (version) await queueTryCallbacks(res, claim, version, outcome.to);
  // Nothing is left to evaluate in a run this try ended.
  if (outcome.to === 'up_for_retry' || finished.runState !== null) return null;
  if (together) return together.next;
  return scheduleDownstream(res, claim.dagRunId, claim.dagVersionId, [claim.taskId], {
    succeeded: outcome.to === 'success',
    claimFor: wc.hostname,
    ...(wc.queues ? { claimQueues: wc.queues } : {}),
  });
}

/** How a failed try ends, as core's one rule for every try says (the same retry time the scheduler would give it). */
function failureOutcome(err: Error, claim: ClaimedTry, task: TaskSpec | null, now: Date) {
  const outcome = tryOutcome({
    ending: { kind: 'error', error: err },
    tryNumber: claim.tryNumber,
    maxTries: claim.maxTries,
    retry: task?.retry ?? null,
    now,
    random: tryJitter(claim.dagId, claim.dagRunId, claim.taskId, claim.tryNumber),
  });
  switch (outcome.type) {
    case 'skip':
      return { to: 'skipped' as const, nextRetryAt: null, error: null };
    case 'retry':
      return { to: 'up_for_retry' as const, nextRetryAt: outcome.at, error: serializeError(err) };
    case 'fail':
    case 'success':
    case 'resume-deferred':
      // A thrown error is never a success nor a lost worker.
      return { to: 'failed' as const, nextRetryAt: null, error: serializeError(err) };
  }
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
    throw new OutputNotStorableError(
      `The task's return value is ${Buffer.byteLength(json)} bytes as JSON; outputs are limited to ${maxBytes}`,
    );
  }
  return json;
}

/**
 * How long a stopped try's execution may take to end after its signal:
 * longer than a shell command's SIGTERM → SIGKILL grace (5 s), short enough
 * that a function ignoring the signal does not hold the slot for long.
 */
const STOPPED_TRY_GRACE_MS = 6_000;

/** Resolves when `p` settles or `ms` have passed, whichever is first. */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | null = null;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([p.then(noop, noop), elapsed]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

const noop = (): void => undefined;

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
