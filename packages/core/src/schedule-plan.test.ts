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
});

describe('formatLocal', () => {
  it('writes an instant on a negative-offset wall clock', () => {
    expect(formatLocal(new Date('2026-12-06T10:00:00Z'), 'America/New_York')).toBe('2026-12-06 05:00 -05:00');
  });
});
