/**
 * What a change does to a DAG's schedule, as `sluice dags plan` reports it:
 * the next run times before and after, in the DAG's time zone, each flagged
 * when a DST change lies between it and the run before; the nights in the
 * coming year when the schedule asks for a wall time the clocks skip or
 * repeat; and how many runs the scheduler creates the moment the change
 * lands — worked out with the scheduler's own `nextDagRunInfo`.
 */
import type { DagSpec } from './dag-spec';
import { compileSchedule, nextDagRunInfo, parseDagDate } from './timetable';
import { instantsAtWallTime, offsetMs, wallTimeMs } from './timezone';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export interface PlannedRun {
  logicalDate: Date;
  /** When the run is created: the end of its data interval. */
  runAt: Date;
  /** `runAt` on the DAG's wall clock: `2027-03-28 03:30 +02:00`. */
  local: string;
  /** Set when the clocks change between this run and the one before it. */
  dst: string | null;
}

export interface DstHazard {
  /** The instant the clocks change. */
  at: Date;
  kind: 'skipped' | 'repeated';
  /** The wall times the schedule asks for inside the skipped or repeated hour. */
  wallTimes: string[];
  /** One sentence for a reviewer. */
  note: string;
}

export interface CatchUp {
  /** Runs the scheduler creates as soon as the DAG version is loaded (before maxActiveRuns lets them start). */
  runs: number;
  first: Date | null;
  last: Date | null;
  /**
   * Intervals from the DAG's (earlier) start date up to the first run the
   * previous version made: the scheduler never goes back for them.
   */
  notCreated: number;
}

/** `2027-03-28 03:30 +02:00`: an instant on `timezone`'s wall clock, with its offset. */
export function formatLocal(instant: Date, timezone: string): string {
  const wall = new Date(wallTimeMs(instant.getTime(), timezone)).toISOString();
  const offset = offsetMs(instant.getTime(), timezone) / MINUTE_MS;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${wall.slice(0, 10)} ${wall.slice(11, 16)} ${sign}${hhmm}`;
}

const hours = (ms: number): string => `${Number((ms / 3_600_000).toFixed(2))} h`;

/** The next `count` runs of `spec` created after `now`, as its timetable lays them out. */
export function nextRuns(spec: DagSpec, now: Date, count = 5): PlannedRun[] {
  const schedule = compileSchedule(spec.schedule, spec.timezone);
  if (schedule.kind !== 'cron') return [];
  const start = parseDagDate(spec.startDate, 'startDate');
  const end = parseDagDate(spec.endDate, 'endDate');
  const runs: PlannedRun[] = [];
  let logical = schedule.prev(schedule.next(now));
  if (start && logical < start) logical = schedule.alignNext(start);
  for (let guard = 0; runs.length < count && guard < count * 4; guard++) {
    if (end && logical > end) break;
    const runAt = schedule.next(logical);
    if (runAt > now) {
      const previous = runs.at(-1)?.runAt ?? schedule.prev(runAt);
      const before = offsetMs(previous.getTime(), spec.timezone);
      const after = offsetMs(runAt.getTime(), spec.timezone);
      const dst =
        before === after
          ? null
          : `clocks change since the run before (${formatOffset(before)} → ${formatOffset(after)}): ${hours(runAt.getTime() - previous.getTime())} after it`;
      runs.push({ logicalDate: logical, runAt, local: formatLocal(runAt, spec.timezone), dst });
    }
    logical = runAt;
  }
  return runs;
}

function formatOffset(ms: number): string {
  const min = ms / MINUTE_MS;
  const abs = Math.abs(min);
  return `UTC${min < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Instants in [from, to) where `timezone`'s offset changes, to the minute. */
function offsetChanges(timezone: string, from: Date, to: Date): number[] {
  const found: number[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += DAY_MS) {
    if (offsetMs(t, timezone) === offsetMs(t + DAY_MS, timezone)) continue;
    let lo = t;
    let hi = t + DAY_MS;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS || lo + MINUTE_MS;
      if (offsetMs(mid, timezone) === offsetMs(lo, timezone)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

/**
 * Clock changes in the year after `now` that hit the schedule: a wall time
 * it asks for that does not exist that night (the run moves) or exists twice
 * (the run happens once, at the first).
 */
export function dstHazards(spec: DagSpec, now: Date, days = 366): DstHazard[] {
  const schedule = compileSchedule(spec.schedule, spec.timezone);
  if (schedule.kind !== 'cron' || spec.timezone === 'UTC') return [];
  // The schedule read on a clock without DST gives the wall times it asks for.
  const wallClock = compileSchedule(spec.schedule, 'UTC');
  if (wallClock.kind !== 'cron') return [];
  const hazards: DstHazard[] = [];
  for (const at of offsetChanges(spec.timezone, now, new Date(now.getTime() + days * DAY_MS))) {
    const before = offsetMs(at - MINUTE_MS, spec.timezone);
    const after = offsetMs(at, spec.timezone);
    const kind = after > before ? 'skipped' : 'repeated';
    // The wall-clock hour that is skipped (or repeated): [lo, hi).
    const lo = at + Math.min(before, after);
    const hi = at + Math.max(before, after);
    const wallTimes: string[] = [];
    for (let t = wallClock.alignNext(new Date(lo)); t.getTime() < hi; t = wallClock.next(t)) {
      wallTimes.push(t.toISOString().slice(11, 16));
    }
    if (wallTimes.length === 0) continue;
    const day = new Date(lo).toISOString().slice(0, 10);
    const first = wallTimes[0] ?? '';
    const note =
      kind === 'skipped'
        ? `${first} does not exist on ${day} in ${spec.timezone} (clocks go forward): that run happens at ${formatLocal(new Date(instantsAtWallTime(Date.parse(`${day}T${first}:00Z`), spec.timezone).shifted), spec.timezone)}`
        : `${first} happens twice on ${day} in ${spec.timezone} (clocks go back): the run happens once, at the first`;
    hazards.push({ at: new Date(at), kind, wallTimes, note });
  }
  return hazards;
}

/**
 * The runs `spec`'s scheduler creates once it is loaded at `now`, given the
 * latest scheduled run's interval end (null: the DAG never ran). `previousStart`:
 * the logical date of the first run the previous version made, to count the
 * earlier intervals a start date moved back would not get.
 */
export function catchUp(
  spec: DagSpec,
  lastRun: { dataIntervalEnd: Date } | null,
  now: Date,
  previousStart: Date | null = null,
  limit = 10_000,
): CatchUp {
  let last = lastRun;
  let runs = 0;
  let first: Date | null = null;
  let lastLogical: Date | null = null;
  for (; runs < limit; runs++) {
    const info = nextDagRunInfo(spec, last, now);
    if (!info) break;
    first ??= info.logicalDate;
    lastLogical = info.logicalDate;
    last = { dataIntervalEnd: info.dataInterval.end };
  }
  let notCreated = 0;
  const start = parseDagDate(spec.startDate, 'startDate');
  const schedule = compileSchedule(spec.schedule, spec.timezone);
  if (spec.catchup && start && previousStart && schedule.kind === 'cron') {
    for (let t = schedule.alignNext(start); t < previousStart && notCreated < limit; t = schedule.next(t)) notCreated++;
  }
  return { runs, first, last: lastLogical, notCreated };
}

/**
 * What the scheduler running `spec` since its start would have made by
 * `now`: the interval end of its latest scheduled run, and the logical
 * date of its first. For a plan against another git ref, where no database
 * says what ran, the previous version is taken to have run as scheduled.
 */
export function scheduledHistory(
  spec: DagSpec,
  now: Date,
  limit = 100_000,
): { lastRun: { dataIntervalEnd: Date } | null; firstLogicalDate: Date | null } {
  let last: { dataIntervalEnd: Date } | null = null;
  let firstLogicalDate: Date | null = null;
  for (let i = 0; i < limit; i++) {
    const info = nextDagRunInfo(spec, last, now);
    if (!info) break;
    firstLogicalDate ??= info.logicalDate;
    last = { dataIntervalEnd: info.dataInterval.end };
  }
  return { lastRun: last, firstLogicalDate };
}
