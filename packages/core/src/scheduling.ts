/**
 * The scheduling decision for one DAG run, as a pure function: given the
 * DAG, the run, its task instances and the time, say which task instances
 * move where. The I/O layer applies the decisions, in
 * array order, as conditional writes (`… WHERE state = from`).
 *
 * One pass:
 * 1. A run past its dagrunTimeout fails; nothing else is decided.
 * 2. Tries past executionTimeout + grace, or running without a heartbeat,
 *    fail (to up_for_retry while tries remain), as `tryOutcome` says. A
 *    try whose worker is lost while its external job goes on is resumed
 *    (parked as deferred for another worker) instead; a pass that resumes
 *    one decides nothing else, so nothing downstream acts on it meanwhile.
 * 3. In topological order, `none` tasks are scheduled, skipped or marked
 *    upstream_failed by their trigger rule (skipped first when a branch or
 *    short circuit above did not follow them, see flow.ts), reading the states decided
 *    earlier in the same pass, so a failure cascades down the whole DAG at
 *    once. Retries whose time has come are scheduled. A mapped task not yet
 *    expanded whose trigger rule says run is expanded instead (`expand`):
 *    the I/O layer turns its one instance into one per item and decides
 *    again. A task downstream of a mapped task counts every instance.
 * 4. Scheduled tasks (including those just scheduled) are enqueued by
 *    priorityWeight, then topological order, within the DAG's free task
 *    slots, each task's maxActiveTisPerDag, a mapped task's
 *    maxActiveTisPerDagrun and the pools' free slots.
 * 5. When every task is terminal, the run finishes as `runOutcome` says:
 *    failed if any task failed or is upstream_failed (a teardown only with
 *    failRun), else success.
 *
 * Applying: a task's `enqueue` follows its `set_state … → scheduled`; if a
 * write finds the task in another state (someone else moved it), skip what
 * follows for that task and drop the run decision, then decide again.
 */
import type { DagSpec, TaskMap, TaskSpec } from './dag-spec';
import { assertNever } from './assert-never';
import { runOutcome } from './run-outcome';
import { inOrder, shapeOf, type DagShape } from './scheduling-shape';
import { isActiveTaskState, isTerminalTaskState, type DagRunState, type TaskInstanceState } from './states';
import { tryJitter, tryOutcome, type TryFailureCause } from './try-outcome';
import { dependencyVerdict, type FlowView } from './flow';
import { DEFAULT_MAX_MAP_LENGTH, UNMAPPED } from './mapping';

export interface TaskInstanceView {
  taskId: string;
  /** A mapped task's instance: 0..n-1; -1 or absent for an unmapped task, or a mapped one not expanded yet. */
  mapIndex?: number;
  state: TaskInstanceState;
  /** Tries made so far: 0 before the first, N while try N runs. */
  tryNumber: number;
  maxTries: number;
  nextRetryAt: Date | null;
  /** When the current try started. */
  startedAt: Date | null;
  heartbeatAt: Date | null;
  /** Whether the current try recorded an external job (EMR step, Glue run); absent = no. */
  hasExternal?: boolean;
  /** The direct downstream a succeeded branch or short circuit follows; null or absent = all of them. */
  followed?: readonly string[] | null;
}

export interface SchedulingInput {
  dag: DagSpec;
  run: { state: DagRunState; startedAt: Date | null; runId?: string };
  /**
   * By task instance key (`taskKey`: the task id, `load[3]` for a mapped
   * task's instance). A task of the DAG with no instance here is read as
   * `none` with no tries.
   */
  tasks: ReadonlyMap<string, TaskInstanceView>;
  now: Date;
  /** How many more task instances of this DAG may become queued now (maxActiveTasks minus active ones across its runs). */
  freeTaskSlots: number;
  /** Free slots per pool; a pool not in the map is unlimited. */
  freePoolSlots: ReadonlyMap<string, number>;
  /**
   * Active (queued, running, deferred) instances per task id across the
   * DAG's runs, for tasks with maxActiveTisPerDag; a task not in the map has none.
   */
  activeByTask?: ReadonlyMap<string, number>;
  /**
   * Fast path: only evaluate these task ids (direct downstream of a task that
   * just finished). Omitted = all. Tasks this pass skips or fails bring their
   * direct downstream into the evaluation, so cascades complete. A pass
   * with `only` never decides the run: it does not see all of it.
   */
  only?: ReadonlySet<string>;
  /** A running try whose heartbeat is older than this is a zombie. */
  heartbeatTimeoutMs: number;
  /** Extra time past executionTimeout before the scheduler (safety net) fails a try the worker did not. */
  timeoutGraceMs: number;
}

/**
 * What a pass decides for a task instance. `taskId` is the instance's key:
 * the task id, or `load[3]` for an instance of a mapped task.
 */
export type TaskDecision =
  | { type: 'set_state'; taskId: string; from: TaskInstanceState; to: TaskInstanceState; reason: string }
  | {
      /** A mapped task whose trigger rule says run: make its instances (or skip or fail it), then decide again. */
      type: 'expand';
      taskId: string;
      from: 'none';
      map: TaskMap;
      /** The DAG's maxMapLength (or the default). */
      maxMapLength: number;
      reason: string;
    }
  | {
      type: 'enqueue';
      taskId: string;
      from: 'scheduled';
      /** The try the job runs: the task instance's tryNumber + 1. */
      tryNumber: number;
      pool: string;
      poolSlots: number;
      priorityWeight: number;
    }
  | {
      type: 'fail_try';
      taskId: string;
      from: 'running' | 'queued' | 'deferred';
      tryNumber: number;
      to: 'up_for_retry' | 'failed';
      nextRetryAt: Date | null;
      cause: TryFailureCause;
      reason: string;
    }
  | {
      /** The try's worker is gone but its external job is not: park it as deferred for another worker to resume. */
      type: 'resume_deferred';
      taskId: string;
      from: 'running';
      tryNumber: number;
      cause: 'heartbeat_lost';
      reason: string;
    }
  | { type: 'waiting'; taskId: string; reason: string };

export type RunDecision =
  | { type: 'finish_run'; to: 'success' | 'failed'; reason: string }
  | {
      type: 'fail_run_timeout';
      reason: string;
      /** Tasks not yet terminal, in topological order: skip them and stop what runs (Airflow skips them). */
      unfinishedTaskIds: string[];
    };

export interface SchedulingResult {
  tasks: TaskDecision[];
  run: RunDecision | null;
}

/** "90 s", "5 min 30 s", "2 h 30 min" — for reasons people read. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const min = Math.round(s / 60);
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function listIds(ids: readonly string[]): string {
  const shown = ids.slice(0, 5).join(', ');
  return ids.length > 5 ? `${shown} and ${ids.length - 5} more` : shown;
}

/** Why the scheduler must end the current try, or null. */
function tryFailure(
  ti: TaskInstanceView,
  spec: TaskSpec,
  input: SchedulingInput,
): { cause: TryFailureCause; reason: string } | null {
  const now = input.now.getTime();
  if (spec.executionTimeoutMs !== null && ti.startedAt !== null) {
    const ranFor = now - ti.startedAt.getTime();
    if (ranFor >= spec.executionTimeoutMs + input.timeoutGraceMs) {
      return {
        cause: 'execution_timeout',
        reason:
          `try ${ti.tryNumber} exceeded its executionTimeout of ${formatDuration(spec.executionTimeoutMs)} ` +
          `(started ${ti.startedAt.toISOString()}, ${formatDuration(ranFor)} ago)`,
      };
    }
  }
  if (ti.state === 'running') {
    const last = ti.heartbeatAt ?? ti.startedAt;
    if (last !== null && now - last.getTime() > input.heartbeatTimeoutMs) {
      return {
        cause: 'heartbeat_lost',
        reason:
          `no heartbeat from try ${ti.tryNumber} for ${formatDuration(now - last.getTime())} ` +
          `(limit ${formatDuration(input.heartbeatTimeoutMs)}); its worker is presumed lost`,
      };
    }
  }
  return null;
}

/** One pass of `decide`: the DAG's shape, the scope, and the states as the pass leaves them. */
interface Pass {
  input: SchedulingInput;
  shape: DagShape;
  /** Fast path: the task ids looked at, growing as the pass ends tasks; null = all. */
  scope: Set<string> | null;
  out: TaskDecision[];
  /** A task's state as this pass leaves it; read as the task instances say until the pass changes one. */
  decided(taskId: string): TaskInstanceState;
  decide(taskId: string, state: TaskInstanceState): void;
  /** A task that became terminal in this pass: its downstream must look again. */
  finished(taskId: string): void;
  /** The task's instances by map index (one, its own, for an unmapped task), each keyed. */
  instancesOf(taskId: string, spec: TaskSpec): ReadonlyArray<{ key: string; view: TaskInstanceView }>;
}

function startPass(input: SchedulingInput, shape: DagShape): Pass {
  const stateOf = (key: string): TaskInstanceState => input.tasks.get(key)?.state ?? 'none';
  const changed = new Map<string, TaskInstanceState>();
  const scope = input.only === undefined ? null : new Set(input.only);
  const byTask = new Map<string, Array<{ key: string; view: TaskInstanceView }>>();
  for (const [key, view] of input.tasks) {
    const list = byTask.get(view.taskId);
    if (list === undefined) byTask.set(view.taskId, [{ key, view }]);
    else list.push({ key, view });
  }
  for (const list of byTask.values())
    if (list.length > 1) list.sort((a, b) => (a.view.mapIndex ?? UNMAPPED) - (b.view.mapIndex ?? UNMAPPED));
  return {
    input,
    shape,
    scope,
    out: [],
    decided: (id) => changed.get(id) ?? stateOf(id),
    decide: (id, s) => void changed.set(id, s),
    finished: (id) => {
      if (scope !== null) for (const child of shape.downstream.get(id) ?? []) scope.add(child);
    },
    instancesOf: (taskId, spec) =>
      byTask.get(taskId) ?? [
        {
          key: taskId,
          view: {
            taskId,
            state: 'none',
            tryNumber: 0,
            maxTries: spec.retry.retries + 1,
            nextRetryAt: null,
            startedAt: null,
            heartbeatAt: null,
          },
        },
      ],
  };
}

export function decide(input: SchedulingInput): SchedulingResult {
  if (input.run.state !== 'running') return { tasks: [], run: null };
  const shape = shapeOf(input.dag);
  const timedOut = runTimeout(input, shape);
  if (timedOut !== null) return { tasks: [], run: timedOut };
  const pass = startPass(input, shape);
  if (endStuckTries(pass) === 'resumed') return { tasks: pass.out, run: null };
  evaluateDependencies(pass);
  enqueueWithinSlots(pass);
  return { tasks: pass.out, run: runEnd(pass) };
}

/** 1. A run past its dagrunTimeout fails, skipping what has not finished. */
function runTimeout(input: SchedulingInput, shape: DagShape): RunDecision | null {
  const { dag, now } = input;
  if (dag.dagrunTimeoutMs === null || input.run.startedAt === null) return null;
  const ranFor = now.getTime() - input.run.startedAt.getTime();
  if (ranFor < dag.dagrunTimeoutMs) return null;
  const instantiated = new Set<string>();
  const unfinishedIds = new Set<string>();
  for (const ti of input.tasks.values()) {
    instantiated.add(ti.taskId);
    if (!isTerminalTaskState(ti.state)) unfinishedIds.add(ti.taskId);
  }
  for (const id of shape.order) if (!instantiated.has(id)) unfinishedIds.add(id);
  return {
    type: 'fail_run_timeout',
    reason:
      `the run exceeded its dagrunTimeout of ${formatDuration(dag.dagrunTimeoutMs)} ` +
      `(started ${input.run.startedAt.toISOString()})`,
    unfinishedTaskIds: shape.order.filter((id) => unfinishedIds.has(id)),
  };
}

/**
 * 2. Tries the worker did not end itself: past executionTimeout plus grace,
 * or running without a heartbeat. 'resumed' when one of them was handed to
 * another worker instead: the pass then decides nothing more.
 */
function endStuckTries(pass: Pass): 'resumed' | 'none' {
  const { shape } = pass;
  let resumed = false;
  for (const taskId of inOrder(shape, pass.scope)) {
    const spec = shape.specs.get(taskId);
    if (spec === undefined) continue;
    for (const { key: id, view: ti } of pass.instancesOf(taskId, spec))
      if (endStuckTry(pass, id, ti, spec)) resumed = true;
  }
  return resumed ? 'resumed' : 'none';
}

/** One instance's part of step 2; true when its try was handed to another worker. */
function endStuckTry(pass: Pass, id: string, ti: TaskInstanceView, spec: TaskSpec): boolean {
  const { input } = pass;
  {
    if (ti.state !== 'running' && ti.state !== 'deferred') return false;
    const failure = tryFailure(ti, spec, input);
    if (failure === null) return false;
    const { cause, reason } = failure;
    const outcome = tryOutcome({
      ending:
        cause === 'heartbeat_lost'
          ? { kind: 'heartbeat_lost', hasExternal: ti.hasExternal ?? false }
          : { kind: 'execution_timeout' },
      tryNumber: ti.tryNumber,
      maxTries: ti.maxTries,
      retry: spec.retry,
      now: input.now,
      random: tryJitter(input.dag.dagId, input.run.runId ?? input.run.startedAt?.toISOString() ?? '', id, ti.tryNumber),
    });
    switch (outcome.type) {
      case 'resume-deferred':
        if (ti.state !== 'running') return false;
        pass.out.push({
          type: 'resume_deferred',
          taskId: id,
          from: 'running',
          tryNumber: ti.tryNumber,
          cause: outcome.cause,
          reason: `${reason}; its external job goes on, so another worker resumes the wait`,
        });
        pass.decide(id, 'deferred');
        return true;
      case 'retry':
        pass.out.push({
          type: 'fail_try',
          taskId: id,
          from: ti.state,
          tryNumber: ti.tryNumber,
          to: 'up_for_retry',
          nextRetryAt: outcome.at,
          cause,
          reason,
        });
        pass.decide(id, 'up_for_retry');
        break;
      case 'fail':
        pass.out.push({
          type: 'fail_try',
          taskId: id,
          from: ti.state,
          tryNumber: ti.tryNumber,
          to: 'failed',
          nextRetryAt: null,
          cause,
          reason: `${reason}; no tries left (${ti.tryNumber} of ${ti.maxTries})`,
        });
        pass.decide(id, 'failed');
        pass.finished(ti.taskId);
        break;
      case 'success':
      case 'skip':
        throw new Error(`a try the scheduler ended cannot be a ${outcome.type}`);
      default:
        assertNever(outcome);
    }
  }
  return false;
}

/** 3. Dependencies and due retries, upstream before downstream. */
function evaluateDependencies(pass: Pass): void {
  const { input, shape } = pass;
  for (const id of inOrder(shape, pass.scope)) {
    const spec = shape.specs.get(id);
    if (spec === undefined) continue;
    let verdict: ReturnType<typeof dependencyVerdict> | null = null;
    for (const { key, view: ti } of pass.instancesOf(id, spec)) {
      if (ti.state === 'none') {
        verdict ??= verdictOf(pass, spec);
        const { outcome, reason } = verdict;
        if (outcome === 'wait') {
          pass.out.push({ type: 'waiting', taskId: key, reason });
          continue;
        }
        if (outcome === 'run' && spec.map !== undefined && (ti.mapIndex ?? UNMAPPED) < 0) {
          const maxMapLength = input.dag.maxMapLength ?? DEFAULT_MAX_MAP_LENGTH;
          pass.out.push({ type: 'expand', taskId: key, from: 'none', map: spec.map, maxMapLength, reason });
          continue;
        }
        const to = outcome === 'run' ? 'scheduled' : outcome === 'skip' ? 'skipped' : 'upstream_failed';
        pass.out.push({ type: 'set_state', taskId: key, from: 'none', to, reason });
        pass.decide(key, to);
        if (to !== 'scheduled') pass.finished(id);
      } else if (ti.state === 'up_for_retry') {
        const next = `try ${ti.tryNumber + 1} of ${ti.maxTries}`;
        if (ti.nextRetryAt === null || ti.nextRetryAt.getTime() <= input.now.getTime()) {
          pass.out.push({
            type: 'set_state',
            taskId: key,
            from: 'up_for_retry',
            to: 'scheduled',
            reason: `${next} is due`,
          });
          pass.decide(key, 'scheduled');
        } else {
          pass.out.push({ type: 'waiting', taskId: key, reason: `${next} at ${ti.nextRetryAt.toISOString()}` });
        }
      }
    }
  }
}

/** Why a task may not be queued now under its maxActiveTisPerDag, or null when it may. */
export function instancesCap(spec: Pick<TaskSpec, 'taskId' | 'maxActiveTisPerDag'>, active: number): string | null {
  const cap = spec.maxActiveTisPerDag;
  if (cap === undefined || active < cap) return null;
  return `${spec.taskId}: ${active} of ${cap} instances of this task active across runs (maxActiveTisPerDag)`;
}

/** Whether a task's `none` instances may run, as the states this pass leaves its upstream in say: every instance of a mapped one counts. */
function verdictOf(pass: Pass, spec: TaskSpec): ReturnType<typeof dependencyVerdict> {
  const { input, shape } = pass;
  const flowViews = (up: string): FlowView[] => {
    const upSpec = shape.specs.get(up);
    if (upSpec === undefined) return [];
    return pass.instancesOf(up, upSpec).map(({ key, view }) => ({
      taskId: key,
      state: pass.decided(key),
      followed: view.followed ?? null,
    }));
  };
  const upstream = [...new Set(spec.upstream)].flatMap(flowViews);
  const shortCircuits = (shape.shortCircuitsAbove.get(spec.taskId) ?? []).map(
    (sc): FlowView => ({ taskId: sc, state: pass.decided(sc), followed: input.tasks.get(sc)?.followed ?? null }),
  );
  return dependencyVerdict(spec, upstream, shortCircuits, shape.setups);
}

/**
 * 4. Scheduled task instances are enqueued by priorityWeight, then
 * topological order, then map index, within the DAG's and the pools' free
 * slots, each task's maxActiveTisPerDag and each mapped task's
 * maxActiveTisPerDagrun.
 */
function enqueueWithinSlots(pass: Pass): void {
  const { input, shape } = pass;
  const { specs, topoIndex } = shape;
  const candidates: Array<{ key: string; spec: TaskSpec; view: TaskInstanceView }> = [];
  /** Instances of each limited task queued, running or deferred as the pass leaves them. */
  const activeOf = new Map<string, number>();
  for (const id of inOrder(shape, pass.scope)) {
    const spec = specs.get(id);
    if (spec === undefined) continue;
    for (const { key, view } of pass.instancesOf(id, spec)) {
      const state = pass.decided(key);
      if (state === 'scheduled') candidates.push({ key, spec, view });
      else if (spec.maxActiveTisPerDagrun !== undefined && isActiveTaskState(state))
        activeOf.set(id, (activeOf.get(id) ?? 0) + 1);
    }
  }
  candidates.sort(
    (a, b) =>
      b.spec.priorityWeight - a.spec.priorityWeight ||
      (topoIndex.get(a.spec.taskId) ?? 0) - (topoIndex.get(b.spec.taskId) ?? 0) ||
      (a.view.mapIndex ?? UNMAPPED) - (b.view.mapIndex ?? UNMAPPED),
  );
  let taskSlots = input.freeTaskSlots;
  const poolSlots = new Map(input.freePoolSlots);
  /** Instances of each task active across the DAG's runs, counting those this pass queues (a mapped task queues many). */
  const activeInDagOf = new Map(input.activeByTask ?? []);
  for (const { key, spec, view } of candidates) {
    if (taskSlots <= 0) {
      pass.out.push({
        type: 'waiting',
        taskId: key,
        reason: `the DAG has no free task slot (maxActiveTasks is ${input.dag.maxActiveTasks})`,
      });
      continue;
    }
    const activeInDag = activeInDagOf.get(spec.taskId) ?? 0;
    const perDag = instancesCap(spec, activeInDag);
    if (perDag !== null) {
      pass.out.push({ type: 'waiting', taskId: key, reason: perDag });
      continue;
    }
    const limit = spec.maxActiveTisPerDagrun;
    const active = activeOf.get(spec.taskId) ?? 0;
    if (limit !== undefined && active >= limit) {
      pass.out.push({
        type: 'waiting',
        taskId: key,
        reason: `${plural(active, 'instance')} of ${spec.taskId} already queued or running in this run (maxActiveTisPerDagrun is ${limit})`,
      });
      continue;
    }
    const free = poolSlots.get(spec.pool);
    if (free !== undefined && free < spec.poolSlots) {
      pass.out.push({
        type: 'waiting',
        taskId: key,
        reason: `pool "${spec.pool}" has ${plural(Math.max(0, free), 'free slot')}; the task needs ${spec.poolSlots}`,
      });
      continue;
    }
    pass.out.push({
      type: 'enqueue',
      taskId: key,
      from: 'scheduled',
      tryNumber: view.tryNumber + 1,
      pool: spec.pool,
      poolSlots: spec.poolSlots,
      priorityWeight: spec.priorityWeight,
    });
    taskSlots -= 1;
    if (limit !== undefined) activeOf.set(spec.taskId, active + 1);
    if (spec.maxActiveTisPerDag !== undefined) activeInDagOf.set(spec.taskId, activeInDag + 1);
    if (free !== undefined) poolSlots.set(spec.pool, free - spec.poolSlots);
    pass.decide(key, 'queued');
  }
}

/** 5. The run's end, once every task instance is terminal; a partial view (fast path) cannot tell. */
function runEnd(pass: Pass): RunDecision | null {
  if (pass.scope !== null) return null;
  const { order, specs } = pass.shape;
  const states: Array<readonly [string, TaskInstanceState]> = [];
  const ignored = new Set<string>();
  let mapped = false;
  for (const id of order) {
    const spec = specs.get(id);
    if (spec === undefined) continue;
    for (const { key } of pass.instancesOf(id, spec)) {
      if (key !== id) mapped = true;
      states.push([key, pass.decided(key)]);
      if (pass.shape.outcomeIgnored.has(id)) ignored.add(key);
    }
  }
  const outcome = runOutcome(states, ignored);
  switch (outcome.state) {
    case 'running':
      return null;
    case 'failed':
      return {
        type: 'finish_run',
        to: 'failed',
        reason: `${plural(outcome.failedTaskIds.length, 'task')} failed: ${listIds(outcome.failedTaskIds)}`,
      };
    case 'success': {
      const counts = new Map<TaskInstanceState, number>();
      for (const [, state] of states) counts.set(state, (counts.get(state) ?? 0) + 1);
      const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
      return {
        type: 'finish_run',
        to: 'success',
        reason: mapped
          ? `all ${plural(states.length, 'task instance')} finished: ${summary}`
          : order.length === 1
            ? `the only task finished: ${summary}`
            : `all ${order.length} tasks finished: ${summary}`,
      };
    }
    default:
      return assertNever(outcome);
  }
}
