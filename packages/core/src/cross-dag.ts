/**
 * Cross-DAG dependencies, decided purely: the run id a `sluice.triggerDag`
 * try gives the run it creates (the same on every try and every worker, so
 * a retry or an adopted try finds the run instead of making a second), the
 * logical date a `sluice.dagRunSensor` looks for, and what a look at the
 * other run (or one of its task instances) means for the waiting try.
 */
import { isTerminalRunState, isTerminalTaskState, type DagRunState, type TaskInstanceState } from './states';

/** Run ids longer than this are cut and suffixed with a digest (the API reads ids up to 250 characters). */
export const MAX_TRIGGERED_RUN_ID = 250;

/** FNV-1a, 32 bits, as 8 hex digits: a short, stable suffix for a cut id (no crypto in core). */
function digest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * `triggered__<dag>__<run>__<task>`: the run a triggering task instance
 * creates. Derived from the task instance, not the try: every try of it,
 * and a try adopted after a crash, names the same run.
 */
export function triggeredRunId(source: { dagId: string; runId: string; taskId: string }): string {
  const id = `triggered__${source.dagId}__${source.runId}__${source.taskId}`;
  if (id.length <= MAX_TRIGGERED_RUN_ID) return id;
  const suffix = `__${digest(id)}`;
  return `${id.slice(0, MAX_TRIGGERED_RUN_ID - suffix.length)}${suffix}`;
}

/** The logical date of the other DAG's run a sensor waits for: this run's plus the offset (Airflow's execution_delta, sign reversed). */
export function sensedLogicalDate(logicalDate: Date, offsetMs: number): Date {
  return new Date(logicalDate.getTime() + offsetMs);
}

/** What a waiting try learns from one look at the other DAG. */
export type CrossDagVerdict =
  | { kind: 'waiting'; reason: string }
  | { kind: 'succeeded'; state: string }
  | { kind: 'failed'; reason: string };

export interface CrossDagLook<S extends string> {
  /** What is looked at, in words: `run "x" of DAG "y"`, `task "t" of run "x" of DAG "y"`. */
  what: string;
  /** Its state now; null when it does not exist (yet). */
  state: S | null;
  allowed: readonly S[];
  failed: readonly S[];
  /** Whether `state` is one nothing moves out of without a user clearing it. */
  terminal(state: S): boolean;
}

/**
 * An allowed state succeeds, a failed state fails; anything else waits.
 * An end in neither list waits too (it can still be cleared and rerun) and
 * says so, so a sensor's timeout ends it.
 */
export function crossDagVerdict<S extends string>(look: CrossDagLook<S>): CrossDagVerdict {
  const { what, state } = look;
  if (state === null) return { kind: 'waiting', reason: `${what} does not exist yet` };
  if (look.allowed.includes(state)) return { kind: 'succeeded', state };
  if (look.failed.includes(state)) return { kind: 'failed', reason: `${what} ended ${state}` };
  if (look.terminal(state))
    return {
      kind: 'waiting',
      reason: `${what} ended ${state}, which is neither allowed (${look.allowed.join(', ')}) nor failed; waiting for it to be cleared`,
    };
  return { kind: 'waiting', reason: `${what} is ${state}` };
}

/** A look at another DAG's run. */
export function runVerdict(
  what: string,
  state: DagRunState | null,
  allowed: readonly DagRunState[],
  failed: readonly DagRunState[],
): CrossDagVerdict {
  return crossDagVerdict({ what, state, allowed, failed, terminal: isTerminalRunState });
}

/** A look at one task instance of another DAG's run. */
export function taskVerdict(
  what: string,
  state: TaskInstanceState | null,
  allowed: readonly TaskInstanceState[],
  failed: readonly TaskInstanceState[],
): CrossDagVerdict {
  return crossDagVerdict({ what, state, allowed, failed, terminal: isTerminalTaskState });
}
