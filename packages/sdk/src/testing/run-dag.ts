/**
 * Runs one DAG run in the calling process, without a scheduler or a
 * database: tasks in dependency order, each gated by its trigger rule, each
 * try timed out at its executionTimeout and retried as core's one rule for
 * every try says. What runs a task is given (`runTask`): `testDag` calls the
 * function in this process, `sluice dags test` hands it to the worker's
 * operators. Tasks run one at a time, so logs read in order.
 */
import {
  InvalidOptionsError,
  type DagSpec,
  type DataInterval,
  type FlowView,
  type RunContext,
  type TaskInstanceState,
  type TaskSpec,
  TaskTimeoutError,
  NonRetryableError,
  DEFAULT_MAX_MAP_LENGTH,
  expansionOf,
  itemsOf,
  mapSources,
  valueAt,
  dependencyVerdict,
  failsRun,
  followedDownstream,
  setupTaskIds,
  shortCircuitsAbove,
  intervalsBetween,
  manualDataInterval,
  maxTriesOf,
  runOutcome,
  toError,
  topologicalOrder,
  tryJitter,
  tryOutcome,
} from '@sluice/core';
import { parseDagDateOption } from '../dates';

/** What a task ended as when run locally. */
export type LocalTaskState = Extract<TaskInstanceState, 'success' | 'failed' | 'skipped' | 'upstream_failed'>;

export interface LocalTaskResult {
  taskId: string;
  state: LocalTaskState;
  /** Tries made (0 when the task never ran). */
  tries: number;
  /** Whether the task recorded an output (a success that returned something). */
  hasOutput: boolean;
  output: unknown;
  /** The last try's error, when the task failed. */
  error: Error | null;
  /** Why a task that did not run was skipped or marked upstream_failed. */
  reason: string | null;
  durationMs: number;
  /** A succeeded branch or short circuit: the direct downstream it followed (absent = all). */
  followed?: string[];
}

export interface LocalRunResult {
  dagId: string;
  runId: string;
  logicalDate: Date;
  dataInterval: DataInterval;
  state: 'success' | 'failed';
  /** In the order the tasks ran. */
  tasks: LocalTaskResult[];
}

/** One try of one task, as `runTask` receives it. */
export interface LocalTry {
  task: TaskSpec;
  run: RunContext;
  /** Outputs of the task's direct upstream tasks that recorded one. */
  upstreamOutputs: ReadonlyMap<string, unknown>;
  /** Aborted at the task's executionTimeout. */
  signal: AbortSignal;
  /** A mapped task's instance: its item (its index is `run.mapIndex`). */
  item?: unknown;
}

export interface LocalRunOptions {
  spec: DagSpec;
  logicalDate: Date;
  /** Default: the scheduled interval starting at `logicalDate`, else a manual run's. */
  dataInterval?: DataInterval;
  conf?: Record<string, unknown>;
  runId?: string;
  /** Runs one try; returns the task's output or throws to fail it (SkipTaskError skips it). */
  runTask(attempt: LocalTry): Promise<unknown>;
  /** Waits before a retry (default: setTimeout). `sluice dags test --fast-retries` waits 0. */
  wait?(ms: number): Promise<void>;
  /** Told when each task ends, in order. */
  onTaskEnd?(result: LocalTaskResult): void;
  /** Told before each try. */
  onTryStart?(task: TaskSpec, tryNumber: number, maxTries: number): void;
  /** Called with the retry delay before waiting it. */
  onRetry?(task: TaskSpec, error: Error, delayMs: number): void;
}

/**
 * The logical date of a local run: a Date, an ISO instant, or a local date
 * read in the DAG's time zone (`'2026-11-21'`); by default the start of the
 * DAG's latest complete interval (the run the scheduler would have made
 * last), or now for a DAG without a schedule.
 */
export function localLogicalDate(spec: DagSpec, raw: string | Date | undefined, option: string): Date {
  if (raw !== undefined) return new Date(parseDagDateOption(raw, option, spec.timezone));
  const now = new Date();
  return spec.schedule === null ? now : manualDataInterval(spec, now).start;
}

const defaultWait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The data interval of a run with this logical date: the scheduled interval
 * that starts there when the date is on the DAG's schedule (what the
 * scheduler would give it), else what a manual trigger would.
 */
export function localDataInterval(spec: DagSpec, logicalDate: Date): DataInterval {
  if (spec.schedule !== null && spec.schedule !== '@once') {
    const [scheduled] = intervalsBetween(spec, logicalDate, logicalDate, { limit: 1 });
    if (scheduled && scheduled.logicalDate.getTime() === logicalDate.getTime()) return scheduled.dataInterval;
  }
  return manualDataInterval(spec, logicalDate);
}

/** Runs every task of `spec` once, in dependency order, and says how each ended. */
export async function runDagLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const { spec, logicalDate } = options;
  const dataInterval = options.dataInterval ?? localDataInterval(spec, logicalDate);
  const runId = options.runId ?? `test__${logicalDate.toISOString()}`;
  const conf = options.conf ?? {};
  const byId = new Map(spec.tasks.map((t) => [t.taskId, t]));
  const results = new Map<string, LocalTaskResult>();
  const above = shortCircuitsAbove(spec);
  const setups = setupTaskIds(spec);
  const view = (id: string): FlowView => ({
    taskId: id,
    state: results.get(id)?.state ?? 'none',
    followed: results.get(id)?.followed ?? null,
  });
  for (const taskId of topologicalOrder(spec)) {
    const task = byId.get(taskId);
    if (!task) continue;
    const gate = dependencyVerdict(task, task.upstream.map(view), (above.get(taskId) ?? []).map(view), setups);
    let result: LocalTaskResult;
    if (gate.outcome === 'run') {
      const outputs = new Map<string, unknown>();
      for (const id of task.upstream) {
        const up = results.get(id);
        if (up?.hasOutput || byId.get(id)?.map !== undefined) outputs.set(id, up?.output ?? []);
      }
      const facts = { dagId: spec.dagId, runId, logicalDate, dataInterval, conf };
      const map = task.map;
      result =
        map === undefined
          ? await runTask(options, task, facts, outputs, true)
          : await runMapped(options, task, map, facts, outputs, spec.maxMapLength ?? DEFAULT_MAX_MAP_LENGTH);
    } else {
      const state: LocalTaskState = gate.outcome === 'upstream_failed' ? 'upstream_failed' : 'skipped';
      result = emptyResult(taskId, state, gate.reason);
    }
    results.set(taskId, result);
    options.onTaskEnd?.(result);
  }
  const tasks = [...results.values()];
  const ignored = new Set(spec.tasks.filter((t) => !failsRun(t)).map((t) => t.taskId));
  const outcome = runOutcome(
    tasks.map((t) => [t.taskId, t.state] as const),
    ignored,
  );
  return {
    dagId: spec.dagId,
    runId,
    logicalDate,
    dataInterval,
    state: outcome.state === 'success' ? 'success' : 'failed',
    tasks,
  };
}

export interface OneTaskOptions extends Omit<LocalRunOptions, 'onTaskEnd'> {
  taskId: string;
  /** What the task's upstream tasks returned, by task id (`--upstream-output`). */
  upstreamOutputs: ReadonlyMap<string, unknown>;
}

/** One try of one task, as `sluice tasks test` runs it: no upstream run, no retry; the try's outcome is the result. */
export async function runOneTaskLocally(options: OneTaskOptions): Promise<LocalTaskResult> {
  const { spec, logicalDate } = options;
  const task = spec.tasks.find((t) => t.taskId === options.taskId);
  if (!task) throw new InvalidOptionsError(`DAG "${spec.dagId}" has no task "${options.taskId}"`);
  for (const id of options.upstreamOutputs.keys()) {
    if (!task.upstream.includes(id))
      throw new InvalidOptionsError(
        `"${id}" is not an upstream task of "${task.taskId}" (its upstream: ${task.upstream.join(', ') || 'none'})`,
      );
  }
  const facts = {
    dagId: spec.dagId,
    runId: options.runId ?? `test__${logicalDate.toISOString()}`,
    logicalDate,
    dataInterval: options.dataInterval ?? localDataInterval(spec, logicalDate),
    conf: options.conf ?? {},
  };
  return runTask(options, task, facts, options.upstreamOutputs, false);
}

function emptyResult(taskId: string, state: LocalTaskState, reason: string | null): LocalTaskResult {
  return { taskId, state, tries: 0, hasOutput: false, output: undefined, error: null, reason, durationMs: 0 };
}

type RunFacts = Omit<RunContext, 'taskId' | 'tryNumber' | 'maxTries'>;

/**
 * A mapped task run locally as the scheduler would: expanded over its
 * items (skipped on an empty list, failed past maxMapLength), one instance
 * after another; its output is the array of its instances' outputs, and
 * it fails when one of them failed.
 */
async function runMapped(
  options: LocalRunOptions,
  task: TaskSpec,
  map: NonNullable<TaskSpec['map']>,
  facts: RunFacts,
  upstreamOutputs: ReadonlyMap<string, unknown>,
  maxMapLength: number,
): Promise<LocalTaskResult> {
  const lists = mapSources(map).map(({ over }) =>
    over.from === 'list' ? over.items : valueAt(upstreamOutputs.get(over.taskId), over.path),
  );
  const lengths = lists.map((l) =>
    Array.isArray(l) ? { length: l.length } : { notAList: JSON.stringify(l) ?? 'absent' },
  );
  const expansion = expansionOf(task.taskId, map, lengths, maxMapLength);
  if (expansion.kind === 'skip') return emptyResult(task.taskId, 'skipped', expansion.reason);
  if (expansion.kind === 'fail')
    return { ...emptyResult(task.taskId, 'failed', expansion.reason), error: new NonRetryableError(expansion.reason) };
  const instances: LocalTaskResult[] = [];
  const items = itemsOf(map, lists as unknown[][]);
  for (const [mapIndex, item] of items.entries())
    instances.push(await runTask(options, task, facts, upstreamOutputs, true, { mapIndex, item }));
  const failed = instances.find((r) => r.state === 'failed');
  return {
    ...emptyResult(task.taskId, failed ? 'failed' : 'success', null),
    tries: Math.max(...instances.map((r) => r.tries)),
    hasOutput: true,
    output: instances.filter((r) => r.hasOutput).map((r) => r.output),
    error: failed?.error ?? null,
    durationMs: instances.reduce((sum, r) => sum + r.durationMs, 0),
  };
}

async function runTask(
  options: LocalRunOptions,
  task: TaskSpec,
  facts: RunFacts,
  upstreamOutputs: ReadonlyMap<string, unknown>,
  retries: boolean,
  mapped?: { mapIndex: number; item: unknown },
): Promise<LocalTaskResult> {
  const maxTries = maxTriesOf(task.retry);
  const started = Date.now();
  const ended = (state: LocalTaskState, tries: number, extra: Partial<LocalTaskResult> = {}): LocalTaskResult => ({
    ...emptyResult(task.taskId, state, null),
    tries,
    durationMs: Date.now() - started,
    ...extra,
  });
  for (let tryNumber = 1; ; tryNumber++) {
    options.onTryStart?.(task, tryNumber, maxTries);
    const run: RunContext = {
      ...facts,
      taskId: task.taskId,
      tryNumber,
      maxTries,
      ...(mapped ? { mapIndex: mapped.mapIndex } : {}),
    };
    try {
      const output = await withTimeout(task.executionTimeoutMs, (signal) =>
        options.runTask({ task, run, upstreamOutputs, signal, ...(mapped ? { item: mapped.item } : {}) }),
      );
      const follows = followedDownstream(task, output);
      if (!follows.ok) throw new NonRetryableError(follows.message);
      return ended('success', tryNumber, {
        hasOutput: output !== undefined,
        output,
        ...(follows.followed === null ? {} : { followed: follows.followed }),
      });
    } catch (raw) {
      const error = toError(raw);
      const now = new Date();
      const next = tryOutcome({
        ending: { kind: 'error', error },
        tryNumber,
        maxTries,
        retry: task.retry,
        now,
        random: tryJitter(facts.dagId, facts.runId, task.taskId, tryNumber),
      });
      if (next.type === 'skip') return ended('skipped', tryNumber, { reason: error.message });
      if (next.type !== 'retry' || !retries) return ended('failed', tryNumber, { error });
      const delayMs = Math.max(0, next.at.getTime() - now.getTime());
      options.onRetry?.(task, error, delayMs);
      await (options.wait ?? defaultWait)(delayMs);
    }
  }
}

/** Runs `work` with a signal that aborts after `ms`; settles with TaskTimeoutError then, even if `work` ignores it. */
async function withTimeout<T>(ms: number | null, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  if (ms === null) return work(controller.signal);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TaskTimeoutError(ms);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
