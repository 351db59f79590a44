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
 *    once. Retries whose time has come are scheduled.
 * 4. Scheduled tasks (including those just scheduled) are enqueued by
 *    priorityWeight, then topological order, within the DAG's free task
 *    slots, each task's maxActiveTisPerDag and the pools' free slots.
 * 5. When every task is terminal, the run finishes as `runOutcome` says:
 *    failed if any task failed or is upstream_failed (a teardown only with
 *    failRun), else success.
 *
 * Applying: a task's `enqueue` follows its `set_state … → scheduled`; if a
 * write finds the task in another state (someone else moved it), skip what
 * follows for that task and drop the run decision, then decide again.
 */
import type { DagSpec, TaskSpec } from './dag-spec';
import { assertNever } from './assert-never';
import { runOutcome } from './run-outcome';
import { inOrder, shapeOf, type DagShape } from './scheduling-shape';
import { isTerminalTaskState, type DagRunState, type TaskInstanceState } from './states';
import { tryJitter, tryOutcome, type TryFailureCause } from './try-outcome';
import { dependencyVerdict, type FlowView } from './flow';

export interface TaskInstanceView {
  taskId: string;
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
  /** By task id. A task of the DAG missing here is read as `none` with no tries. */
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

export type TaskDecision =
  | { type: 'set_state'; taskId: string; from: TaskInstanceState; to: TaskInstanceState; reason: string }
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
  viewOf(taskId: string, spec: TaskSpec): TaskInstanceView;
}

function startPass(input: SchedulingInput, shape: DagShape): Pass {
  const stateOf = (taskId: string): TaskInstanceState => input.tasks.get(taskId)?.state ?? 'none';
  const changed = new Map<string, TaskInstanceState>();
  const scope = input.only === undefined ? null : new Set(input.only);
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
    viewOf: (taskId, spec) =>
      input.tasks.get(taskId) ?? {
        taskId,
        state: 'none',
        tryNumber: 0,
        maxTries: spec.retry.retries + 1,
        nextRetryAt: null,
        startedAt: null,
        heartbeatAt: null,
      },
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
  return {
    type: 'fail_run_timeout',
    reason:
      `the run exceeded its dagrunTimeout of ${formatDuration(dag.dagrunTimeoutMs)} ` +
      `(started ${input.run.startedAt.toISOString()})`,
    unfinishedTaskIds: shape.order.filter((id) => !isTerminalTaskState(input.tasks.get(id)?.state ?? 'none')),
  };
}

/**
 * 2. Tries the worker did not end itself: past executionTimeout plus grace,
 * or running without a heartbeat. 'resumed' when one of them was handed to
 * another worker instead: the pass then decides nothing more.
 */
function endStuckTries(pass: Pass): 'resumed' | 'none' {
  const { input, shape } = pass;
  let resumed = false;
  for (const id of inOrder(shape, pass.scope)) {
    const spec = shape.specs.get(id);
    if (spec === undefined) continue;
    const ti = pass.viewOf(id, spec);
    if (ti.state !== 'running' && ti.state !== 'deferred') continue;
    const failure = tryFailure(ti, spec, input);
    if (failure === null) continue;
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
        if (ti.state !== 'running') continue;
        pass.out.push({
          type: 'resume_deferred',
          taskId: id,
          from: 'running',
          tryNumber: ti.tryNumber,
          cause: outcome.cause,
          reason: `${reason}; its external job goes on, so another worker resumes the wait`,
        });
        pass.decide(id, 'deferred');
        resumed = true;
        break;
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
        pass.finished(id);
        break;
      case 'success':
      case 'skip':
        throw new Error(`a try the scheduler ended cannot be a ${outcome.type}`);
      default:
        assertNever(outcome);
    }
  }
  return resumed ? 'resumed' : 'none';
}

/** 3. Dependencies and due retries, upstream before downstream. */
function evaluateDependencies(pass: Pass): void {
  const { input, shape } = pass;
  for (const id of inOrder(shape, pass.scope)) {
    const spec = shape.specs.get(id);
    if (spec === undefined) continue;
    const ti = pass.viewOf(id, spec);
    if (ti.state === 'none') {
      const flowView = (up: string): FlowView => ({
        taskId: up,
        state: pass.decided(up),
        followed: input.tasks.get(up)?.followed ?? null,
      });
      const upstream = [...new Set(spec.upstream)].filter((up) => shape.specs.has(up)).map(flowView);
      const shortCircuits = (shape.shortCircuitsAbove.get(id) ?? []).map(flowView);
      const { outcome, reason } = dependencyVerdict(spec, upstream, shortCircuits, shape.setups);
      if (outcome === 'wait') {
        pass.out.push({ type: 'waiting', taskId: id, reason });
        continue;
      }
      const to = outcome === 'run' ? 'scheduled' : outcome === 'skip' ? 'skipped' : 'upstream_failed';
      pass.out.push({ type: 'set_state', taskId: id, from: 'none', to, reason });
      pass.decide(id, to);
      if (to !== 'scheduled') pass.finished(id);
    } else if (ti.state === 'up_for_retry') {
      const next = `try ${ti.tryNumber + 1} of ${ti.maxTries}`;
      if (ti.nextRetryAt === null || ti.nextRetryAt.getTime() <= input.now.getTime()) {
        pass.out.push({
          type: 'set_state',
          taskId: id,
          from: 'up_for_retry',
          to: 'scheduled',
          reason: `${next} is due`,
        });
        pass.decide(id, 'scheduled');
      } else {
        pass.out.push({ type: 'waiting', taskId: id, reason: `${next} at ${ti.nextRetryAt.toISOString()}` });
      }
    }
  }
}

/** Why a task may not be queued now under its maxActiveTisPerDag, or null when it may. */
export function instancesCap(spec: Pick<TaskSpec, 'maxActiveTisPerDag'>, active: number): string | null {
  const cap = spec.maxActiveTisPerDag;
  if (cap === undefined || active < cap) return null;
  return `load: ${active} of ${cap} instances of this task active across runs (maxActiveTisPerDag)`;
}

/** 4. Scheduled tasks are enqueued by priorityWeight, then topological order, within the DAG's and the pools' free slots. */
function enqueueWithinSlots(pass: Pass): void {
  const { input, shape } = pass;
  const { specs, topoIndex } = shape;
  const candidates = [...inOrder(shape, pass.scope)]
    .filter((id) => pass.decided(id) === 'scheduled')
    .flatMap((id) => {
      const spec = specs.get(id);
      return spec === undefined ? [] : [spec];
    })
    .sort(
      (a, b) => b.priorityWeight - a.priorityWeight || (topoIndex.get(a.taskId) ?? 0) - (topoIndex.get(b.taskId) ?? 0),
    );
  let taskSlots = input.freeTaskSlots;
  const poolSlots = new Map(input.freePoolSlots);
  for (const spec of candidates) {
    const id = spec.taskId;
    if (taskSlots <= 0) {
      pass.out.push({
        type: 'waiting',
        taskId: id,
        reason: `the DAG has no free task slot (maxActiveTasks is ${input.dag.maxActiveTasks})`,
      });
      continue;
    }
    // One instance of a task per run: a pass never queues two, so the count needs no update here.
    const perDag = instancesCap(spec, input.activeByTask?.get(id) ?? 0);
    if (perDag !== null) {
      pass.out.push({ type: 'waiting', taskId: id, reason: perDag });
      continue;
    }
    const free = poolSlots.get(spec.pool);
    if (free !== undefined && free < spec.poolSlots) {
      pass.out.push({
        type: 'waiting',
        taskId: id,
        reason: `pool "${spec.pool}" has ${plural(Math.max(0, free), 'free slot')}; the task needs ${spec.poolSlots}`,
      });
      continue;
    }
    pass.out.push({
      type: 'enqueue',
      taskId: id,
      from: 'scheduled',
      tryNumber: pass.viewOf(id, spec).tryNumber + 1,
      pool: spec.pool,
      poolSlots: spec.poolSlots,
      priorityWeight: spec.priorityWeight,
    });
    taskSlots -= 1;
    if (free !== undefined) poolSlots.set(spec.pool, free - spec.poolSlots);
    pass.decide(id, 'queued');
  }
}

/** 5. The run's end, once every task is terminal; a partial view (fast path) cannot tell. */
function runEnd(pass: Pass): RunDecision | null {
  if (pass.scope !== null) return null;
  const { order } = pass.shape;
  const outcome = runOutcome(
    order.map((id) => [id, pass.decided(id)] as const),
    pass.shape.outcomeIgnored,
  );
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
      for (const id of order) counts.set(pass.decided(id), (counts.get(pass.decided(id)) ?? 0) + 1);
      const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
      return {
        type: 'finish_run',
        to: 'success',
        reason: `${order.length === 1 ? 'the only task' : `all ${order.length} tasks`} finished: ${summary}`,
      };
    }
    default:
      return assertNever(outcome);
  }
}
