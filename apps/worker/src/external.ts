/**
 * Drives external operators (EMR, Glue) for the engine: `execute` starts or
 * adopts the job, `check` polls it, `cancel` stops it. A `waiting` answer
 * parks the try as deferred; a transient AWS failure does the same (the
 * next check tries again) instead of spending one of the task's retries.
 */
import { NonRetryableError, toError } from '@sluice/core';
import type { CancelOutcome, CancelRequest, ExecutionRequest, ExecutionResult } from '@sluice/engine';
import { renderOptions } from './templates';
import {
  describeWait,
  markerFor,
  type AwsSettings,
  type ExternalContext,
  type ExternalOperator,
  type ExternalRef,
  type ExternalStatus,
} from '@sluice/operators';

/** Thrown to fail a try when the external job itself failed; retried if the task has tries left. */
export class ExternalJobFailedError extends Error {
  override readonly name: string;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface ExternalDeps {
  operators: ReadonlyMap<string, ExternalOperator>;
  /** AWS settings for a task: its `aws` options, else its named connection, else the SDK's default chain. */
  resolveAws(options: Record<string, unknown>): Promise<AwsSettings>;
}

const isRef = (v: unknown): v is ExternalRef =>
  typeof v === 'object' && v !== null && typeof (v as { marker?: unknown }).marker === 'string';

function transient(err: Error): boolean {
  return err.name === 'TransientAwsError';
}

async function contextFor(req: ExecutionRequest, deps: ExternalDeps): Promise<ExternalContext> {
  const c = req.claim;
  const recorded = await req.externals();
  const run = { dagId: c.dagId, runId: c.runId, taskId: c.taskId, mapIndex: c.mapIndex };
  const taskMarkers = Array.from({ length: c.tryNumber }, (_, i) => markerFor(run, i + 1));
  const aws = await deps.resolveAws(req.task.operator.options);
  // The connection's credentials never show in the try's log, whatever an AWS error message repeats.
  if (aws.credentials) {
    for (const value of [aws.credentials.accessKeyId, aws.credentials.secretAccessKey, aws.credentials.sessionToken])
      if (value) req.maskSecret(value);
  }
  return {
    run: {
      ...run,
      logicalDate: c.logicalDate,
      dataInterval: { start: c.dataIntervalStart, end: c.dataIntervalEnd },
      conf: c.conf,
      tryNumber: c.tryNumber,
      maxTries: c.maxTries,
    },
    marker: markerFor(run, c.tryNumber),
    taskMarkers,
    cancelledMarkers: recorded.filter((r) => r.cancelRequested).map((r) => markerFor(run, r.tryNumber)),
    previousRefs: recorded.map((r) => r.external).filter(isRef),
    record: (ref) => req.recordExternal(ref),
    upstreamOutputs: req.upstreamOutputs,
    aws,
    log: (line) => req.log('stdout', `${line}\n`),
    signal: req.signal,
  };
}

async function toResult(req: ExecutionRequest, status: ExternalStatus): Promise<ExecutionResult> {
  switch (status.state) {
    case 'waiting':
      return {
        defer: true,
        external: status.ref,
        waitingOn: describeWait(status.ref),
        ...(status.againMs !== undefined && { checkAfterMs: status.againMs }),
      };
    case 'succeeded':
      return { output: status.output, external: status.ref };
    case 'failed': {
      await req.recordExternal(status.ref);
      const { name, message } = status.error;
      throw status.retryable ? new ExternalJobFailedError(name, message) : new NonRetryableError(`${name}: ${message}`);
    }
  }
}

export function createExternalRunner(deps: ExternalDeps) {
  const operatorFor = (kind: string): ExternalOperator => {
    const op = deps.operators.get(kind);
    if (!op) throw new NonRetryableError(`Unknown operator "${kind}"`);
    return op;
  };

  return {
    handles: (kind: string) => deps.operators.has(kind),

    async execute(req: ExecutionRequest): Promise<ExecutionResult> {
      const op = operatorFor(req.task.operator.kind);
      const options = op.compile(renderOptions(req.task.operator.options, req.claim, req.triggeringEvents));
      const ctx = await contextFor(req, deps);
      try {
        return await toResult(req, await op.start(options, ctx));
      } catch (raw) {
        const err = toError(raw);
        if (!transient(err)) throw err;
        req.log('system', `AWS is not answering (${err.message}); trying again at the next check\n`);
        return { defer: true, external: { type: 'pending', marker: ctx.marker, start: true } };
      }
    },

    async check(req: ExecutionRequest): Promise<ExecutionResult> {
      const op = operatorFor(req.task.operator.kind);
      const options = op.compile(renderOptions(req.task.operator.options, req.claim, req.triggeringEvents));
      const ctx = await contextFor(req, deps);
      const ref = (await req.externals()).find((r) => r.tryNumber === req.claim.tryNumber)?.external ?? null;
      try {
        // A try that could not reach AWS at start begins again from `start`, which adopts by marker.
        if (!isRef(ref) || (ref as { start?: unknown }).start === true)
          return await toResult(req, await op.start(options, ctx));
        return await toResult(req, await op.poll(options, ref, ctx));
      } catch (raw) {
        const err = toError(raw);
        if (!transient(err)) throw err;
        req.log('system', `AWS is not answering (${err.message}); checking again later\n`);
        return { defer: true, external: ref };
      }
    },

    async cancel(req: CancelRequest): Promise<CancelOutcome> {
      const op = deps.operators.get(req.task.operator.kind);
      if (!op || !isRef(req.external)) return { ended: true };
      // The options the try submitted with: rendered with its run's values, as `execute` did
      // (its triggering events are not read: a cancel names the job by its marker, not its arguments).
      const options = op.compile(renderOptions(req.task.operator.options, req.run, null));
      return op.cancel(options, req.external, { aws: await deps.resolveAws(req.task.operator.options), log: req.log });
    },
  };
}
