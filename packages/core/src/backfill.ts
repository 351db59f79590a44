/**
 * What a backfill does (Airflow 3's backfill): one run per interval of the
 * DAG's timetable in a range, created a few at a time in order (or in
 * reverse), with the DAG's existing runs reprocessed as the user asked.
 *
 * An interval is decided when the backfill reaches it, not when the backfill
 * is created: a run that appeared meanwhile (a scheduled one, a manual one)
 * is what counts. The backfill remembers how far it got as a cursor, the
 * logical date of the last interval it decided.
 */
import type { DagRunInfo } from './timetable';
import { type DagRunState, unfinishedRunStates } from './states';

export const BackfillReprocess = {
  /** Intervals that have a run are skipped. */
  none: 'none',
  /** A failed run has its failed tasks cleared; other runs are skipped. */
  failed: 'failed',
  /** Every finished run is cleared and runs again. */
  completed: 'completed',
} as const;
export type BackfillReprocess = (typeof BackfillReprocess)[keyof typeof BackfillReprocess];
export const backfillReprocessValues = Object.values(BackfillReprocess) as readonly BackfillReprocess[];

export const IntervalAction = {
  /** No run has this logical date: the backfill creates one. */
  create: 'create',
  /** A failed run: its failed and upstream_failed tasks are cleared. */
  rerun_failed: 'rerun_failed',
  /** A finished run: all its tasks are cleared. */
  rerun: 'rerun',
  /** A run exists and the reprocess setting leaves it alone. */
  skip_existing: 'skip_existing',
  /** A run exists and has not finished: it is never touched. */
  skip_in_flight: 'skip_in_flight',
} as const;
export type IntervalAction = (typeof IntervalAction)[keyof typeof IntervalAction];

/** A run already at an interval's logical date. */
export interface ExistingRun {
  runId: string;
  state: DagRunState;
}

export interface BackfillInterval {
  info: DagRunInfo;
  action: IntervalAction;
  /** The run that is there already; null when the action is `create`. */
  existing: ExistingRun | null;
}

/** Whether the interval runs (a run created or cleared) or is passed over. */
export const takesARun = (action: IntervalAction): boolean =>
  action === 'create' || action === 'rerun' || action === 'rerun_failed';

/**
 * Of several runs at one logical date (a scheduled and a manual one), the
 * one a backfill looks at: an unfinished one first (never disturbed), then a
 * failed one (what reprocessing is for), then the first given.
 */
export function representativeRun(runs: readonly ExistingRun[]): ExistingRun | null {
  return (
    runs.find((r) => unfinishedRunStates.has(r.state)) ?? runs.find((r) => r.state === 'failed') ?? runs[0] ?? null
  );
}

export function intervalAction(existing: ExistingRun | null, reprocess: BackfillReprocess): IntervalAction {
  if (existing === null) return IntervalAction.create;
  if (unfinishedRunStates.has(existing.state)) return IntervalAction.skip_in_flight;
  if (reprocess === 'completed') return IntervalAction.rerun;
  if (reprocess === 'failed' && existing.state === 'failed') return IntervalAction.rerun_failed;
  return IntervalAction.skip_existing;
}

/**
 * The intervals not decided yet, in the order the backfill takes them:
 * oldest first, or newest first with `reverse`. `cursor` is the logical
 * date of the last decided interval (null before the first).
 */
export function undecidedIntervals(
  intervals: readonly DagRunInfo[],
  cursor: Date | null,
  reverse: boolean,
): DagRunInfo[] {
  const ordered = reverse ? [...intervals].reverse() : [...intervals];
  if (cursor === null) return ordered;
  const at = cursor.getTime();
  return ordered.filter((i) => (reverse ? i.logicalDate.getTime() < at : i.logicalDate.getTime() > at));
}

/** Each interval with what the backfill would do with it: the dry run, and each step's view ahead. */
export function planIntervals(
  intervals: readonly DagRunInfo[],
  existingAt: (logicalDate: Date) => readonly ExistingRun[],
  reprocess: BackfillReprocess,
): BackfillInterval[] {
  return intervals.map((info) => {
    const existing = representativeRun(existingAt(info.logicalDate));
    return { info, action: intervalAction(existing, reprocess), existing };
  });
}

export interface BackfillStep {
  /** Intervals to act on now (create or clear a run), in order. */
  act: BackfillInterval[];
  /** Intervals passed over now (a run exists and stays as it is). */
  skipped: BackfillInterval[];
  /** The new cursor: the last interval acted on or passed over; the old one when there was none. */
  cursor: Date | null;
  /** Every interval decided and none of the backfill's runs unfinished. */
  complete: boolean;
}

/**
 * One scheduler pass over a backfill: walks the undecided intervals in
 * order, passes over those that keep their run, and acts on the others
 * while fewer than `maxActiveRuns` of the backfill's runs are unfinished.
 */
export function backfillStep(args: {
  /** Undecided intervals in the backfill's order, each planned. */
  ahead: readonly BackfillInterval[];
  cursor: Date | null;
  /** The backfill's runs that are queued or running. */
  active: number;
  maxActiveRuns: number;
}): BackfillStep {
  let room = args.maxActiveRuns - args.active;
  const act: BackfillInterval[] = [];
  const skipped: BackfillInterval[] = [];
  let cursor = args.cursor;
  for (const interval of args.ahead) {
    if (takesARun(interval.action)) {
      if (room <= 0) break;
      room--;
      act.push(interval);
    } else {
      skipped.push(interval);
    }
    cursor = interval.info.logicalDate;
  }
  const decidedAll = act.length + skipped.length === args.ahead.length;
  return { act, skipped, cursor, complete: decidedAll && act.length === 0 && args.active === 0 };
}
