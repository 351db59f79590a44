/**
 * Picks the operator for a task and runs it. The only place that knows the
 * full list of operators; an unknown one fails the try without retries.
 */
import { NonRetryableError, SkipTaskError } from '@sluice/core';
import type { ExecutionRequest, ExecutionResult, TaskExecutor } from '@sluice/engine';
import { ShellCommandError, compileShellOptions, runShell, type ShellOptions } from '@sluice/operators';
import { outletEventsOf, pokeOf } from '@sluice/sdk';
import type { CrossDagRunner } from './cross-dag';
import { createExternalRunner, type ExternalDeps } from './external';
import { isSensor, paceSensor } from './sensors';

export interface ExecutorDeps extends ExternalDeps {
  /** Runs a `fn` task's function from its DAG version's bundle. */
  runFunction(req: ExecutionRequest): Promise<unknown>;
  /** A shell task's own env resolved: variables read, its connection's AWS_* added, secrets registered for masking. */
  shellEnv(req: ExecutionRequest, options: ShellOptions): Promise<Record<string, string>>;
  /** Runs the cross-DAG operators (`sluice.triggerDag`, `sluice.dagRunSensor`) against Postgres. */
  crossDag: CrossDagRunner;
}

/** Environment every shell task gets, so scripts know which run they serve. */
export function contextEnv(req: ExecutionRequest): Record<string, string> {
  const c = req.claim;
  return {
    SLUICE_DAG_ID: c.dagId,
    SLUICE_RUN_ID: c.runId,
    SLUICE_TASK_ID: c.taskId,
    SLUICE_TRY_NUMBER: String(c.tryNumber),
    SLUICE_LOGICAL_DATE: c.logicalDate.toISOString(),
    SLUICE_DATA_INTERVAL_START: c.dataIntervalStart.toISOString(),
    SLUICE_DATA_INTERVAL_END: c.dataIntervalEnd.toISOString(),
    SLUICE_DS: c.logicalDate.toISOString().slice(0, 10),
    SLUICE_CONF: JSON.stringify(c.conf),
    // A mapped task's instance: its index and its item (JSON).
    ...(c.mapIndex >= 0 ? { SLUICE_MAP_INDEX: String(c.mapIndex), SLUICE_MAP_ITEM: JSON.stringify(c.mapItem) } : {}),
  };
}

/** An external operator's deferred answer, paced and timed out by its `sensor` settings when it is a sensor. */
function sensed(req: ExecutionRequest, result: ExecutionResult): ExecutionResult {
  return isSensor(req) ? paceSensor(req, result, result.checkAfterMs ?? null) : result;
}

export function createExecutor(deps: ExecutorDeps): TaskExecutor {
  const external = createExternalRunner(deps);
  const execute = async (req: ExecutionRequest): Promise<ExecutionResult> => {
    const kind = req.task.operator.kind;
    if (deps.crossDag.handles(kind)) return deps.crossDag.execute(req);
    if (external.handles(kind)) return sensed(req, await external.execute(req));
    switch (kind) {
      case 'shell': {
        const options = compileShellOptions(req.task.operator.options);
        const taskEnv = await deps.shellEnv(req, options);
        try {
          await runShell({ options, contextEnv: contextEnv(req), taskEnv, signal: req.signal, log: req.log });
        } catch (raw) {
          if (
            raw instanceof ShellCommandError &&
            raw.exitCode !== null &&
            options.skipOnExitCode.includes(raw.exitCode)
          ) {
            throw new SkipTaskError(`Command exited with code ${raw.exitCode}, which skips the task`);
          }
          throw raw;
        }
        return {};
      }
      case 'fn': {
        const { value, events } = outletEventsOf(await deps.runFunction(req));
        const poke = pokeOf(value);
        // A poke parks the try as deferred: its next look calls the function again.
        if (poke !== undefined) return paceSensor(req, { defer: true }, poke.againMs);
        return events.length === 0 ? { output: value } : { output: value, outletEvents: events };
      }
      default:
        throw new NonRetryableError(`Unknown operator "${kind}" for task "${req.task.taskId}"`);
    }
  };
  return {
    execute,
    check: async (req) => {
      const kind = req.task.operator.kind;
      if (kind === 'fn') return execute(req);
      if (deps.crossDag.handles(kind)) return deps.crossDag.check(req);
      return sensed(req, await external.check(req));
    },
    cancel: (req) => external.cancel(req),
  };
}
