/**
 * The scheduling decision for one DAG run, as a pure function (DESIGN
 * invariant 4): given the DAG, the run, its task instances and the time, say
 * which task instances move where. The I/O layer applies the decisions, in
 * array order, as conditional writes (`… WHERE state = from`).
 *
 * One pass:
 * 1. A run past its dagrunTimeout fails; nothing else is decided.
 * 2. Tries past executionTimeout + grace, or running without a heartbeat,
 *    fail (to up_for_retry while tries remain).
 * 3. In topological order, `none` tasks are scheduled, skipped or marked
 *    upstream_failed by their trigger rule, reading the states decided
 *    earlier in the same pass, so a failure cascades down the whole DAG at
 *    once. Retries whose time has come are scheduled.
 * 4. Scheduled tasks (including those just scheduled) are enqueued by
 *    priorityWeight, then topological order, within the DAG's free task
 *    slots and the pools' free slots.
 * 5. When every task is terminal, the run finishes: failed if any task
 *    failed or is upstream_failed, else success. (Airflow looks only at leaf
 *    tasks; Sluice fails the run on any failure, so a failure handled by a
 *    `one_failed` task still shows as a failed run.)
 *
 * Applying: a task's `enqueue` follows its `set_state … → scheduled`; if a
 * write finds the task in another state (someone else moved it), skip what
 * follows for that task and drop the run decision, then decide again.
 */
import type { DagSpec, TaskSpec } from './dag-spec';
import { topologicalOrder } from './dag-graph';
import { hasTriesLeft, nextTryAt, stableRandom } from './retry-policy';
import { failedTaskStates, isTerminalTaskState, type DagRunState, type TaskInstanceState } from './states';
import { evaluateTriggerRule } from './trigger-rules';

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

/** Why the scheduler must fail the current try, or null. */
function tryFailureReason(ti: TaskInstanceView, spec: TaskSpec, input: SchedulingInput): string | null {
  const now = input.now.getTime();
  if (spec.executionTimeoutMs !== null && ti.startedAt !== null) {
    const ranFor = now - ti.startedAt.getTime();
    if (ranFor >= spec.executionTimeoutMs + input.timeoutGraceMs) {
      return (
        `try ${ti.tryNumber} exceeded its executionTimeout of ${formatDuration(spec.executionTimeoutMs)} ` +
        `(started ${ti.startedAt.toISOString()}, ${formatDuration(ranFor)} ago)`
      );
    }
  }
  if (ti.state === 'running') {
    const last = ti.heartbeatAt ?? ti.startedAt;
    if (last !== null && now - last.getTime() > input.heartbeatTimeoutMs) {
      return (
        `no heartbeat from try ${ti.tryNumber} for ${formatDuration(now - last.getTime())} ` +
        `(limit ${formatDuration(input.heartbeatTimeoutMs)}); its worker is presumed lost`
      );
    }
  }
  return null;
}

interface DagShape {
  specs: ReadonlyMap<string, TaskSpec>;
  order: readonly string[];
  topoIndex: ReadonlyMap<string, number>;
  downstream: ReadonlyMap<string, readonly string[]>;
}

/** What decide needs of a DAG's structure, worked out once per spec object (specs are not mutated). */
const shapes = new WeakMap<DagSpec, DagShape>();

function shapeOf(dag: DagSpec): DagShape {
  let shape = shapes.get(dag);
  if (!shape) {
    const order = topologicalOrder(dag);
    const downstream = new Map<string, string[]>(order.map((id) => [id, []]));
    for (const t of dag.tasks) for (const up of new Set(t.upstream)) downstream.get(up)?.push(t.taskId);
    shape = { specs: new Map(dag.tasks.map((t) => [t.taskId, t] as const)), order, topoIndex: new Map(order.map((id, i) => [id, i] as const)), downstream };
    shapes.set(dag, shape);
  }
  return shape;
}

/**
 * The task ids a pass looks at, upstream before downstream: all of them, or
 * (fast path) the scope, which grows as the pass ends tasks. Visits each id
 * once, so the fast path costs what its scope holds, not the DAG's size.
 */
function* inOrder(shape: DagShape, scope: Set<string> | null): Generator<string> {
  if (scope === null) {
    yield* shape.order;
    return;
  }
  const at = (id: string) => shape.topoIndex.get(id) ?? -1;
  const pending = [...scope].filter((id) => at(id) >= 0).sort((a, b) => at(a) - at(b));
  const queued = new Set(pending);
  let known = scope.size;
  for (let i = 0; i < pending.length; i++) {
    const id = pending[i] as string;
    yield id;
    if (scope.size === known) continue;
    // Tasks the pass brought into scope meanwhile (downstream of one it ended;
    // a Set keeps insertion order): in place, by topological index.
    const additions = [...scope].slice(known);
    known = scope.size;
    for (const added of additions) {
      if (queued.has(added) || at(added) < 0) continue;
      queued.add(added);
      let pos = pending.length;
      while (pos > i + 1 && at(pending[pos - 1] as string) > at(added)) pos--;
      pending.splice(pos, 0, added);
    }
  }
}

export function decide(input: SchedulingInput): SchedulingResult {
  if (input.run.state !== 'running') return { tasks: [], run: null };
  const { dag, now } = input;
  const shape = shapeOf(dag);
  const { specs, order, topoIndex, downstream } = shape;

  const viewOf = (taskId: string, spec: TaskSpec): TaskInstanceView =>
    input.tasks.get(taskId) ?? {
      taskId,
      state: 'none',
      tryNumber: 0,
      maxTries: spec.retry.retries + 1,
      nextRetryAt: null,
      startedAt: null,
      heartbeatAt: null,
    };
  const stateOf = (taskId: string): TaskInstanceState => input.tasks.get(taskId)?.state ?? 'none';

  // 1. dagrunTimeout
  if (dag.dagrunTimeoutMs !== null && input.run.startedAt !== null) {
    const ranFor = now.getTime() - input.run.startedAt.getTime();
    if (ranFor >= dag.dagrunTimeoutMs) {
      return {
        tasks: [],
        run: {
          type: 'fail_run_timeout',
          reason:
            `the run exceeded its dagrunTimeout of ${formatDuration(dag.dagrunTimeoutMs)} ` +
            `(started ${input.run.startedAt.toISOString()})`,
          unfinishedTaskIds: order.filter((id) => !isTerminalTaskState(stateOf(id))),
        },
      };
    }
  }

  const scope = input.only === undefined ? null : new Set(input.only);
  /** States as this pass leaves them; read as the task instances say until it changes one. */
  const changed = new Map<string, TaskInstanceState>();
  const decided = { get: (id: string): TaskInstanceState => changed.get(id) ?? stateOf(id), set: (id: string, s: TaskInstanceState) => void changed.set(id, s) };
  /** A task that became terminal in this pass: its downstream must look again. */
  const finished = (id: string): void => {
    if (scope !== null) for (const child of downstream.get(id) ?? []) scope.add(child);
  };
  const out: TaskDecision[] = [];

  // 2. Timeouts and zombies
  for (const id of inOrder(shape, scope)) {
    const spec = specs.get(id);
    if (spec === undefined) continue;
    const ti = viewOf(id, spec);
    if (ti.state !== 'running' && ti.state !== 'deferred') continue;
    const reason = tryFailureReason(ti, spec, input);
    if (reason === null) continue;
    const retry = hasTriesLeft(ti.tryNumber, ti.maxTries);
    const jitterKey = `${dag.dagId}:${input.run.runId ?? input.run.startedAt?.toISOString() ?? ''}:${id}:${ti.tryNumber}`;
    out.push({
      type: 'fail_try',
      taskId: id,
      from: ti.state,
      tryNumber: ti.tryNumber,
      to: retry ? 'up_for_retry' : 'failed',
      nextRetryAt: retry ? nextTryAt(spec.retry, Math.max(1, ti.tryNumber), now, () => stableRandom(jitterKey)) : null,
      reason: retry ? reason : `${reason}; no tries left (${ti.tryNumber} of ${ti.maxTries})`,
    });
    decided.set(id, retry ? 'up_for_retry' : 'failed');
    if (!retry) finished(id);
  }

  // 3. Dependencies and due retries, upstream before downstream
  for (const id of inOrder(shape, scope)) {
    const spec = specs.get(id);
    if (spec === undefined) continue;
    const ti = viewOf(id, spec);
    if (ti.state === 'none') {
      const upstream = [...new Set(spec.upstream)]
        .filter((up) => specs.has(up))
        .map((up) => ({ taskId: up, state: decided.get(up) }));
      const { outcome, reason } = evaluateTriggerRule(spec.triggerRule, upstream);
      if (outcome === 'wait') {
        out.push({ type: 'waiting', taskId: id, reason });
        continue;
      }
      const to = outcome === 'run' ? 'scheduled' : outcome === 'skip' ? 'skipped' : 'upstream_failed';
      out.push({ type: 'set_state', taskId: id, from: 'none', to, reason });
      decided.set(id, to);
      if (to !== 'scheduled') finished(id);
    } else if (ti.state === 'up_for_retry') {
      const next = `try ${ti.tryNumber + 1} of ${ti.maxTries}`;
      if (ti.nextRetryAt === null || ti.nextRetryAt.getTime() <= now.getTime()) {
        out.push({ type: 'set_state', taskId: id, from: 'up_for_retry', to: 'scheduled', reason: `${next} is due` });
        decided.set(id, 'scheduled');
      } else {
        out.push({ type: 'waiting', taskId: id, reason: `${next} at ${ti.nextRetryAt.toISOString()}` });
      }
    }
  }

  // 4. Enqueue within the DAG's and the pools' free slots
  const candidates = [...inOrder(shape, scope)]
    .filter((id) => decided.get(id) === 'scheduled')
    .flatMap((id) => {
      const spec = specs.get(id);
      return spec === undefined ? [] : [spec];
    })
    .sort(
      (a, b) =>
        b.priorityWeight - a.priorityWeight || (topoIndex.get(a.taskId) ?? 0) - (topoIndex.get(b.taskId) ?? 0),
    );
  let taskSlots = input.freeTaskSlots;
  const poolSlots = new Map(input.freePoolSlots);
  for (const spec of candidates) {
    const id = spec.taskId;
    if (taskSlots <= 0) {
      out.push({
        type: 'waiting',
        taskId: id,
        reason: `the DAG has no free task slot (maxActiveTasks is ${dag.maxActiveTasks})`,
      });
      continue;
    }
    const free = poolSlots.get(spec.pool);
    if (free !== undefined && free < spec.poolSlots) {
      out.push({
        type: 'waiting',
        taskId: id,
        reason: `pool "${spec.pool}" has ${plural(Math.max(0, free), 'free slot')}; the task needs ${spec.poolSlots}`,
      });
      continue;
    }
    out.push({
      type: 'enqueue',
      taskId: id,
      from: 'scheduled',
      tryNumber: viewOf(id, spec).tryNumber + 1,
      pool: spec.pool,
      poolSlots: spec.poolSlots,
      priorityWeight: spec.priorityWeight,
    });
    taskSlots -= 1;
    if (free !== undefined) poolSlots.set(spec.pool, free - spec.poolSlots);
    decided.set(id, 'queued');
  }

  // 5. Finish the run when every task is terminal (a partial view cannot tell)
  if (scope !== null) return { tasks: out, run: null };
  const states = order.map((id) => decided.get(id));
  if (!states.every(isTerminalTaskState)) return { tasks: out, run: null };
  const failed = order.filter((id) => failedTaskStates.has(decided.get(id)));
  if (failed.length > 0) {
    return {
      tasks: out,
      run: { type: 'finish_run', to: 'failed', reason: `${plural(failed.length, 'task')} failed: ${listIds(failed)}` },
    };
  }
  const counts = new Map<TaskInstanceState, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  return {
    tasks: out,
    run: { type: 'finish_run', to: 'success', reason: `${order.length === 1 ? 'the only task' : `all ${order.length} tasks`} finished: ${summary}` },
  };
}
