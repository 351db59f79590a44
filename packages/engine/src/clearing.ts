/**
 * Clearing task instances so they run again, over one task, one run or a
 * range of runs, with a preview: the same plan is shown (dry run) or
 * carried out. Which task instances a clear picks is core's tasksToClear.
 */
import {
  type ClearSelection,
  type DagRunState,
  type TaskInstanceState,
  compileTaskPattern,
  tasksToClear,
  parseTaskKey,
} from '@sluice/core';
import { clearTaskInstances, findRun, listRunsBetween, readTaskStates, recordAuditEvent } from '@sluice/db';
import type { AuditEventInput } from '@sluice/db';
import { InvalidRequestError, NotFoundError } from './errors';
import type { EngineResources } from './resources';
import { startRuns } from './run-creation';
import { scheduleWholeRun } from './task-scheduling';

/** Runs one clear may reach: a wider range is refused with a message to narrow it. */
export const MAX_CLEARED_RUNS = 1000;
/** The far ends of "past" and "future": every run of the DAG before or after one. */
const EARLIEST = new Date('0001-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T23:59:59.999Z');

interface RunToClear {
  id: string;
  runId: string;
  logicalDate: Date;
  state: DagRunState;
  dagVersionId: string;
}

export interface ClearedRun {
  runId: string;
  logicalDate: Date;
  runState: DagRunState;
  /** The task instances cleared (or, in a dry run, to be cleared), keyed `load` or `load[3]`, with their state before. */
  tasks: Array<{ taskId: string; state: TaskInstanceState }>;
}

export interface ClearOutcome {
  dryRun: boolean;
  /** Runs with at least one task instance to clear, oldest logical date first. */
  runs: ClearedRun[];
}

interface PlannedRun extends ClearedRun {
  run: RunToClear;
  /** The run's task instances by key, as read when planning. */
  runStates: ReadonlyMap<string, TaskInstanceState>;
}

async function runsBetween(res: EngineResources, dagId: string, from: Date, to: Date): Promise<RunToClear[]> {
  const runs = await listRunsBetween(res.pool, { dagId, from, to, limit: MAX_CLEARED_RUNS + 1 });
  if (runs.length > MAX_CLEARED_RUNS) {
    throw new InvalidRequestError(
      `DAG "${dagId}" has more than ${MAX_CLEARED_RUNS} runs from ${from.toISOString()} to ${to.toISOString()}; narrow the range`,
    );
  }
  return runs;
}

async function plan(
  res: EngineResources,
  runs: readonly RunToClear[],
  selection: ClearSelection,
): Promise<PlannedRun[]> {
  const states = await readTaskStates(
    res.pool,
    runs.map((r) => r.id),
  );
  const planned: PlannedRun[] = [];
  for (const run of runs) {
    const version = await res.dags.get(run.dagVersionId);
    const runStates = states.get(run.id) ?? new Map<string, TaskInstanceState>();
    const keys = tasksToClear(version.spec, runStates, selection);
    if (keys.length === 0) continue;
    planned.push({
      run,
      runStates,
      runId: run.runId,
      logicalDate: run.logicalDate,
      runState: run.state,
      tasks: keys.map((key) => ({ taskId: key, state: runStates.get(key) ?? 'none' })),
    });
  }
  return planned;
}

/**
 * What to pass the clear statement for one run's planned keys: each task's
 * tries, and for a task only some of whose instances are planned, those
 * instances' map indexes (a task planned whole is cleared whole).
 */
function clearArgsFor(
  planned: readonly string[],
  runStates: ReadonlyMap<string, TaskInstanceState>,
  retriesOf: (taskId: string) => number,
): { tasks: Map<string, number>; mapIndexes: Map<string, number[]> } {
  const plannedByTask = new Map<string, number[]>();
  for (const key of planned) {
    const { taskId, mapIndex } = parseTaskKey(key);
    plannedByTask.set(taskId, [...(plannedByTask.get(taskId) ?? []), mapIndex]);
  }
  const instancesInRun = new Map<string, number>();
  for (const key of runStates.keys()) {
    const { taskId } = parseTaskKey(key);
    instancesInRun.set(taskId, (instancesInRun.get(taskId) ?? 0) + 1);
  }
  const tasks = new Map<string, number>();
  const mapIndexes = new Map<string, number[]>();
  for (const [taskId, indexes] of plannedByTask) {
    tasks.set(taskId, retriesOf(taskId) + 1);
    if (indexes.length < (instancesInRun.get(taskId) ?? 0)) mapIndexes.set(taskId, indexes);
  }
  return { tasks, mapIndexes };
}

/** Clears what was planned, run by run, and gets the reopened runs going again. */
async function carryOut(res: EngineResources, dagId: string, planned: readonly PlannedRun[], actor: string) {
  const cleared: ClearedRun[] = [];
  for (const p of planned) {
    const version = await res.dags.get(p.run.dagVersionId);
    const args = clearArgsFor(
      p.tasks.map((t) => t.taskId),
      p.runStates,
      (taskId) => version.tasks.get(taskId)?.retry.retries ?? 0,
    );
    const result = await clearTaskInstances(res.pool, { dagRunId: p.run.id, ...args, actor });
    await res.queue.enqueueCancels(result.interrupted);
    if (result.cleared.length === 0) continue;
    const done = new Set(result.cleared);
    cleared.push({ ...p, tasks: p.tasks.filter((t) => done.has(t.taskId)) });
    // A finished run was reopened as queued; a running one just has work again.
    if (p.run.state === 'running') await scheduleWholeRun(res, p.run.id, p.run.dagVersionId);
    else await startRuns(res, dagId, version);
  }
  return cleared;
}

const present = (planned: readonly ClearedRun[]): ClearedRun[] =>
  planned.map(({ runId, logicalDate, runState, tasks }) => ({ runId, logicalDate, runState, tasks }));

async function clearPlanned(
  res: EngineResources,
  args: {
    dagId: string;
    runs: readonly RunToClear[];
    selection: ClearSelection;
    dryRun: boolean;
    actor: string;
  },
  audit: Omit<AuditEventInput, 'actor' | 'dagId'>,
): Promise<ClearOutcome> {
  const planned = await plan(res, args.runs, args.selection);
  if (args.dryRun) return { dryRun: true, runs: present(planned) };
  const cleared = await carryOut(res, args.dagId, planned, args.actor);
  await recordAuditEvent(res.pool, {
    ...audit,
    actor: args.actor,
    dagId: args.dagId,
    details: {
      ...audit.details,
      cleared: cleared.map((c) => ({ runId: c.runId, tasks: c.tasks.map((t) => t.taskId) })),
    },
  });
  return { dryRun: false, runs: present(cleared) };
}

async function requireRun(res: EngineResources, dagId: string, runId: string): Promise<RunToClear> {
  const run = await findRun(res.pool, dagId, runId);
  if (!run) throw new NotFoundError(`DAG "${dagId}" has no run "${runId}"`);
  return run;
}

export interface ClearRangeInput {
  dagId: string;
  from: Date;
  to: Date;
  /** A regular expression task ids are matched against (`--task`). */
  taskPattern?: string | undefined;
  onlyFailed: boolean;
  downstream: boolean;
  upstream: boolean;
  dryRun: boolean;
  actor: string;
}

/** Clears the matching task instances of every run with a logical date in [from, to]. */
export async function clearRange(res: EngineResources, input: ClearRangeInput): Promise<ClearOutcome> {
  if (input.from > input.to) {
    throw new InvalidRequestError(
      `the range starts (${input.from.toISOString()}) after it ends (${input.to.toISOString()})`,
      [{ path: 'body.from', message: 'is after to' }],
    );
  }
  let taskPattern: RegExp | undefined;
  try {
    taskPattern = input.taskPattern === undefined ? undefined : compileTaskPattern(input.taskPattern);
  } catch (raw) {
    const message = raw instanceof Error ? raw.message : String(raw);
    throw new InvalidRequestError(message, [{ path: 'body.taskPattern', message }]);
  }
  const runs = await runsBetween(res, input.dagId, input.from, input.to);
  return clearPlanned(
    res,
    {
      ...input,
      runs,
      selection: { taskPattern, onlyFailed: input.onlyFailed, downstream: input.downstream, upstream: input.upstream },
    },
    {
      action: 'clear_range',
      details: {
        from: input.from.toISOString(),
        to: input.to.toISOString(),
        taskPattern: input.taskPattern ?? null,
        onlyFailed: input.onlyFailed,
        downstream: input.downstream,
        upstream: input.upstream,
      },
    },
  );
}

/** Clears a whole run, or only its failed and upstream_failed task instances. */
export async function clearRun(
  res: EngineResources,
  input: { dagId: string; runId: string; onlyFailed: boolean; dryRun: boolean; actor: string },
): Promise<ClearOutcome> {
  const run = await requireRun(res, input.dagId, input.runId);
  return clearPlanned(
    res,
    { ...input, runs: [run], selection: { onlyFailed: input.onlyFailed, downstream: false, upstream: false } },
    { action: 'clear_run', runId: input.runId, details: { onlyFailed: input.onlyFailed } },
  );
}

export interface ClearTaskInput {
  dagId: string;
  runId: string;
  taskId: string;
  downstream: boolean;
  upstream?: boolean | undefined;
  /** The same task in every earlier run of the DAG too. */
  past?: boolean | undefined;
  /** The same task in every later run of the DAG too. */
  future?: boolean | undefined;
  onlyFailed?: boolean | undefined;
  dryRun?: boolean | undefined;
  actor: string;
}

/**
 * Clears one task instance (Airflow's "clear" in the task panel), with its
 * upstream and downstream, and in earlier and later runs. `cleared` is what
 * was (or would be) cleared in the run named.
 */
export async function clearTask(
  res: EngineResources,
  input: ClearTaskInput,
): Promise<ClearOutcome & { cleared: string[] }> {
  const run = await requireRun(res, input.dagId, input.runId);
  const version = await res.dags.get(run.dagVersionId);
  // `load[3]` clears one instance of a mapped task (and what the options add); `load` all of them.
  const { taskId, mapIndex } = parseTaskKey(input.taskId);
  const missing = new NotFoundError(`Run "${input.runId}" of DAG "${input.dagId}" has no task "${input.taskId}"`);
  if (!version.tasks.has(taskId)) throw missing;
  if (mapIndex >= 0 && !(await readTaskStates(res.pool, [run.id])).get(run.id)?.has(input.taskId)) throw missing;
  const runs =
    input.past || input.future
      ? await runsBetween(
          res,
          input.dagId,
          input.past ? EARLIEST : run.logicalDate,
          input.future ? LATEST : run.logicalDate,
        )
      : [run];
  const options = {
    downstream: input.downstream,
    upstream: input.upstream ?? false,
    past: input.past ?? false,
    future: input.future ?? false,
    onlyFailed: input.onlyFailed ?? false,
  };
  const outcome = await clearPlanned(
    res,
    {
      dagId: input.dagId,
      runs,
      selection: {
        ...options,
        taskPattern: { test: (id) => id === taskId },
        mapIndex: mapIndex >= 0 ? mapIndex : undefined,
      },
      dryRun: input.dryRun ?? false,
      actor: input.actor,
    },
    { action: 'clear', runId: input.runId, taskId: input.taskId, details: options },
  );
  const here = outcome.runs.find((r) => r.runId === input.runId);
  return { ...outcome, cleared: (here?.tasks.map((t) => t.taskId) ?? []).sort() };
}
