/**
 * The state lists every SQL statement uses, generated from the states and
 * sets in @sluice/core. A statement never spells a state itself: it
 * interpolates `ts.running` or `taskStatesSql(activeTaskStates)`, so a
 * state added or renamed in core's table reaches every query.
 */
import {
  type BackfillState,
  type DagRunState,
  type TaskInstanceState,
  backfillStates,
  dagRunStates,
  taskInstanceStates,
} from '@sluice/core';

const quote = (s: string): string => `'${s}'`;

/** A task instance state as an SQL literal: `ts.running` is `'running'`. */
export const ts = Object.fromEntries(taskInstanceStates.map((s) => [s, quote(s)])) as {
  readonly [K in TaskInstanceState]: string;
};

/** A run state as an SQL literal: `rs.queued` is `'queued'`. */
export const rs = Object.fromEntries(dagRunStates.map((s) => [s, quote(s)])) as {
  readonly [K in DagRunState]: string;
};

/** A backfill state as an SQL literal: `bs.running` is `'running'`. */
export const bs = Object.fromEntries(backfillStates.map((s) => [s, quote(s)])) as {
  readonly [K in BackfillState]: string;
};

/** `'a', 'b', …` for `state IN (…)`, in core's declaration order so statements stay stable. */
export function taskStatesSql(states: Iterable<TaskInstanceState>): string {
  const wanted = new Set(states);
  if (wanted.size === 0) throw new Error('taskStatesSql: an empty state list matches nothing');
  return taskInstanceStates
    .filter((s) => wanted.has(s))
    .map(quote)
    .join(', ');
}

/** `'a', 'b', …` of run states for `state IN (…)`. */
export function runStatesSql(states: Iterable<DagRunState>): string {
  const wanted = new Set(states);
  if (wanted.size === 0) throw new Error('runStatesSql: an empty state list matches nothing');
  return dagRunStates
    .filter((s) => wanted.has(s))
    .map(quote)
    .join(', ');
}

/** `'a', 'b', …` of backfill states for `state IN (…)`. */
export function backfillStatesSql(states: Iterable<BackfillState>): string {
  const wanted = new Set(states);
  if (wanted.size === 0) throw new Error('backfillStatesSql: an empty state list matches nothing');
  return backfillStates
    .filter((s) => wanted.has(s))
    .map(quote)
    .join(', ');
}

/** Task states of a statement's declared moves, so a test can walk them against core's table. */
export interface DeclaredMove<S extends string> {
  from: readonly S[];
  /** States a single write passes through on the way (promote-and-claim), each a legal step. */
  via?: readonly S[];
  to: S;
}
export type TaskMove = DeclaredMove<TaskInstanceState>;
export type RunMove = DeclaredMove<DagRunState>;
