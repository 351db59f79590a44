/**
 * The one place that says how a state looks in the UI: its label, its colour,
 * and whether it is still moving (which decides whether a page keeps polling).
 * Uses the client's types only, so the browser bundle stays free of @sluice/core.
 */
import type { RunState, TaskState } from '@sluice/client';

export interface StateStyle {
  label: string;
  /** Fill colour of badges, dots and grid cells. */
  color: string;
  /** Text colour that reads on `color`. */
  text: string;
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled state: ${String(value)}`);
}

const LIGHT_TEXT = '#ffffff';
const DARK_TEXT = '#1d2433';
/** Near black: reads on the mid-tone state colours at 4.5:1 or more (WCAG AA), where white does not. */
const INK = '#0b0f17';

export function taskStateStyle(state: TaskState): StateStyle {
  switch (state) {
    case 'none':
      return { label: 'no status', color: '#dfe3ea', text: DARK_TEXT };
    case 'scheduled':
      return { label: 'scheduled', color: '#cdb88f', text: DARK_TEXT };
    case 'queued':
      return { label: 'queued', color: '#8592a3', text: INK };
    case 'running':
      return { label: 'running', color: '#2f8ee5', text: INK };
    case 'success':
      return { label: 'success', color: '#2f9e44', text: INK };
    case 'failed':
      return { label: 'failed', color: '#e03131', text: LIGHT_TEXT };
    case 'up_for_retry':
      return { label: 'up for retry', color: '#f0b400', text: DARK_TEXT };
    case 'upstream_failed':
      return { label: 'upstream failed', color: '#f76707', text: INK };
    case 'skipped':
      return { label: 'skipped', color: '#e64980', text: INK };
    case 'deferred':
      return { label: 'deferred', color: '#8c6cf0', text: INK };
    default:
      return assertNever(state);
  }
}

/** Runs are coloured as the task states of the same name. */
export function runStateStyle(state: RunState): StateStyle {
  return taskStateStyle(state);
}

/** A run in one of these states will not change unless someone clears or marks it. */
export function isRunTerminal(state: RunState): boolean {
  switch (state) {
    case 'success':
    case 'failed':
      return true;
    case 'queued':
    case 'running':
      return false;
    default:
      return assertNever(state);
  }
}

/**
 * True while a task instance is on its way somewhere. `none` counts as settled:
 * in a finished run it stays `none` forever, and in a live run the run's own
 * state already keeps the page polling.
 */
export function isTaskActive(state: TaskState): boolean {
  switch (state) {
    case 'scheduled':
    case 'queued':
    case 'running':
    case 'up_for_retry':
    case 'deferred':
      return true;
    case 'none':
    case 'success':
    case 'failed':
    case 'upstream_failed':
    case 'skipped':
      return false;
    default:
      return assertNever(state);
  }
}

/** Every task state, in the order the legend shows them. */
export const TASK_STATES: readonly TaskState[] = [
  'none',
  'scheduled',
  'queued',
  'running',
  'deferred',
  'up_for_retry',
  'success',
  'failed',
  'upstream_failed',
  'skipped',
];

/** How often a page polls while something on it is still moving. */
export const LIVE_POLL_MS = 1500;

/**
 * How often it polls once everything shown has settled: a page left open
 * all day still shows the runs the scheduler starts (the DAG list and the
 * grid answer 304 while nothing moved).
 */
export const SETTLED_POLL_MS = 30_000;
