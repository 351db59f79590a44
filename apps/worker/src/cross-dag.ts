/**
 * The cross-DAG operators, run by the worker against Postgres:
 * `sluice.triggerDag` starts a run of another DAG (once per task instance:
 * its run id is derived from the task instance, so a retry, or a try adopted
 * after its worker died, finds the run instead of making a second), and with
 * `wait` parks the try as deferred until that run ends; `sluice.dagRunSensor`
 * waits, deferred, for another DAG's run at this run's logical date plus an
 * offset, or for one of its tasks. Every look is a short read; no slot is
 * held between looks and nothing of the other DAG's code runs here.
 */
import {
  NonRetryableError,
  runVerdict,
  sensedLogicalDate,
  taskVerdict,
  triggeredRunId,
  type CrossDagVerdict,
  type DagRunState,
  type TaskInstanceState,
} from '@sluice/core';
import {
  InvalidRequestError,
  NotFoundError,
  runAt,
  runStateOf,
  triggerOnce,
  type EngineResources,
  type ExecutionRequest,
  type ExecutionResult,
} from '@sluice/engine';
import {
  compileDagRunSensorOptions,
  compileTriggerDagOptions,
  markerFor,
  type TriggerDagOptions,
} from '@sluice/operators';
import { paceSensor } from './sensors';
import { renderOptions } from './templates';

export const TRIGGER_DAG = 'sluice.triggerDag';
export const DAG_RUN_SENSOR = 'sluice.dagRunSensor';

/** Fails a triggerDag try whose run ended in one of its failedStates; retried if tries remain (with resetDagRun, the retry runs it again). */
export class TriggeredRunFailedError extends Error {
  override readonly name = 'TriggeredRunFailedError';
}

/** What a triggerDag try records on itself: the run it made or found. */
interface TriggerRef {
  type: 'sluice.dagRun';
  marker: string;
  dagId: string;
  runId: string;
  state?: DagRunState;
}

const isTriggerRef = (v: unknown): v is TriggerRef =>
  typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'sluice.dagRun';

function targetOf(req: ExecutionRequest, options: TriggerDagOptions): { dagId: string; runId: string } {
  const c = req.claim;
  return { dagId: options.dagId, runId: options.runId ?? triggeredRunId(c) };
}

/** The try's result after a look at the run it triggered. */
function afterLook(options: TriggerDagOptions, ref: TriggerRef, state: DagRunState | null): ExecutionResult {
  const what = `run "${ref.runId}" of DAG "${ref.dagId}"`;
  const external = { ...ref, ...(state === null ? {} : { state }) };
  const verdict = runVerdict(what, state, options.allowedStates ?? ['success'], options.failedStates ?? ['failed']);
  switch (verdict.kind) {
    case 'succeeded':
      return { output: { runId: ref.runId, state: verdict.state }, external };
    case 'failed':
      throw new TriggeredRunFailedError(verdict.reason);
    case 'waiting':
      return {
        defer: true,
        external,
        checkAfterMs: options.pollIntervalMs ?? 60_000,
        waitingOn: verdict.reason,
      };
  }
}

function sensorOutcome(
  req: ExecutionRequest,
  verdict: CrossDagVerdict,
  output: Record<string, unknown>,
  external: Record<string, unknown>,
): ExecutionResult {
  switch (verdict.kind) {
    case 'succeeded':
      return { output: { ...output, state: verdict.state }, external };
    case 'failed':
      // Looking again would see the same end: fail now, without a retry.
      throw new NonRetryableError(verdict.reason);
    case 'waiting': {
      const paced = paceSensor(req, { defer: true, external }, null);
      return { ...paced, waitingOn: verdict.reason };
    }
  }
}

export function createCrossDagRunner(res: EngineResources): CrossDagRunner {
  async function trigger(req: ExecutionRequest): Promise<ExecutionResult> {
    const c = req.claim;
    const options = compileTriggerDagOptions(renderOptions(req.task.operator.options, c, req.triggeringEvents));
    const target = targetOf(req, options);
    const ref: TriggerRef = { type: 'sluice.dagRun', marker: markerFor(c, c.tryNumber), ...target };
    const recorded = await req.externals();
    const mine = recorded.some(
      (r) => r.tryNumber === c.tryNumber && isTriggerRef(r.external) && r.external.runId === target.runId,
    );
    // The intent first: a try whose worker dies from here on is resumed (not failed) and finds the run by its id.
    if (!mine) await req.recordExternal(ref);
    let made: Awaited<ReturnType<typeof triggerOnce>>;
    try {
      made = await triggerOnce(res, {
        ...target,
        conf: options.conf ?? {},
        logicalDate: options.logicalDate === undefined ? undefined : new Date(options.logicalDate),
        actor: `dag:${c.dagId}/${c.runId}/${c.taskId}`,
        // Never the run this very try made (it is adopting it after a crash): only an earlier try's.
        resetIfEnded: options.resetDagRun === true && !mine,
      });
    } catch (raw) {
      if (raw instanceof NotFoundError) throw new NonRetryableError(`triggerDag: ${raw.message}`);
      if (raw instanceof InvalidRequestError)
        throw new NonRetryableError(
          `triggerDag: ${raw.message}: ${raw.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        );
      throw raw;
    }
    const said = {
      created: `created run "${made.runId}" of DAG "${target.dagId}"`,
      found: `found run "${made.runId}" of DAG "${target.dagId}" (${made.state}), made by an earlier try`,
      reset: `cleared run "${made.runId}" of DAG "${target.dagId}" to run it again (resetDagRun)`,
    }[made.how];
    req.log('stdout', `${said}\n`);
    if (made.paused) req.log('stdout', `DAG "${target.dagId}" is paused: the run waits queued until it is unpaused\n`);
    const known = { ...ref, state: made.state };
    if (!options.wait) return { output: { runId: made.runId, state: made.state }, external: known };
    return afterLook(options, ref, made.state);
  }

  async function checkTrigger(req: ExecutionRequest): Promise<ExecutionResult> {
    const c = req.claim;
    const options = compileTriggerDagOptions(renderOptions(req.task.operator.options, c, req.triggeringEvents));
    const ref = (await req.externals()).find((r) => r.tryNumber === c.tryNumber)?.external;
    // A try parked before its run was known to exist (its worker died at the trigger) starts over, which finds it.
    if (!isTriggerRef(ref) || ref.state === undefined) return trigger(req);
    return afterLook(options, ref, await runStateOf(res, ref.dagId, ref.runId));
  }

  async function sense(req: ExecutionRequest): Promise<ExecutionResult> {
    const c = req.claim;
    const options = compileDagRunSensorOptions(renderOptions(req.task.operator.options, c, req.triggeringEvents));
    const at = sensedLogicalDate(c.logicalDate, options.logicalDateOffsetMs);
    const taskId = options.taskId ?? null;
    const seen = await runAt(res, options.dagId, at, taskId);
    if (seen === null) throw new NonRetryableError(`dagRunSensor: DAG "${options.dagId}" does not exist`);
    const external = {
      type: 'sluice.dagRunSensor',
      dagId: options.dagId,
      logicalDate: at.toISOString(),
      runId: seen.run?.runId ?? null,
      taskId,
    };
    const runWhat = seen.run
      ? `run "${seen.run.runId}" of DAG "${options.dagId}"`
      : `a run of DAG "${options.dagId}" at ${at.toISOString()}`;
    const verdict =
      taskId === null
        ? runVerdict(
            runWhat,
            seen.run?.state ?? null,
            options.allowedStates as DagRunState[],
            options.failedStates as DagRunState[],
          )
        : seen.run === null
          ? runVerdict(runWhat, null, [], [])
          : taskVerdict(
              `task "${taskId}" of ${runWhat}`,
              seen.taskState,
              options.allowedStates as TaskInstanceState[],
              options.failedStates as TaskInstanceState[],
            );
    return sensorOutcome(req, verdict, { dagId: options.dagId, runId: seen.run?.runId ?? null, taskId }, external);
  }

  return {
    handles: (kind: string) => kind === TRIGGER_DAG || kind === DAG_RUN_SENSOR,
    execute: (req: ExecutionRequest) => (req.task.operator.kind === TRIGGER_DAG ? trigger(req) : sense(req)),
    check: (req: ExecutionRequest) => (req.task.operator.kind === TRIGGER_DAG ? checkTrigger(req) : sense(req)),
  };
}

export interface CrossDagRunner {
  handles(kind: string): boolean;
  execute(req: ExecutionRequest): Promise<ExecutionResult>;
  check(req: ExecutionRequest): Promise<ExecutionResult>;
}
