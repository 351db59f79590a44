import { describe, expect, it } from 'vitest';
import {
  type BackfillInterval,
  type ExistingRun,
  backfillStep,
  intervalAction,
  planIntervals,
  representativeRun,
  takesARun,
  undecidedIntervals,
} from './backfill';
import { makeDag } from './test-fixtures';
import { intervalsBetween } from './timetable';

const days = (from: string, to: string) => intervalsBetween(makeDag(), new Date(from), new Date(to));
const dates = (list: readonly { logicalDate: Date }[]): string[] =>
  list.map((i) => i.logicalDate.toISOString().slice(0, 10));
const run = (state: ExistingRun['state'], runId = `r_${state}`): ExistingRun => ({ runId, state });

describe('intervalAction', () => {
  it('creates a run where there is none, whatever the reprocess setting', () => {
    expect(intervalAction(null, 'none')).toBe('create');
    expect(intervalAction(null, 'failed')).toBe('create');
    expect(intervalAction(null, 'completed')).toBe('create');
  });

  it('never touches a run that is queued or running', () => {
    for (const reprocess of ['none', 'failed', 'completed'] as const) {
      expect(intervalAction(run('queued'), reprocess)).toBe('skip_in_flight');
      expect(intervalAction(run('running'), reprocess)).toBe('skip_in_flight');
    }
  });

  it('reprocess none skips every finished run', () => {
    expect(intervalAction(run('success'), 'none')).toBe('skip_existing');
    expect(intervalAction(run('failed'), 'none')).toBe('skip_existing');
  });

  it('reprocess failed reruns the failed tasks of a failed run and skips a successful one', () => {
    expect(intervalAction(run('failed'), 'failed')).toBe('rerun_failed');
    expect(intervalAction(run('success'), 'failed')).toBe('skip_existing');
  });

  it('reprocess completed reruns every finished run, failed or not', () => {
    expect(intervalAction(run('success'), 'completed')).toBe('rerun');
    expect(intervalAction(run('failed'), 'completed')).toBe('rerun');
  });
});

describe('takesARun', () => {
  it('is true for creating or clearing a run and false for passing over one', () => {
    expect(['create', 'rerun', 'rerun_failed'].map((a) => takesARun(a as 'create'))).toEqual([true, true, true]);
    expect(takesARun('skip_existing')).toBe(false);
    expect(takesARun('skip_in_flight')).toBe(false);
  });
});

describe('representativeRun', () => {
  it('is null without runs', () => {
    expect(representativeRun([])).toBeNull();
  });

  it('prefers an unfinished run, then a failed one, then the first', () => {
    expect(representativeRun([run('success', 'a'), run('failed', 'b'), run('running', 'c')])?.runId).toBe('c');
    expect(representativeRun([run('success', 'a'), run('queued', 'c')])?.runId).toBe('c');
    expect(representativeRun([run('success', 'a'), run('failed', 'b')])?.runId).toBe('b');
    expect(representativeRun([run('success', 'a'), run('success', 'b')])?.runId).toBe('a');
  });
});

describe('undecidedIntervals', () => {
  const all = days('2026-03-01', '2026-03-05');

  it('is every interval oldest first before the first step', () => {
    expect(dates(undecidedIntervals(all, null, false))).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
    ]);
  });

  it('is newest first in reverse', () => {
    expect(dates(undecidedIntervals(all, null, true))).toEqual([
      '2026-03-05',
      '2026-03-04',
      '2026-03-03',
      '2026-03-02',
      '2026-03-01',
    ]);
  });

  it('leaves out the cursor and what comes before it in the backfill order', () => {
    const cursor = new Date('2026-03-03T00:00:00Z');
    expect(dates(undecidedIntervals(all, cursor, false))).toEqual(['2026-03-04', '2026-03-05']);
    expect(dates(undecidedIntervals(all, cursor, true))).toEqual(['2026-03-02', '2026-03-01']);
  });

  it('does not reorder the caller’s list', () => {
    undecidedIntervals(all, null, true);
    expect(dates(all)[0]).toBe('2026-03-01');
  });
});

describe('planIntervals', () => {
  it('pairs each interval with its action and the run that decided it', () => {
    const all = days('2026-03-01', '2026-03-03');
    const byDay = new Map<string, ExistingRun[]>([
      ['2026-03-02', [run('failed', 'scheduled__2')]],
      ['2026-03-03', [run('success', 'manual__3'), run('running', 'scheduled__3')]],
    ]);
    const plan = planIntervals(all, (d) => byDay.get(d.toISOString().slice(0, 10)) ?? [], 'failed');
    expect(plan.map((p) => [dates([p.info])[0], p.action, p.existing?.runId ?? null])).toEqual([
      ['2026-03-01', 'create', null],
      ['2026-03-02', 'rerun_failed', 'scheduled__2'],
      ['2026-03-03', 'skip_in_flight', 'scheduled__3'],
    ]);
  });
});

describe('backfillStep', () => {
  const plan = (actions: BackfillInterval['action'][]): BackfillInterval[] => {
    const all = days('2026-03-01', '2026-03-31');
    return actions.map((action, i) => {
      const info = all[i];
      if (!info) throw new Error('too many actions for March');
      return { info, action, existing: null };
    });
  };

  it('creates up to the room left under maxActiveRuns, in order, and moves the cursor to the last one', () => {
    const step = backfillStep({
      ahead: plan(['create', 'create', 'create', 'create']),
      cursor: null,
      active: 1,
      maxActiveRuns: 3,
    });
    expect(dates(step.act.map((a) => a.info))).toEqual(['2026-03-01', '2026-03-02']);
    expect(step.skipped).toEqual([]);
    expect(step.cursor?.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(step.complete).toBe(false);
  });

  it('passes over skipped intervals without using room, up to the next one it cannot start', () => {
    const step = backfillStep({
      ahead: plan(['skip_existing', 'rerun_failed', 'skip_in_flight', 'create', 'skip_existing']),
      cursor: null,
      active: 0,
      maxActiveRuns: 1,
    });
    expect(dates(step.act.map((a) => a.info))).toEqual(['2026-03-02']);
    expect(dates(step.skipped.map((a) => a.info))).toEqual(['2026-03-01', '2026-03-03']);
    expect(step.cursor?.toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(step.complete).toBe(false);
  });

  it('acts on nothing and keeps the cursor when the backfill is full', () => {
    const cursor = new Date('2026-02-28T00:00:00Z');
    const step = backfillStep({ ahead: plan(['create']), cursor, active: 2, maxActiveRuns: 2 });
    expect(step).toEqual({ act: [], skipped: [], cursor, complete: false });
  });

  it('acts on nothing when more runs are active than the limit (the limit was lowered)', () => {
    const step = backfillStep({ ahead: plan(['create', 'create']), cursor: null, active: 5, maxActiveRuns: 2 });
    expect(step.act).toEqual([]);
  });

  it('is complete once every interval is decided and no run of it is unfinished', () => {
    expect(backfillStep({ ahead: [], cursor: null, active: 0, maxActiveRuns: 3 }).complete).toBe(true);
    expect(backfillStep({ ahead: plan(['skip_existing']), cursor: null, active: 0, maxActiveRuns: 3 }).complete).toBe(
      true,
    );
  });

  it('is not complete while one of its runs is unfinished', () => {
    expect(backfillStep({ ahead: [], cursor: null, active: 1, maxActiveRuns: 3 }).complete).toBe(false);
  });

  it('is not complete in the step that acts on the last interval', () => {
    const step = backfillStep({ ahead: plan(['create']), cursor: null, active: 0, maxActiveRuns: 3 });
    expect(step.act).toHaveLength(1);
    expect(step.complete).toBe(false);
  });

  it('is not complete while intervals remain that no room lets it take (a limit of 0)', () => {
    expect(backfillStep({ ahead: plan(['create']), cursor: null, active: 0, maxActiveRuns: 0 }).complete).toBe(false);
  });

  it('is not complete while intervals remain undecided', () => {
    const step = backfillStep({ ahead: plan(['create', 'skip_existing']), cursor: null, active: 1, maxActiveRuns: 1 });
    expect(step.complete).toBe(false);
    expect(step.skipped).toEqual([]);
  });
});
