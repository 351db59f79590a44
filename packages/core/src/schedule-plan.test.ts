import { describe, expect, it } from 'vitest';
import { catchUp, dstHazards, formatLocal, nextRuns, scheduledHistory } from './schedule-plan';
import { makeDag } from './test-fixtures';

const copenhagen = (schedule: string) =>
  makeDag({ schedule, timezone: 'Europe/Copenhagen', startDate: '2026-01-01T00:00:00.000Z' });

describe('nextRuns', () => {
  it('lists the next runs on the DAG wall clock and flags the one the spring DST change moves', () => {
    const runs = nextRuns(copenhagen('30 2 * * *'), new Date('2027-03-25T12:00:00Z'));
    expect(runs.map((r) => r.local)).toEqual([
      '2027-03-26 02:30 +01:00',
      '2027-03-27 02:30 +01:00',
      '2027-03-28 03:30 +02:00',
      '2027-03-29 02:30 +02:00',
      '2027-03-30 02:30 +02:00',
    ]);
    expect(runs.map((r) => r.dst)).toEqual([
      null,
      null,
      'clocks change since the run before (UTC+01:00 → UTC+02:00): 24 h after it',
      null,
      null,
    ]);
  });

  it('shows a run 23 hours after the one before when a 04:00 cron crosses spring forward', () => {
    const runs = nextRuns(copenhagen('0 4 * * *'), new Date('2027-03-27T12:00:00Z'), 2);
    expect(runs.map((r) => r.dst)).toEqual([
      'clocks change since the run before (UTC+01:00 → UTC+02:00): 23 h after it',
      null,
    ]);
  });

  it('starts at the start date when it is still ahead', () => {
    const dag = makeDag({ schedule: '@daily', startDate: '2027-01-10T00:00:00.000Z' });
    expect(nextRuns(dag, new Date('2027-01-01T00:00:00Z'), 1)[0]?.runAt.toISOString()).toBe('2027-01-11T00:00:00.000Z');
  });

  it('gives each run its logical date, its run time and its wall-clock time', () => {
    expect(nextRuns(makeDag({ schedule: '@daily' }), new Date('2027-01-01T12:00:00Z'), 2)).toEqual([
      {
        logicalDate: new Date('2027-01-01T00:00:00Z'),
        runAt: new Date('2027-01-02T00:00:00Z'),
        local: '2027-01-02 00:00 +00:00',
        dst: null,
      },
      {
        logicalDate: new Date('2027-01-02T00:00:00Z'),
        runAt: new Date('2027-01-03T00:00:00Z'),
        local: '2027-01-03 00:00 +00:00',
        dst: null,
      },
    ]);
  });

  it('stops after the run whose logical date is the end date', () => {
    const dag = makeDag({ schedule: '@daily', endDate: '2027-01-03T00:00:00.000Z' });
    expect(nextRuns(dag, new Date('2027-01-01T12:00:00Z')).map((r) => r.logicalDate.toISOString())).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2027-01-02T00:00:00.000Z',
      '2027-01-03T00:00:00.000Z',
    ]);
  });

  it('names the date a stored spec holds that is not a date', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    expect(() => nextRuns(makeDag({ startDate: 'soon' }), now)).toThrow('startDate "soon" is not an ISO date-time');
    expect(() => nextRuns(makeDag({ endDate: 'later' }), now)).toThrow('endDate "later" is not an ISO date-time');
  });

  it('writes a change from UTC+00:00 with a plus sign', () => {
    const runs = nextRuns(
      makeDag({ schedule: '0 3 * * *', timezone: 'Europe/London' }),
      new Date('2027-03-27T12:00:00Z'),
      1,
    );
    expect(runs[0]?.dst).toBe('clocks change since the run before (UTC+00:00 → UTC+01:00): 23 h after it');
  });

  it('lists nothing for a manual or @once DAG', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    expect(nextRuns(makeDag({ schedule: null }), now)).toEqual([]);
    expect(nextRuns(makeDag({ schedule: '@once' }), now)).toEqual([]);
  });

  it('writes a half-hour clock change west of UTC and east of it, and the fractional hours between runs', () => {
    const runs = nextRuns(
      makeDag({ schedule: '0 3 * * *', timezone: 'Australia/Lord_Howe' }),
      new Date('2027-04-01T00:00:00Z'),
      4,
    );
    expect(runs.map((r) => r.dst)).toEqual([
      null,
      null,
      'clocks change since the run before (UTC+11:00 → UTC+10:30): 24.5 h after it',
      null,
    ]);
    const newYork = nextRuns(
      makeDag({ schedule: '0 3 * * *', timezone: 'America/New_York' }),
      new Date('2027-03-13T12:00:00Z'),
      1,
    );
    expect(newYork[0]?.dst).toBe('clocks change since the run before (UTC-05:00 → UTC-04:00): 23 h after it');
  });
});

describe('dstHazards', () => {
  it('names the night 02:30 is skipped and the night it happens twice in Copenhagen', () => {
    const hazards = dstHazards(copenhagen('30 2 * * *'), new Date('2026-12-06T00:00:00Z'));
    expect(hazards.map((h) => h.note)).toEqual([
      '02:30 does not exist on 2027-03-28 in Europe/Copenhagen (clocks go forward): that run happens at 2027-03-28 03:30 +02:00',
      '02:30 happens twice on 2027-10-31 in Europe/Copenhagen (clocks go back): the run happens once, at the first',
    ]);
  });

  it('finds none for a schedule clear of the changed hour', () => {
    expect(dstHazards(copenhagen('0 4 * * *'), new Date('2026-12-06T00:00:00Z'))).toEqual([]);
  });

  it('gives the instant of each clock change and every wall time the schedule asks for in the hour', () => {
    expect(dstHazards(copenhagen('0,30 2 * * *'), new Date('2027-01-01T00:00:00Z'))).toEqual([
      {
        at: new Date('2027-03-28T01:00:00.000Z'),
        kind: 'skipped',
        wallTimes: ['02:00', '02:30'],
        note: '02:00 does not exist on 2027-03-28 in Europe/Copenhagen (clocks go forward): that run happens at 2027-03-28 03:00 +02:00',
      },
      {
        at: new Date('2027-10-31T01:00:00.000Z'),
        kind: 'repeated',
        wallTimes: ['02:00', '02:30'],
        note: '02:00 happens twice on 2027-10-31 in Europe/Copenhagen (clocks go back): the run happens once, at the first',
      },
    ]);
  });

  it('counts only the hour the clocks skip or repeat for an hourly schedule west of UTC', () => {
    const hazards = dstHazards(
      makeDag({ schedule: '0 * * * *', timezone: 'America/New_York' }),
      new Date('2027-01-01T00:00:00Z'),
    );
    expect(hazards.map((h) => [h.at.toISOString(), h.kind, h.wallTimes])).toEqual([
      ['2027-03-14T07:00:00.000Z', 'skipped', ['02:00']],
      ['2027-11-07T06:00:00.000Z', 'repeated', ['01:00']],
    ]);
    expect(hazards[0]?.note).toBe(
      '02:00 does not exist on 2027-03-14 in America/New_York (clocks go forward): that run happens at 2027-03-14 03:00 -04:00',
    );
  });

  it('looks only as many days ahead as asked', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    expect(dstHazards(copenhagen('30 2 * * *'), now, 100).map((h) => h.kind)).toEqual(['skipped']);
    expect(dstHazards(copenhagen('30 2 * * *'), now, 30)).toEqual([]);
    // The spring change is at 01:00 UTC on 28 March, 86 days and one hour after now.
    expect(dstHazards(copenhagen('30 2 * * *'), now, 86)).toEqual([]);
    expect(dstHazards(copenhagen('30 2 * * *'), now, 87).map((h) => h.at)).toEqual([new Date('2027-03-28T01:00:00Z')]);
  });

  it('finds none in UTC or for a schedule without cron times', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    expect(dstHazards(makeDag({ schedule: '30 2 * * *' }), now)).toEqual([]);
    expect(dstHazards(makeDag({ schedule: null, timezone: 'Europe/Copenhagen' }), now)).toEqual([]);
  });
});

describe('catchUp', () => {
  const now = new Date('2026-12-06T10:00:00Z');

  it('counts the runs a new catchup DAG creates at once from its start date', () => {
    const dag = makeDag({ catchup: true, startDate: '2026-11-06T00:00:00.000Z' });
    expect(catchUp(dag, null, now)).toMatchObject({ runs: 30, notCreated: 0 });
  });

  it('creates nothing earlier when a running DAG moves its start back 30 days, and counts what it leaves out', () => {
    const before = makeDag({ catchup: true, startDate: '2026-11-06T00:00:00.000Z' });
    const after = makeDag({ catchup: true, startDate: '2026-10-07T00:00:00.000Z' });
    const history = scheduledHistory(before, now);
    expect(history.firstLogicalDate?.toISOString()).toBe('2026-11-06T00:00:00.000Z');
    expect(catchUp(after, history.lastRun, now, history.firstLogicalDate)).toMatchObject({ runs: 0, notCreated: 30 });
  });

  it('creates only the latest interval for a new DAG without catchup', () => {
    expect(catchUp(makeDag({ catchup: false }), null, now).runs).toBe(1);
  });

  it('names the logical dates of the first and last run it creates, up to the limit', () => {
    const dag = makeDag({ catchup: true, startDate: '2026-11-06T00:00:00.000Z' });
    expect(catchUp(dag, null, now)).toEqual({
      runs: 30,
      first: new Date('2026-11-06T00:00:00.000Z'),
      last: new Date('2026-12-05T00:00:00.000Z'),
      notCreated: 0,
    });
    expect(catchUp(dag, null, now, null, 5)).toEqual({
      runs: 5,
      first: new Date('2026-11-06T00:00:00.000Z'),
      last: new Date('2026-11-10T00:00:00.000Z'),
      notCreated: 0,
    });
  });

  it('counts the intervals left out up to the limit, and none without catchup, a previous start or a cron', () => {
    const moved = { catchup: true, startDate: '2026-10-07T00:00:00.000Z' };
    const previousStart = new Date('2026-11-06T00:00:00.000Z');
    const last = { dataIntervalEnd: new Date('2026-12-06T00:00:00Z') };
    expect(catchUp(makeDag(moved), last, now, previousStart, 4).notCreated).toBe(4);
    expect(catchUp(makeDag({ ...moved, catchup: false }), last, now, previousStart).notCreated).toBe(0);
    expect(catchUp(makeDag(moved), last, now, null).notCreated).toBe(0);
    expect(catchUp(makeDag({ ...moved, startDate: null }), last, now, previousStart).notCreated).toBe(0);
    expect(catchUp(makeDag({ ...moved, schedule: '@once' }), last, now, previousStart).notCreated).toBe(0);
  });

  it('creates nothing for a manual DAG', () => {
    expect(catchUp(makeDag({ schedule: null }), null, now)).toEqual({
      runs: 0,
      first: null,
      last: null,
      notCreated: 0,
    });
  });
});

describe('scheduledHistory', () => {
  const now = new Date('2026-12-06T10:00:00Z');
  const dag = makeDag({ catchup: true, startDate: '2026-11-06T00:00:00.000Z' });

  it('ends at the latest interval the scheduler would have closed by now', () => {
    expect(scheduledHistory(dag, now)).toEqual({
      lastRun: { dataIntervalEnd: new Date('2026-12-06T00:00:00.000Z') },
      firstLogicalDate: new Date('2026-11-06T00:00:00.000Z'),
    });
  });

  it('stops at the limit', () => {
    expect(scheduledHistory(dag, now, 3).lastRun).toEqual({ dataIntervalEnd: new Date('2026-11-09T00:00:00.000Z') });
  });

  it('has no runs for a manual DAG', () => {
    expect(scheduledHistory(makeDag({ schedule: null }), now)).toEqual({ lastRun: null, firstLogicalDate: null });
  });
});

describe('formatLocal', () => {
  it('writes an instant on a negative-offset wall clock', () => {
    expect(formatLocal(new Date('2026-12-06T10:00:00Z'), 'America/New_York')).toBe('2026-12-06 05:00 -05:00');
  });

  it('writes UTC as +00:00 and offsets with minutes on either side of it', () => {
    const instant = new Date('2026-12-06T10:00:00Z');
    expect(formatLocal(instant, 'UTC')).toBe('2026-12-06 10:00 +00:00');
    expect(formatLocal(instant, 'Asia/Kathmandu')).toBe('2026-12-06 15:45 +05:45');
    expect(formatLocal(instant, 'America/St_Johns')).toBe('2026-12-06 06:30 -03:30');
  });
});
