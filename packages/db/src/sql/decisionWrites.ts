/**
 * The writes a scheduling pass makes of its task decisions, shared by the
 * one-round-trip path (promotions only) and the in-order path: the
 * statements, and what each one's result says applied. A write that finds
 * its task moved by someone else marks the task stale: the rest of the
 * view is out of date for it.
 */
import type { QueryConfig, QueryResult } from 'pg';
import {
  DEFAULT_QUEUE,
  isTerminalTaskState,
  taskKey,
  type DagRunState,
  type RunDecision,
  type TaskDecision,
} from '@sluice/core';
import type { ClaimedTry } from './claimTaskTry';
import type { InterruptedTry } from './interrupted';
import { prepared } from './queryable';
import type { RunSnapshot, TaskInstanceRow } from './runSnapshot';
import { ts, type TaskMove } from './states';
import { lockedInIdOrder } from './lockOrder';

export interface Decisions {
  tasks: TaskDecision[];
  run: RunDecision | null;
}

export interface ScheduleRunResult {
  /** Tries to put on their queue, now that their state says queued. */
  enqueued: Array<{ taskInstanceId: string; tryNumber: number; queue: string }>;
  /** Task instance keys (`load`, `load[3]`) that moved to a terminal state in this pass. */
  finished: string[];
  /** Tries ended under a running external job (timeouts): their jobs are to be cancelled. */
  interrupted: InterruptedTry[];
  /**
   * Tries whose worker vanished while they had an external job going: not
   * failed but parked as deferred, so another worker resumes the wait (and
   * adopts the job by its marker). Their checks are due now.
   */
  resumed: Array<{ taskInstanceId: string; tryNumber: number; dueAt: number }>;
  runState: DagRunState | null;
  /** The try claimed for the caller (`claimFirstFor`); not in `enqueued`. */
  claimed: ClaimedTry | null;
}

/**
 * A scheduling pass commits without waiting for its WAL to reach the disk:
 * what it writes is derived from task states already committed, so a
 * Postgres crash that loses it loses nothing the next pass does not decide
 * again (a job enqueued for it finds its try not queued and does nothing).
 * Anything that builds on it — a claim, a finish — commits synchronously,
 * and its flush carries this commit's WAL, which comes before it. Saves a
 * WAL flush (~1.2 ms here) on the path from one task to the next. ADR 0006.
 */
export const NO_FLUSH_WAIT = 'SET LOCAL synchronous_commit = off';

/** Who the fast path claims a try for: the worker's host, and the queues it serves (a try on another is put on its queue). */
export interface Claimant {
  hostname: string;
  queues: ReadonlySet<string>;
}

/** Whether applying these decisions would write anything: a run decision, or a task decision other than waiting. */
export function writesSomething(d: Decisions): boolean {
  return d.run !== null || d.tasks.some((t) => t.type !== 'waiting');
}

/** Whether these decisions only promote tasks (and wait): no run decision, no try ended or resumed, nothing expanded. */
export function promotesOnly(d: Decisions): boolean {
  return d.run === null && d.tasks.every((t) => t.type === 'set_state' || t.type === 'enqueue' || t.type === 'waiting');
}

export const setStatesMoves: readonly TaskMove[] = [
  { from: ['none', 'up_for_retry'], to: 'scheduled' },
  { from: ['none'], to: 'skipped' },
  { from: ['none'], to: 'upstream_failed' },
];
const setStates = prepared(
  'scheduleRun.setStates',
  `WITH d AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bool[]) AS d(id, from_state, to_state, terminal)),
     ${lockedInIdOrder('d', 'ti.id = d.id AND ti.state = d.from_state')}
   UPDATE task_instance ti SET state = d.to_state, updated_at = now(),
           ended_at = CASE WHEN d.terminal THEN now() ELSE ti.ended_at END,
           next_retry_at = CASE WHEN d.to_state = ${ts.scheduled} THEN NULL ELSE ti.next_retry_at END
         FROM d JOIN locked ON locked.id = d.id
         WHERE ti.id = d.id
         RETURNING ti.id`,
);
/** A task promoted straight through (→ scheduled → queued) in one row write. */
export const promoteMoves: readonly TaskMove[] = [{ from: ['none', 'up_for_retry'], to: 'queued' }];
export const promoteTasks = prepared(
  'scheduleRun.promote',
  `WITH d AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[]) AS d(id, from_state, try)),
     ${lockedInIdOrder('d', 'ti.id = d.id AND ti.state = d.from_state AND ti.try_number = d.try - 1')}
   UPDATE task_instance ti SET state = ${ts.queued}, try_number = d.try, queued_at = now(), next_retry_at = NULL,
           started_at = NULL, ended_at = NULL, duration_ms = NULL, hostname = NULL, heartbeat_at = NULL, updated_at = now()
         FROM d JOIN locked ON locked.id = d.id
         WHERE ti.id = d.id
         RETURNING ti.id, ti.try_number`,
);
export const enqueueMoves: readonly TaskMove[] = [{ from: ['scheduled'], to: 'queued' }];
const enqueueTasks = prepared(
  'scheduleRun.enqueue',
  `WITH d AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS d(id, try)),
     ${lockedInIdOrder('d', `ti.id = d.id AND ti.state = ${ts.scheduled} AND ti.try_number = d.try - 1`)}
   UPDATE task_instance ti SET state = ${ts.queued}, try_number = d.try, queued_at = now(),
           started_at = NULL, ended_at = NULL, duration_ms = NULL, hostname = NULL, heartbeat_at = NULL, updated_at = now()
         FROM d JOIN locked ON locked.id = d.id
         WHERE ti.id = d.id
         RETURNING ti.id, ti.try_number`,
);

export type SetState = Extract<TaskDecision, { type: 'set_state' }>;
export type Enqueue = Extract<TaskDecision, { type: 'enqueue' }>;

/** The writes of one pass over one snapshot, and what they did so far. */
export interface DecisionWrites {
  /** By task instance key (`load`, `load[3]`), as decisions name them. */
  byTask: ReadonlyMap<string, TaskInstanceRow>;
  finished: string[];
  enqueued: ScheduleRunResult['enqueued'];
  stale: Set<string>;
  /** A task's decisions apply in their order (none → scheduled, then enqueue); round k holds every task's k-th. */
  rounds: TaskDecision[][];
  sets(round: readonly TaskDecision[]): SetState[];
  enqueues(round: readonly TaskDecision[]): Enqueue[];
  setStatement(ds: readonly SetState[]): QueryConfig;
  enqueueStatement(ds: readonly Enqueue[]): QueryConfig;
  setsApplied(ds: readonly SetState[], res: QueryResult): void;
  enqueuesApplied(ds: readonly Enqueue[], res: QueryResult): void;
}

export function startWrites(snapshot: RunSnapshot, decisions: Decisions): DecisionWrites {
  const byTask = new Map(snapshot.taskInstances.map((t) => [taskKey(t.taskId, t.mapIndex), t]));
  const finished: string[] = [];
  const enqueued: ScheduleRunResult['enqueued'] = [];
  const stale = new Set<string>();
  const rounds: TaskDecision[][] = [];
  const depth = new Map<string, number>();
  for (const d of decisions.tasks) {
    const k = depth.get(d.taskId) ?? 0;
    depth.set(d.taskId, k + 1);
    rounds[k] ??= [];
    rounds[k]?.push(d);
  }
  const idOf = (taskId: string) => byTask.get(taskId)?.id;
  return {
    byTask,
    finished,
    enqueued,
    stale,
    rounds,
    sets: (round) => round.filter((d): d is SetState => d.type === 'set_state' && byTask.has(d.taskId)),
    enqueues: (round) => round.filter((d): d is Enqueue => d.type === 'enqueue' && byTask.has(d.taskId)),
    setStatement: (ds) =>
      setStates([
        ds.map((d) => idOf(d.taskId)),
        ds.map((d) => d.from),
        ds.map((d) => d.to),
        ds.map((d) => isTerminalTaskState(d.to)),
      ]),
    enqueueStatement: (ds) => enqueueTasks([ds.map((d) => idOf(d.taskId)), ds.map((d) => d.tryNumber)]),
    setsApplied: (ds, res) => {
      const applied = new Set((res as QueryResult<{ id: string }>).rows.map((r) => r.id));
      for (const d of ds) {
        if (!applied.has(idOf(d.taskId) ?? '')) stale.add(d.taskId);
        else if (isTerminalTaskState(d.to)) finished.push(d.taskId);
      }
    },
    enqueuesApplied: (ds, res) => {
      const applied = new Map(
        (res as QueryResult<{ id: string; try_number: number }>).rows.map((r) => [r.id, r.try_number]),
      );
      // In decision order: the queue serves jobs in the order they are added.
      for (const d of ds) {
        const id = idOf(d.taskId) ?? '';
        const tryNumber = applied.get(id);
        if (tryNumber === undefined) stale.add(d.taskId);
        else enqueued.push({ taskInstanceId: id, tryNumber, queue: byTask.get(d.taskId)?.queue ?? DEFAULT_QUEUE });
      }
    },
  };
}
