/**
 * Cross-DAG tasks' reads and writes, for the worker: start a run of another
 * DAG once per task instance (finding it again on a retry or after a crash),
 * and look at another DAG's runs. The decisions are core's (`cross-dag.ts`);
 * creating a run goes through `triggerRun`, as a trigger from the API does,
 * so the target's confSchema and maxActiveRuns apply the same way.
 */
import { isTerminalRunState, type DagRunState } from '@sluice/core';
import { readDagForTrigger, readRunAt, readRunState, type SensedRun } from '@sluice/db';
import { clearRun } from './clearing';
import { ConflictError } from './errors';
import type { EngineResources } from './resources';
import { triggerRun } from './run-creation';

export interface TriggerOnceInput {
  dagId: string;
  runId: string;
  conf: Record<string, unknown>;
  logicalDate?: Date | undefined;
  /** Who triggers, for the audit log: `dag:<dag>/<run>/<task>`. */
  actor: string;
  /** Clear the run when it exists and has ended (it is an earlier try's), so it runs again. */
  resetIfEnded: boolean;
}

export interface TriggeredRun {
  runId: string;
  state: DagRunState;
  /** `created`: this call made it; `found`: it existed (an earlier try's, or this try's before a crash); `reset`: it existed, had ended, and was cleared. */
  how: 'created' | 'found' | 'reset';
  /** The target is paused: its run waits queued until it is unpaused. */
  paused: boolean;
}

/**
 * The run `runId` of `dagId`: created when missing, found when it exists.
 * Throws NotFoundError for an unknown DAG (or one with no loadable version)
 * and InvalidRequestError for a conf its confSchema refuses.
 */
export async function triggerOnce(res: EngineResources, input: TriggerOnceInput): Promise<TriggeredRun> {
  const dag = await readDagForTrigger(res.pool, input.dagId);
  const paused = dag?.isPaused ?? false;
  const existing = await readRunState(res.pool, input.dagId, input.runId);
  if (existing !== null) {
    if (!input.resetIfEnded || !isTerminalRunState(existing))
      return { runId: input.runId, state: existing, how: 'found', paused };
    await clearRun(res, {
      dagId: input.dagId,
      runId: input.runId,
      onlyFailed: false,
      dryRun: false,
      actor: input.actor,
    });
    return { runId: input.runId, state: await stateOf(res, input), how: 'reset', paused };
  }
  try {
    await triggerRun(res, {
      dagId: input.dagId,
      runId: input.runId,
      conf: input.conf,
      logicalDate: input.logicalDate,
      actor: input.actor,
    });
  } catch (raw) {
    // Another try of the same task instance (an adopted one) created it first.
    if (!(raw instanceof ConflictError)) throw raw;
    return { runId: input.runId, state: await stateOf(res, input), how: 'found', paused };
  }
  return { runId: input.runId, state: await stateOf(res, input), how: 'created', paused };
}

async function stateOf(res: EngineResources, input: { dagId: string; runId: string }): Promise<DagRunState> {
  const state = await readRunState(res.pool, input.dagId, input.runId);
  // Only a user deleting the DAG between the write and this read takes the run away.
  if (state === null) throw new Error(`run "${input.runId}" of DAG "${input.dagId}" disappeared`);
  return state;
}

/** The state of run `runId` of `dagId`, or null when it no longer exists. */
export function runStateOf(res: EngineResources, dagId: string, runId: string): Promise<DagRunState | null> {
  return readRunState(res.pool, dagId, runId);
}

/** The newest run of `dagId` at `logicalDate` and `taskId`'s state in it; null when the DAG does not exist. */
export function runAt(
  res: EngineResources,
  dagId: string,
  logicalDate: Date,
  taskId: string | null,
): Promise<SensedRun | null> {
  return readRunAt(res.pool, dagId, logicalDate, taskId);
}
