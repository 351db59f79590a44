/**
 * Cross-DAG dependencies: start a run of another DAG, or wait for one.
 * Pure — they only validate and store JSON; the worker creates and reads
 * runs in Postgres. A wait holds no worker slot: the try is parked as
 * `deferred` between looks, as sensors are.
 *
 *   const publish = team.task('publish', triggerDag({ dagId: 'ads_report', conf: { day: '{{ ds }}' }, wait: true }));
 *   const upstream = team.task('wait_for_logs', dagRunSensor({ dagId: 'logs_daily', taskId: 'load', timeout: '6h' }));
 */
import { InvalidOptionsError, idHint, idPattern } from '@sluice/core';
import { checkBoolean, checkJson, checkKnownKeys, checkObject, checkString, type Where } from './check';
import { describe, parseDuration, type Duration } from './duration';
import { defineOperator } from './operator';
import { compileSensor, sensorKeys, type SensorSettings } from './sensor';

/** The states a run ends in. */
export type RunEndState = 'success' | 'failed';
/** The states a task instance can be in, as another DAG's sensor reads them. */
export type TaskState =
  | 'none'
  | 'scheduled'
  | 'queued'
  | 'running'
  | 'success'
  | 'failed'
  | 'up_for_retry'
  | 'upstream_failed'
  | 'skipped'
  | 'deferred';

const runEndStates: readonly RunEndState[] = ['success', 'failed'];
const runStates = ['queued', 'running', 'success', 'failed'] as const;
const taskStates: readonly TaskState[] = [
  'none',
  'scheduled',
  'queued',
  'running',
  'success',
  'failed',
  'up_for_retry',
  'upstream_failed',
  'skipped',
  'deferred',
];

export const TRIGGER_DEFAULT_POLL_INTERVAL_MS = 60_000;
const MIN_INTERVAL_MS = 100;

export interface TriggerDagInput {
  /** The DAG to start a run of. */
  dagId: string;
  /** The run's conf, checked against that DAG's confSchema; strings may use templates such as `{{ ds }}`. */
  conf?: Record<string, unknown>;
  /** The run's logical date, an ISO 8601 instant with its zone or a template such as `{{ logical_date }}` (default: now). */
  logicalDate?: string;
  /** The run's id (templates allowed); default `triggered__<this dag>__<this run>__<this task>`, the same on every try. */
  runId?: string;
  /** Wait, holding no worker slot, until the run ends (default false: succeed once it is created). */
  wait?: boolean;
  /** With `wait`: how long between two looks at the run (default 1 minute; at least 100 ms). */
  pollInterval?: Duration;
  /** With `wait`: the run end states that make the task succeed (default ['success']). */
  allowedStates?: RunEndState[];
  /** With `wait`: the run end states that make the task fail (default ['failed']). */
  failedStates?: RunEndState[];
  /** When a run with that id exists already and has ended (an earlier try's), clear it to run again instead of reading its end. */
  resetDagRun?: boolean;
}

/** What a triggerDag task outputs: the run it made (or found) and that run's state when the task ended. */
export interface TriggerDagOutput {
  runId: string;
  state: 'queued' | 'running' | RunEndState;
}

export type DagRunSensorInput = SensorSettings & {
  /** The other DAG. */
  dagId: string;
  /** Wait for this task of the other run instead of the whole run. */
  taskId?: string;
  /** The other run's logical date is this run's plus the offset, e.g. `'-1h'` for the hour before (default 0: the same date). */
  logicalDateOffset?: Duration | `-${string}`;
  /** The states that end the wait (default ['success']). */
  allowedStates?: string[];
  /** The states that fail the task at once (default ['failed'], and 'upstream_failed' for a task). */
  failedStates?: string[];
};

/** What a dagRunSensor outputs: the run it saw, and the state it saw it (or its task) in. */
export interface DagRunSensorOutput {
  dagId: string;
  runId: string;
  taskId: string | null;
  state: string;
}

function checkStates<S extends string>(value: unknown, option: string, known: readonly S[]): S[] {
  if (!Array.isArray(value))
    throw new InvalidOptionsError(`${option} must be an array of states, got ${describe(value)}`);
  for (const s of value) {
    if (typeof s !== 'string' || !(known as readonly string[]).includes(s))
      throw new InvalidOptionsError(`${option}: ${describe(s)} is not one of ${known.join(', ')}`);
  }
  return [...new Set(value as S[])];
}

/** Allowed and failed states: known, the allowed ones not empty, the two lists apart. */
function compileStates<S extends string>(
  raw: Record<string, unknown>,
  where: Where,
  known: readonly S[],
  defaults: { allowed: readonly S[]; failed: readonly S[] },
): { allowedStates: S[]; failedStates: S[] } {
  const allowed =
    raw['allowedStates'] === undefined
      ? [...defaults.allowed]
      : checkStates(raw['allowedStates'], where('allowedStates'), known);
  if (allowed.length === 0) throw new InvalidOptionsError(`${where('allowedStates')} must name at least one state`);
  const failed =
    raw['failedStates'] === undefined
      ? defaults.failed.filter((s) => !allowed.includes(s))
      : checkStates(raw['failedStates'], where('failedStates'), known);
  const both = allowed.filter((s) => failed.includes(s));
  if (both.length > 0)
    throw new InvalidOptionsError(
      `${where('failedStates')} and allowedStates both name ${both.join(', ')}; a state either ends the wait or fails it`,
    );
  return { allowedStates: allowed, failedStates: failed };
}

function checkDagId(value: unknown, option: string): string {
  return checkString(value, option, { re: idPattern, hint: idHint });
}

function checkInterval(value: unknown, option: string): number {
  const ms = parseDuration(value, option);
  if (ms < MIN_INTERVAL_MS) throw new InvalidOptionsError(`${option} must be at least 100ms, got ${ms}ms`);
  return ms;
}

/** A signed duration: milliseconds (negative allowed), or a duration string with an optional leading `-`. */
export function parseOffset(value: unknown, option: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidOptionsError(`${option} must be a finite number of milliseconds`);
    return Math.round(value);
  }
  if (typeof value === 'string' && value.trim().startsWith('-')) return -parseDuration(value.trim().slice(1), option);
  return parseDuration(value, option);
}

const triggerKeys = [
  'dagId',
  'conf',
  'logicalDate',
  'runId',
  'wait',
  'pollInterval',
  'allowedStates',
  'failedStates',
  'resetDagRun',
] as const;
const waitOnly = ['pollInterval', 'allowedStates', 'failedStates'] as const;

/** Starts a run of another DAG, once per task instance; with `wait`, waits for it to end. */
export const triggerDag = defineOperator<TriggerDagInput, TriggerDagOutput>({
  kind: 'sluice.triggerDag',
  compile(input) {
    const where: Where = (option) => `triggerDag() option ${option}`;
    const raw = checkObject(input, 'triggerDag() options');
    checkKnownKeys(raw, triggerKeys, where);
    const wait = raw['wait'] === undefined ? false : checkBoolean(raw['wait'], where('wait'));
    const notWaiting = waitOnly.find((k) => raw[k] !== undefined);
    if (!wait && notWaiting !== undefined)
      throw new InvalidOptionsError(`${where(notWaiting)} applies only with wait: true`);
    const out: Record<string, unknown> = { dagId: checkDagId(raw['dagId'], where('dagId')), wait };
    if (raw['conf'] !== undefined) {
      const conf = checkObject(raw['conf'], where('conf'));
      checkJson(conf, where('conf'));
      out['conf'] = conf;
    }
    if (raw['logicalDate'] !== undefined) {
      const at = checkString(raw['logicalDate'], where('logicalDate'));
      if (!at.includes('{{') && (!/(Z|[+-]\d{2}:\d{2})$/.test(at) || Number.isNaN(Date.parse(at))))
        throw new InvalidOptionsError(
          `${where('logicalDate')} ${JSON.stringify(at)} is not an ISO 8601 instant with a zone, e.g. 2026-12-06T00:00:00Z`,
        );
      out['logicalDate'] = at;
    }
    if (raw['runId'] !== undefined) out['runId'] = checkString(raw['runId'], where('runId'));
    if (raw['resetDagRun'] !== undefined) out['resetDagRun'] = checkBoolean(raw['resetDagRun'], where('resetDagRun'));
    if (wait) {
      out['pollIntervalMs'] =
        raw['pollInterval'] === undefined
          ? TRIGGER_DEFAULT_POLL_INTERVAL_MS
          : checkInterval(raw['pollInterval'], where('pollInterval'));
      Object.assign(out, compileStates(raw, where, runEndStates, { allowed: ['success'], failed: ['failed'] }));
    }
    return out;
  },
});

/** Waits, holding no worker slot, for another DAG's run (or one of its tasks) at this run's logical date plus an offset. */
export const dagRunSensor = defineOperator<DagRunSensorInput, DagRunSensorOutput>({
  kind: 'sluice.dagRunSensor',
  compile(input) {
    const where: Where = (option) => `dagRunSensor() option ${option}`;
    const raw = checkObject(input, 'dagRunSensor() options');
    checkKnownKeys(
      raw,
      ['dagId', 'taskId', 'logicalDateOffset', 'allowedStates', 'failedStates', ...sensorKeys],
      where,
    );
    const out: Record<string, unknown> = { dagId: checkDagId(raw['dagId'], where('dagId')) };
    const taskId = raw['taskId'] === undefined ? undefined : checkString(raw['taskId'], where('taskId'));
    if (taskId !== undefined) out['taskId'] = taskId;
    out['logicalDateOffsetMs'] =
      raw['logicalDateOffset'] === undefined ? 0 : parseOffset(raw['logicalDateOffset'], where('logicalDateOffset'));
    Object.assign(
      out,
      taskId === undefined
        ? compileStates(raw, where, runStates, { allowed: ['success'], failed: ['failed'] })
        : compileStates(raw, where, taskStates, { allowed: ['success'], failed: ['failed', 'upstream_failed'] }),
    );
    out['sensor'] = compileSensor(raw, where);
    return out;
  },
});
