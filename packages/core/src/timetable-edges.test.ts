/**
 * Timetables at their edges: @once in a backfill and without a start date,
 * catchup without a start date, a one-date backfill range, the backfill
 * limit, and schedules told apart in the compiled-schedule cache.
 */
import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from './errors';
import { intervalsBetween, nextRunAfter } from './timetable';
import { makeDag } from './test-fixtures';

const d = (iso: string) => new Date(iso);
const NOW = d('2026-03-10T12:00:00.000Z');

describe('@once', () => {
  const once = makeDag({ schedule: '@once', startDate: '2026-03-05T06:00:00.000Z' });

  it('is one run at its start date, in a backfill that covers it, the range ends included', () => {
    const at = d('2026-03-05T06:00:00.000Z');
    const run = { logicalDate: at, dataInterval: { start: at, end: at }, runAfter: at };
    expect(intervalsBetween(once, d('2026-03-01T00:00:00Z'), d('2026-03-31T00:00:00Z'))).toEqual([run]);
    expect(intervalsBetween(once, at, at)).toEqual([run]);
  });

  it('is no run in a backfill before or after its start date, or without one', () => {
    expect(intervalsBetween(once, d('2026-03-06T00:00:00Z'), d('2026-03-31T00:00:00Z'))).toEqual([]);
    expect(intervalsBetween(once, d('2026-02-01T00:00:00Z'), d('2026-03-05T05:59:59Z'))).toEqual([]);
    expect(
      intervalsBetween({ ...once, startDate: null }, d('2026-01-01T00:00:00Z'), d('2026-12-31T00:00:00Z')),
    ).toEqual([]);
  });

  it('never runs without a start date, nor when its end date comes first', () => {
    expect(nextRunAfter({ ...once, startDate: null }, null, NOW)).toBeNull();
    expect(nextRunAfter({ ...once, endDate: '2026-03-01T00:00:00.000Z' }, null, NOW)).toBeNull();
    expect(nextRunAfter({ ...once, endDate: '2026-03-05T06:00:00.000Z' }, null, NOW)).toMatchObject({
      logicalDate: d('2026-03-05T06:00:00.000Z'),
    });
  });
});

describe('catchup without a start date', () => {
  it('behaves as catchup=false: the latest complete interval', () => {
    const dag = makeDag({ schedule: '@daily', catchup: true, startDate: null });
    expect(nextRunAfter(dag, null, NOW)?.dataInterval).toEqual({
      start: d('2026-03-09T00:00:00.000Z'),
      end: d('2026-03-10T00:00:00.000Z'),
    });
  });
});

describe('intervalsBetween', () => {
  const daily = makeDag({ schedule: '@daily' });

  it('accepts a range of one date, and gives the run starting at it', () => {
    const at = d('2026-03-05T00:00:00.000Z');
    expect(intervalsBetween(daily, at, at).map((r) => r.logicalDate)).toEqual([at]);
  });

  it('allows exactly `limit` runs and refuses one more, naming the DAG and the range', () => {
    const from = d('2026-03-01T00:00:00.000Z');
    expect(intervalsBetween(daily, from, d('2026-03-03T00:00:00.000Z'), { limit: 3 })).toHaveLength(3);
    expect(() => intervalsBetween(daily, from, d('2026-03-04T00:00:00.000Z'), { limit: 3 })).toThrow(
      new InvalidOptionsError(
        'backfill of "example" from 2026-03-01T00:00:00.000Z to 2026-03-04T00:00:00.000Z has more than 3 runs; narrow the range',
      ),
    );
  });
});

describe('schedules of the same text', () => {
  it('are told apart by timezone, and a null schedule from an empty one', () => {
    const utc = makeDag({ schedule: '0 6 * * *', timezone: 'UTC' });
    const tokyo = makeDag({ schedule: '0 6 * * *', timezone: 'Asia/Tokyo' });
    expect(nextRunAfter(utc, null, NOW)?.logicalDate).toEqual(d('2026-03-09T06:00:00.000Z'));
    expect(nextRunAfter(tokyo, null, NOW)?.logicalDate).toEqual(d('2026-03-08T21:00:00.000Z'));
    expect(nextRunAfter(makeDag({ schedule: null }), null, NOW)).toBeNull();
    expect(() => nextRunAfter(makeDag({ schedule: '' }), null, NOW)).toThrow(InvalidOptionsError);
  });
});
