import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from './errors';
import { makeDag } from './test-fixtures';
import {
  compileSchedule,
  intervalsBetween,
  manualDataInterval,
  nextDagRunInfo,
  nextRunAfter,
  type CronSchedule,
} from './timetable';

const d = (iso: string): Date => new Date(iso);
const iso = (date: Date): string => date.toISOString();

function cron(schedule: string, timezone = 'UTC'): CronSchedule {
  const compiled = compileSchedule(schedule, timezone);
  if (compiled.kind !== 'cron') throw new Error(`expected a cron schedule, got ${compiled.kind}`);
  return compiled;
}

function ticksFrom(schedule: CronSchedule, from: Date, count: number): string[] {
  const out: string[] = [];
  let t = schedule.alignNext(from);
  for (let i = 0; i < count; i++) {
    out.push(iso(t));
    t = schedule.next(t);
  }
  return out;
}

describe('compileSchedule', () => {
  it('compiles presets to six-field expressions', () => {
    expect(cron('@hourly').expression).toBe('0 0 * * * *');
    expect(cron('@daily').expression).toBe('0 0 0 * * *');
    expect(cron('@weekly').expression).toBe('0 0 0 * * 0');
    expect(cron('@monthly').expression).toBe('0 0 0 1 * *');
    expect(cron('@yearly').expression).toBe('0 0 0 1 1 *');
    expect(cron('@annually').expression).toBe('0 0 0 1 1 *');
  });

  it('accepts six-field expressions with seconds first', () => {
    expect(ticksFrom(cron('30 0 12 * * *'), d('2026-01-01T00:00:00Z'), 2)).toEqual([
      '2026-01-01T12:00:30.000Z',
      '2026-01-02T12:00:30.000Z',
    ]);
  });

  it('returns none for a null schedule and once for @once', () => {
    expect(compileSchedule(null, 'UTC')).toEqual({ kind: 'none', schedule: null, timezone: 'UTC' });
    expect(compileSchedule('@once', 'UTC')).toEqual({ kind: 'once', schedule: '@once', timezone: 'UTC' });
  });

  it('rejects an out-of-range cron field and says which value', () => {
    expect(() => compileSchedule('61 * * * *', 'UTC')).toThrow(InvalidOptionsError);
    expect(() => compileSchedule('61 * * * *', 'UTC')).toThrow(
      'schedule "61 * * * *" is not a valid cron expression: Constraint error, got value 61 expected range 0-59',
    );
  });

  it('rejects a cron with the wrong number of fields', () => {
    expect(() => compileSchedule('* * *', 'UTC')).toThrow(
      'schedule "* * *" has 3 fields; a cron expression has 5 (minute hour day-of-month month day-of-week) or 6 (seconds first), or use a preset: @once, @hourly, @daily, @weekly, @monthly, @yearly, @annually',
    );
    expect(() => compileSchedule('', 'UTC')).toThrow('schedule "" has 0 fields');
  });

  it('rejects an unknown preset and lists the known ones', () => {
    expect(() => compileSchedule('@fortnightly', 'UTC')).toThrow(
      'schedule "@fortnightly" is not a known preset; use one of @once, @hourly, @daily, @weekly, @monthly, @yearly, @annually',
    );
  });

  it('rejects a date that never exists', () => {
    expect(() => compileSchedule('0 0 30 2 *', 'UTC')).toThrow(
      /^schedule "0 0 30 2 \*" is not a valid cron expression: /,
    );
  });

  it('rejects an unknown time zone before looking at the schedule', () => {
    expect(() => compileSchedule('@daily', 'Mars/Olympus_Mons')).toThrow(InvalidOptionsError);
    expect(() => compileSchedule('@daily', 'Mars/Olympus_Mons')).toThrow(
      'timezone "Mars/Olympus_Mons" is not an IANA time zone name (e.g. "UTC", "Europe/Copenhagen")',
    );
    expect(() => compileSchedule(null, '')).toThrow('timezone "" is not an IANA time zone name');
  });
});

describe('cron ticks', () => {
  it('next is strictly after, alignNext keeps an instant that is a tick', () => {
    const hourly = cron('@hourly');
    expect(iso(hourly.next(d('2026-01-01T10:00:00Z')))).toBe('2026-01-01T11:00:00.000Z');
    expect(iso(hourly.alignNext(d('2026-01-01T10:00:00Z')))).toBe('2026-01-01T10:00:00.000Z');
    expect(iso(hourly.alignNext(d('2026-01-01T10:00:00.001Z')))).toBe('2026-01-01T11:00:00.000Z');
  });

  it('prev is strictly before, alignPrev keeps an instant that is a tick', () => {
    const hourly = cron('@hourly');
    expect(iso(hourly.prev(d('2026-01-01T10:00:00Z')))).toBe('2026-01-01T09:00:00.000Z');
    expect(iso(hourly.alignPrev(d('2026-01-01T10:00:00Z')))).toBe('2026-01-01T10:00:00.000Z');
    expect(iso(hourly.alignPrev(d('2026-01-01T10:59:59.999Z')))).toBe('2026-01-01T10:00:00.000Z');
  });

  it('reads the cron in the DAG time zone', () => {
    expect(ticksFrom(cron('@daily', 'Europe/Copenhagen'), d('2026-01-10T12:00:00Z'), 2)).toEqual([
      '2026-01-10T23:00:00.000Z',
      '2026-01-11T23:00:00.000Z',
    ]);
    expect(ticksFrom(cron('0 9 * * *', 'America/New_York'), d('2026-07-01T00:00:00Z'), 1)).toEqual([
      '2026-07-01T13:00:00.000Z',
    ]);
  });

  describe('Europe/Copenhagen daily at 02:30 across the 2026 DST changes', () => {
    const copenhagen = cron('30 2 * * *', 'Europe/Copenhagen');

    it('fires at 03:30 summer time on 29 March, when 02:30 does not exist', () => {
      expect(ticksFrom(copenhagen, d('2026-03-27T12:00:00Z'), 4)).toEqual([
        '2026-03-28T01:30:00.000Z', // 02:30 CET
        '2026-03-29T01:30:00.000Z', // 03:30 CEST: the clock jumped 02:00 → 03:00
        '2026-03-30T00:30:00.000Z', // 02:30 CEST
        '2026-03-31T00:30:00.000Z',
      ]);
    });

    it('fires once on 25 October, when 02:30 happens twice', () => {
      expect(ticksFrom(copenhagen, d('2026-10-23T12:00:00Z'), 4)).toEqual([
        '2026-10-24T00:30:00.000Z', // 02:30 CEST
        '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST); the second one (CET) does not fire
        '2026-10-26T01:30:00.000Z', // 02:30 CET
        '2026-10-27T01:30:00.000Z',
      ]);
    });

    it('gives one run per local day with 23- and 25-hour intervals on the change days', () => {
      const dag = makeDag({ schedule: '30 2 * * *', timezone: 'Europe/Copenhagen' });
      const spring = intervalsBetween(dag, d('2026-03-28T00:00:00Z'), d('2026-03-29T23:00:00Z'));
      expect(spring.map((r) => [iso(r.dataInterval.start), iso(r.dataInterval.end)])).toEqual([
        ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z'],
        ['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z'],
      ]);
      const autumn = intervalsBetween(dag, d('2026-10-24T00:00:00Z'), d('2026-10-25T23:00:00Z'));
      expect(autumn.map((r) => r.dataInterval.end.getTime() - r.dataInterval.start.getTime())).toEqual([
        24 * 3_600_000,
        25 * 3_600_000,
      ]);
    });

    it('answers the same whichever instant it is asked from (next and prev agree)', () => {
      const expected = [
        ...ticksFrom(copenhagen, d('2026-03-26T00:00:00Z'), 6),
        ...ticksFrom(copenhagen, d('2026-10-22T00:00:00Z'), 6),
      ].map((s) => d(s).getTime());
      const windows: Array<[string, string]> = [
        ['2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z'],
        ['2026-10-23T00:00:00Z', '2026-10-27T00:00:00Z'],
      ];
      for (const [from, to] of windows) {
        for (let t = d(from).getTime(); t <= d(to).getTime(); t += 10 * 60_000) {
          const nextExpected = expected.find((x) => x > t);
          const prevExpected = expected.findLast((x) => x < t);
          expect(copenhagen.next(new Date(t)).getTime(), `next after ${iso(new Date(t))}`).toBe(nextExpected);
          expect(copenhagen.prev(new Date(t)).getTime(), `prev before ${iso(new Date(t))}`).toBe(prevExpected);
        }
      }
    });
  });

  it('@hourly in Copenhagen follows elapsed time through both DST changes', () => {
    const hourly = cron('@hourly', 'Europe/Copenhagen');
    expect(ticksFrom(hourly, d('2026-03-29T00:00:00Z'), 3)).toEqual([
      '2026-03-29T00:00:00.000Z', // 01:00 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-29T02:00:00.000Z',
    ]);
    expect(ticksFrom(hourly, d('2026-10-24T23:30:00Z'), 4)).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET, the repeated hour
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T03:00:00.000Z',
    ]);
    expect(iso(hourly.prev(d('2026-10-25T01:30:00Z')))).toBe('2026-10-25T01:00:00.000Z');
    expect(iso(hourly.prev(d('2026-10-25T01:00:00Z')))).toBe('2026-10-25T00:00:00.000Z');
  });

  it('handles a zone with a half-hour offset', () => {
    expect(ticksFrom(cron('@hourly', 'Asia/Kolkata'), d('2026-01-01T00:00:00Z'), 2)).toEqual([
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T01:30:00.000Z',
    ]);
  });
});

describe('nextDagRunInfo', () => {
  it('creates the first hourly run once its interval has ended, with logical date = interval start', () => {
    const dag = makeDag({ schedule: '@hourly', startDate: '2026-01-01T00:00:00Z', catchup: true });
    expect(nextDagRunInfo(dag, null, d('2026-01-01T00:59:59Z'))).toBeNull();
    expect(nextDagRunInfo(dag, null, d('2026-01-01T01:00:00Z'))).toEqual({
      logicalDate: d('2026-01-01T00:00:00Z'),
      dataInterval: { start: d('2026-01-01T00:00:00Z'), end: d('2026-01-01T01:00:00Z') },
      runAfter: d('2026-01-01T01:00:00Z'),
    });
  });

  it('catchup=true creates the interval right after the last run, however far behind', () => {
    const dag = makeDag({ schedule: '@daily', startDate: '2026-01-01T00:00:00Z', catchup: true });
    const now = d('2026-02-01T12:00:00Z');
    const info = nextDagRunInfo(dag, { dataIntervalEnd: d('2026-01-05T00:00:00Z') }, now);
    expect(info?.dataInterval).toEqual({ start: d('2026-01-05T00:00:00Z'), end: d('2026-01-06T00:00:00Z') });
  });

  it('catchup=true starts at the first tick at or after startDate', () => {
    const dag = makeDag({ schedule: '@daily', startDate: '2026-01-01T06:00:00Z', catchup: true });
    const info = nextDagRunInfo(dag, null, d('2026-03-01T00:00:00Z'));
    expect(info?.logicalDate).toEqual(d('2026-01-02T00:00:00Z'));
  });

  it('catchup=false skips missed intervals and creates only the latest complete one', () => {
    const dag = makeDag({ schedule: '@daily', startDate: '2026-01-01T00:00:00Z', catchup: false });
    const now = d('2026-02-01T12:00:00Z');
    expect(nextDagRunInfo(dag, null, now)?.dataInterval).toEqual({
      start: d('2026-01-31T00:00:00Z'),
      end: d('2026-02-01T00:00:00Z'),
    });
    const behind = nextDagRunInfo(dag, { dataIntervalEnd: d('2026-01-05T00:00:00Z') }, now);
    expect(behind?.logicalDate).toEqual(d('2026-01-31T00:00:00Z'));
  });

  it('catchup=false on an interval boundary takes the interval that just ended', () => {
    const dag = makeDag({ schedule: '@daily', catchup: false });
    expect(nextDagRunInfo(dag, null, d('2026-02-01T00:00:00Z'))?.logicalDate).toEqual(d('2026-01-31T00:00:00Z'));
  });

  it('returns null when the interval after the last run has not ended yet', () => {
    const dag = makeDag({ schedule: '@daily', catchup: false });
    const lastRun = { dataIntervalEnd: d('2026-02-01T00:00:00Z') };
    expect(nextDagRunInfo(dag, lastRun, d('2026-02-01T12:00:00Z'))).toBeNull();
    expect(nextDagRunInfo(dag, lastRun, d('2026-02-02T00:00:00Z'))?.logicalDate).toEqual(d('2026-02-01T00:00:00Z'));
  });

  it('does not run before startDate, even with catchup=false', () => {
    const dag = makeDag({ schedule: '@daily', startDate: '2026-03-01T00:00:00Z', catchup: false });
    expect(nextDagRunInfo(dag, null, d('2026-03-01T12:00:00Z'))).toBeNull();
    expect(nextDagRunInfo(dag, null, d('2026-03-02T00:00:00Z'))?.logicalDate).toEqual(d('2026-03-01T00:00:00Z'));
  });

  it('stops once an interval would start after endDate', () => {
    const dag = makeDag({
      schedule: '@daily',
      startDate: '2026-01-01T00:00:00Z',
      endDate: '2026-01-03T00:00:00Z',
      catchup: true,
    });
    const now = d('2026-02-01T00:00:00Z');
    expect(nextDagRunInfo(dag, { dataIntervalEnd: d('2026-01-03T00:00:00Z') }, now)?.logicalDate).toEqual(
      d('2026-01-03T00:00:00Z'),
    );
    expect(nextDagRunInfo(dag, { dataIntervalEnd: d('2026-01-04T00:00:00Z') }, now)).toBeNull();
  });

  it('runs @once a single time at startDate', () => {
    const dag = makeDag({ schedule: '@once', startDate: '2026-05-01T10:00:00Z' });
    expect(nextDagRunInfo(dag, null, d('2026-05-01T09:59:59Z'))).toBeNull();
    expect(nextDagRunInfo(dag, null, d('2026-05-01T10:00:00Z'))).toEqual({
      logicalDate: d('2026-05-01T10:00:00Z'),
      dataInterval: { start: d('2026-05-01T10:00:00Z'), end: d('2026-05-01T10:00:00Z') },
      runAfter: d('2026-05-01T10:00:00Z'),
    });
    expect(nextDagRunInfo(dag, { dataIntervalEnd: d('2026-05-01T10:00:00Z') }, d('2027-01-01T00:00:00Z'))).toBeNull();
  });

  it('never schedules a DAG without a schedule', () => {
    expect(nextDagRunInfo(makeDag({ schedule: null }), null, d('2030-01-01T00:00:00Z'))).toBeNull();
  });

  it('creates the Copenhagen 02:30 run of the spring-forward day at 01:30 UTC the next day', () => {
    const dag = makeDag({ schedule: '30 2 * * *', timezone: 'Europe/Copenhagen', catchup: true });
    const lastRun = { dataIntervalEnd: d('2026-03-29T01:30:00Z') };
    expect(nextDagRunInfo(dag, lastRun, d('2026-03-30T00:29:59Z'))).toBeNull();
    expect(nextDagRunInfo(dag, lastRun, d('2026-03-30T00:30:00Z'))?.dataInterval).toEqual({
      start: d('2026-03-29T01:30:00Z'),
      end: d('2026-03-30T00:30:00Z'),
    });
  });
});

describe('nextRunAfter', () => {
  it('returns the upcoming run even when it is not due yet', () => {
    const dag = makeDag({ schedule: '@hourly', catchup: false });
    const info = nextRunAfter(dag, { dataIntervalEnd: d('2026-02-01T10:00:00Z') }, d('2026-02-01T10:20:00Z'));
    expect(info).toEqual({
      logicalDate: d('2026-02-01T10:00:00Z'),
      dataInterval: { start: d('2026-02-01T10:00:00Z'), end: d('2026-02-01T11:00:00Z') },
      runAfter: d('2026-02-01T11:00:00Z'),
    });
  });

  it('returns null for a manual-only DAG', () => {
    expect(nextRunAfter(makeDag({ schedule: null }), null, d('2026-02-01T00:00:00Z'))).toBeNull();
  });
});

describe('intervalsBetween', () => {
  it('lists every interval whose logical date is in the range, inclusive', () => {
    const dag = makeDag({ schedule: '@daily' });
    const runs = intervalsBetween(dag, d('2026-01-01T00:00:00Z'), d('2026-01-03T00:00:00Z'));
    expect(runs.map((r) => iso(r.logicalDate))).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ]);
    expect(runs[2]?.dataInterval.end).toEqual(d('2026-01-04T00:00:00Z'));
  });

  it('aligns a range that starts between ticks', () => {
    const dag = makeDag({ schedule: '0 6 * * *' });
    const runs = intervalsBetween(dag, d('2026-01-01T07:00:00Z'), d('2026-01-02T23:00:00Z'));
    expect(runs.map((r) => iso(r.logicalDate))).toEqual(['2026-01-02T06:00:00.000Z']);
  });

  it('refuses a range with more runs than the limit', () => {
    const dag = makeDag({ schedule: '@hourly', dagId: 'hourly_stats' });
    expect(() => intervalsBetween(dag, d('2026-01-01T00:00:00Z'), d('2026-01-02T00:00:00Z'), { limit: 10 })).toThrow(
      'backfill of "hourly_stats" from 2026-01-01T00:00:00.000Z to 2026-01-02T00:00:00.000Z has more than 10 runs; narrow the range',
    );
  });

  it('refuses a reversed range and a DAG without a schedule', () => {
    expect(() => intervalsBetween(makeDag(), d('2026-01-02T00:00:00Z'), d('2026-01-01T00:00:00Z'))).toThrow(
      'backfill range starts (2026-01-02T00:00:00.000Z) after it ends (2026-01-01T00:00:00.000Z)',
    );
    expect(() =>
      intervalsBetween(
        makeDag({ schedule: null, dagId: 'manual' }),
        d('2026-01-01T00:00:00Z'),
        d('2026-01-02T00:00:00Z'),
      ),
    ).toThrow('DAG "manual" has no schedule, so it has no intervals to backfill');
  });
});

describe('manualDataInterval', () => {
  it('uses the last complete interval before the trigger time for a scheduled DAG', () => {
    const dag = makeDag({ schedule: '@daily' });
    expect(manualDataInterval(dag, d('2026-01-25T01:00:00Z'))).toEqual({
      start: d('2026-01-24T00:00:00Z'),
      end: d('2026-01-25T00:00:00Z'),
    });
  });

  it('ends at the logical date when it falls on a tick', () => {
    const dag = makeDag({ schedule: '@daily' });
    expect(manualDataInterval(dag, d('2026-01-25T00:00:00Z'))).toEqual({
      start: d('2026-01-24T00:00:00Z'),
      end: d('2026-01-25T00:00:00Z'),
    });
  });

  it('is [date, date] for an unscheduled or @once DAG', () => {
    const at = d('2026-01-25T01:00:00Z');
    expect(manualDataInterval(makeDag({ schedule: null }), at)).toEqual({ start: at, end: at });
    expect(manualDataInterval(makeDag({ schedule: '@once' }), at)).toEqual({ start: at, end: at });
  });
});
