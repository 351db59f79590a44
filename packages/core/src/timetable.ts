/**
 * When a DAG runs: its schedule read as cron ticks in the DAG's time zone,
 * and the data intervals between those ticks (Airflow's timetables).
 *
 * - A run covers the data interval [tick, next tick); its logical date is the
 *   interval's start, and it is created once the interval has ended
 *   (`now >= dataInterval.end`).
 * - `@once` makes one run at startDate with the interval [startDate, startDate].
 * - A null schedule means manual triggers only.
 *
 * Daylight saving: a cron is matched against the local wall clock. A wall
 * time the clock skips (02:30 on a spring-forward night) fires at the moment
 * it would have been (03:30 summer time); a wall time the clock shows twice
 * fires once, the first time. Schedules that fire in every hour (`@hourly`,
 * `*\/15 * * * *`) follow elapsed time instead: every local hour that
 * happens, both copies of a repeated hour included, none for a skipped one.
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import type { DagSpec, DataInterval } from './dag-spec';
import { InvalidOptionsError } from './errors';
import { assertTimezone, instantsAtWallTime, offsetMs } from './timezone';

const HOUR_MS = 60 * 60 * 1000;
/** Farther than any daylight-saving jump: how far around a transition ticks are searched. */
const SEARCH_MARGIN_MS = 3 * HOUR_MS;
/** Guards the wall-clock scans against an expression that stops firing. */
const MAX_SCAN_STEPS = 100_000;

export const schedulePresets = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
} as const;
const presetNames = ['@once', ...Object.keys(schedulePresets)];

/** A cron schedule compiled for one time zone. All methods take and return instants. */
export interface CronSchedule {
  kind: 'cron';
  /** As the DAG author wrote it (a preset stays a preset). */
  schedule: string;
  /** The six-field expression (seconds first) that is evaluated. */
  expression: string;
  timezone: string;
  /** First tick strictly after `instant`. */
  next(instant: Date): Date;
  /** Last tick strictly before `instant`. */
  prev(instant: Date): Date;
  /** `instant` itself if it is a tick, else the next tick. */
  alignNext(instant: Date): Date;
  /** `instant` itself if it is a tick, else the previous tick. */
  alignPrev(instant: Date): Date;
}

export type CompiledSchedule =
  | { kind: 'none'; schedule: null; timezone: string }
  | { kind: 'once'; schedule: '@once'; timezone: string }
  | CronSchedule;

/** Where a run stands in time: what it covers and when it may be created. */
export interface DagRunInfo {
  logicalDate: Date;
  dataInterval: DataInterval;
  /** The earliest moment the run may be created. */
  runAfter: Date;
}

/**
 * Validates a schedule and time zone once; throws InvalidOptionsError whose
 * message names the option and what is wrong with it.
 */
export function compileSchedule(schedule: string | null, timezone: string): CompiledSchedule {
  assertTimezone(timezone);
  if (schedule === null) return { kind: 'none', schedule: null, timezone };
  const trimmed = schedule.trim();
  if (trimmed === '@once') return { kind: 'once', schedule: '@once', timezone };

  let fiveOrSix: string;
  if (trimmed.startsWith('@')) {
    const preset = (schedulePresets as Record<string, string>)[trimmed];
    if (preset === undefined) {
      throw new InvalidOptionsError(
        `schedule ${JSON.stringify(schedule)} is not a known preset; use one of ${presetNames.join(', ')}`,
      );
    }
    fiveOrSix = preset;
  } else {
    fiveOrSix = trimmed;
  }
  const fields = fiveOrSix.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5 && fields.length !== 6) {
    throw new InvalidOptionsError(
      `schedule ${JSON.stringify(schedule)} has ${fields.length} field${fields.length === 1 ? '' : 's'}; ` +
        `a cron expression has 5 (minute hour day-of-month month day-of-week) or 6 (seconds first), ` +
        `or use a preset: ${presetNames.join(', ')}`,
    );
  }
  const expression = (fields.length === 5 ? ['0', ...fields] : fields).join(' ');

  let cron: CronExpression;
  try {
    // Parsed in UTC on purpose: the expression is matched against local wall
    // times expressed as UTC, and the zone is applied by this module.
    cron = CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date(Date.UTC(2000, 0, 1)) });
    cron.next();
  } catch (raw) {
    const reason = raw instanceof Error ? raw.message : String(raw);
    throw new InvalidOptionsError(`schedule ${JSON.stringify(schedule)} is not a valid cron expression: ${reason}`);
  }
  return new CronTimetable(schedule, expression, timezone, cron);
}

class CronTimetable implements CronSchedule {
  readonly kind = 'cron';
  readonly #cron: CronExpression;
  /** Fires in all 24 hours: follows elapsed time across DST instead of the wall clock. */
  readonly #everyHour: boolean;

  constructor(
    readonly schedule: string,
    readonly expression: string,
    readonly timezone: string,
    cron: CronExpression,
  ) {
    this.#cron = cron;
    this.#everyHour = cron.fields.hour.values.length === 24;
  }

  next(instant: Date): Date {
    return new Date(this.#nextMs(instant.getTime()));
  }

  prev(instant: Date): Date {
    return new Date(this.#floorMs(instant.getTime() - 1));
  }

  alignNext(instant: Date): Date {
    return new Date(this.#nextMs(instant.getTime() - 1));
  }

  alignPrev(instant: Date): Date {
    return new Date(this.#floorMs(instant.getTime()));
  }

  /** The ticks of one wall time, ascending (see the module comment for DST). */
  #ticksAtWall(wallMs: number): number[] {
    const { instants, shifted } = instantsAtWallTime(wallMs, this.timezone);
    if (this.#everyHour) return instants;
    const first = instants[0];
    return [first ?? shifted];
  }

  /** Wall times matching the expression, walking from `fromWallMs` (exclusive). */
  #walls(fromWallMs: number, direction: 'next' | 'prev'): () => number {
    this.#cron.reset(new Date(fromWallMs));
    let steps = 0;
    return () => {
      if (++steps > MAX_SCAN_STEPS) {
        throw new InvalidOptionsError(
          `schedule ${JSON.stringify(this.schedule)} did not fire in ${MAX_SCAN_STEPS} steps`,
        );
      }
      return (direction === 'next' ? this.#cron.next() : this.#cron.prev()).getTime();
    };
  }

  #offsetSteadyAround(instantMs: number): boolean {
    return (
      offsetMs(instantMs - SEARCH_MARGIN_MS, this.timezone) === offsetMs(instantMs + SEARCH_MARGIN_MS, this.timezone)
    );
  }

  /** First tick strictly after `afterMs`. */
  #nextMs(afterMs: number): number {
    const offset = offsetMs(afterMs, this.timezone);
    // Fast path: walk the wall clock forward from now. Exact unless the
    // offset changes near `afterMs` or near the answer.
    const walls = this.#walls(afterMs + offset, 'next');
    let found: number | undefined;
    while (found === undefined) found = this.#ticksAtWall(walls()).find((t) => t > afterMs);
    if (this.#offsetSteadyAround(afterMs) && this.#offsetSteadyAround(found)) return found;

    // Near a transition: look at every wall time that could map past `afterMs`.
    const around = this.#walls(afterMs + offset - SEARCH_MARGIN_MS, 'next');
    let best = Number.POSITIVE_INFINITY;
    for (;;) {
      const wall = around();
      if (wall - offset - SEARCH_MARGIN_MS > best) return best;
      for (const t of this.#ticksAtWall(wall)) if (t > afterMs && t < best) best = t;
    }
  }

  /** Last tick at or before `atMs`. */
  #floorMs(atMs: number): number {
    const offset = offsetMs(atMs, this.timezone);
    const walls = this.#walls(atMs + offset + 1, 'prev');
    let found: number | undefined;
    while (found === undefined) found = this.#ticksAtWall(walls()).findLast((t) => t <= atMs);
    if (this.#offsetSteadyAround(atMs) && this.#offsetSteadyAround(found)) return found;

    const around = this.#walls(atMs + offset + SEARCH_MARGIN_MS + 1, 'prev');
    let best = Number.NEGATIVE_INFINITY;
    for (;;) {
      const wall = around();
      if (wall - offset + SEARCH_MARGIN_MS < best) return best;
      for (const t of this.#ticksAtWall(wall)) if (t <= atMs && t > best) best = t;
    }
  }
}

const compiledCache = new Map<string, CompiledSchedule>();

/** compileSchedule, remembered per (schedule, timezone): DAG specs are re-read on every loop. */
function scheduleOf(dag: Pick<DagSpec, 'schedule' | 'timezone'>): CompiledSchedule {
  const key = `${dag.timezone}\u0000${dag.schedule ?? ''}\u0000${dag.schedule === null}`;
  let compiled = compiledCache.get(key);
  if (!compiled) {
    compiled = compileSchedule(dag.schedule, dag.timezone);
    if (compiledCache.size >= 1000) compiledCache.clear();
    compiledCache.set(key, compiled);
  }
  return compiled;
}

/** Parses an ISO instant from a DagSpec field; throws InvalidOptionsError naming the field. */
export function parseDagDate(value: string | null, field: 'startDate' | 'endDate'): Date | null {
  if (value === null) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidOptionsError(`${field} ${JSON.stringify(value)} is not an ISO date-time`);
  }
  return date;
}

const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

function cronRunInfo(cron: CronSchedule, start: Date): DagRunInfo {
  const end = cron.next(start);
  return { logicalDate: start, dataInterval: { start, end }, runAfter: end };
}

/**
 * The next run the scheduler would create, due or not (Airflow's
 * `next_dagrun_info`). With catchup=false, missed intervals are skipped up to
 * the latest complete one; a DAG without startDate behaves as catchup=false.
 */
export function nextRunAfter(dag: DagSpec, lastRun: { dataIntervalEnd: Date } | null, now: Date): DagRunInfo | null {
  const schedule = scheduleOf(dag);
  const startDate = parseDagDate(dag.startDate, 'startDate');
  const endDate = parseDagDate(dag.endDate, 'endDate');

  if (schedule.kind === 'none') return null;
  if (schedule.kind === 'once') {
    if (lastRun !== null || startDate === null) return null;
    if (endDate !== null && startDate > endDate) return null;
    return { logicalDate: startDate, dataInterval: { start: startDate, end: startDate }, runAfter: startDate };
  }

  let earliest: Date;
  if (dag.catchup && startDate !== null) {
    earliest = schedule.alignNext(startDate);
  } else {
    // The latest interval that has ended by `now`.
    earliest = schedule.prev(schedule.alignPrev(now));
    if (startDate !== null) earliest = later(earliest, schedule.alignNext(startDate));
  }
  const start = lastRun === null ? earliest : later(schedule.alignPrev(lastRun.dataIntervalEnd), earliest);
  if (endDate !== null && start > endDate) return null;
  return cronRunInfo(schedule, start);
}

/**
 * The run to create now, or null when none is due yet (its interval has not
 * ended), the schedule is null, `@once` already ran, or endDate has passed.
 * `lastRun` is the latest scheduled (not manual) run of the DAG.
 */
export function nextDagRunInfo(dag: DagSpec, lastRun: { dataIntervalEnd: Date } | null, now: Date): DagRunInfo | null {
  const info = nextRunAfter(dag, lastRun, now);
  return info !== null && info.runAfter.getTime() <= now.getTime() ? info : null;
}

/**
 * Every run whose logical date lies in [from, to], oldest first — what a
 * backfill creates. DAG startDate/endDate do not clip the range: a backfill
 * asks for it explicitly.
 */
export function intervalsBetween(dag: DagSpec, from: Date, to: Date, options: { limit?: number } = {}): DagRunInfo[] {
  const limit = options.limit ?? 10_000;
  if (from > to) {
    throw new InvalidOptionsError(`backfill range starts (${from.toISOString()}) after it ends (${to.toISOString()})`);
  }
  const schedule = scheduleOf(dag);
  if (schedule.kind === 'none') {
    throw new InvalidOptionsError(`DAG "${dag.dagId}" has no schedule, so it has no intervals to backfill`);
  }
  if (schedule.kind === 'once') {
    const startDate = parseDagDate(dag.startDate, 'startDate');
    if (startDate === null || startDate < from || startDate > to) return [];
    return [{ logicalDate: startDate, dataInterval: { start: startDate, end: startDate }, runAfter: startDate }];
  }
  const runs: DagRunInfo[] = [];
  for (let start = schedule.alignNext(from); start <= to; ) {
    if (runs.length >= limit) {
      throw new InvalidOptionsError(
        `backfill of "${dag.dagId}" from ${from.toISOString()} to ${to.toISOString()} has more than ${limit} runs; narrow the range`,
      );
    }
    const run = cronRunInfo(schedule, start);
    runs.push(run);
    start = run.dataInterval.end;
  }
  return runs;
}

/**
 * The data interval of a manually triggered run (Airflow's
 * `infer_manual_data_interval`): for a cron schedule, the last complete
 * interval ending at or before `logicalDate`; otherwise [logicalDate, logicalDate].
 */
export function manualDataInterval(dag: DagSpec, logicalDate: Date): DataInterval {
  const schedule = scheduleOf(dag);
  if (schedule.kind !== 'cron') return { start: logicalDate, end: logicalDate };
  const end = schedule.alignPrev(logicalDate);
  return { start: schedule.prev(end), end };
}
