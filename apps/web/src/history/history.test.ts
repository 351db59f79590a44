/** The history views' arithmetic: the Gantt's bars, task times, a calendar day's colour, version diffs. */
import type { RunGantt, TaskTimes } from '@sluice/client';
import { describe, expect, it } from 'vitest';
import { diffSources, plainLines } from './code-diff';
import { layoutGantt } from './gantt';
import { dayState } from './RunCalendar';
import { timeOf } from './TaskTimesChart';

const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 9, 0, s)).toISOString();

describe('layoutGantt', () => {
  const gantt: RunGantt = {
    dagId: 'etl',
    runId: 'r1',
    state: 'running',
    startedAt: at(0),
    endedAt: null,
    tasks: [
      {
        taskId: 'extract',
        operator: 'fn',
        state: 'success',
        queuedAt: at(20),
        currentTry: 2,
        tries: [
          { tryNumber: 1, state: 'up_for_retry', startedAt: at(0), endedAt: at(10) },
          { tryNumber: 2, state: 'success', startedAt: at(30), endedAt: at(50) },
        ],
      },
      { taskId: 'load', operator: 'shell', state: 'queued', queuedAt: at(60), currentTry: 0, tries: [] },
      { taskId: 'report', operator: 'shell', state: 'none', queuedAt: null, currentTry: 0, tries: [] },
    ],
  };
  const now = Date.parse(at(100));
  const layout = layoutGantt(gantt, now);
  const bars = (task: string) => layout.rows.find((r) => r.task.taskId === task)?.bars ?? [];

  it('spans from the run’s start to now while it runs', () => {
    expect([layout.start, layout.end]).toEqual([Date.parse(at(0)), now]);
  });

  it('draws each try, and the current try’s wait in the queue before it started', () => {
    expect(bars('extract').map((b) => [b.kind, b.tryNumber, b.state, b.left, b.width])).toEqual([
      ['queued', 2, 'queued', 20, 10],
      ['try', 1, 'up_for_retry', 0, 10],
      ['try', 2, 'success', 30, 20],
    ]);
  });

  it('draws a task still queued as waiting until now, and one not queued yet with no bar', () => {
    expect(bars('load').map((b) => [b.kind, b.left, b.width])).toEqual([['queued', 60, 40]]);
    expect(bars('report')).toEqual([]);
  });

  it('gives a run with no times an axis at now', () => {
    const empty = layoutGantt({ ...gantt, startedAt: null, tasks: [gantt.tasks[2] as RunGantt['tasks'][number]] }, now);
    expect([empty.start, empty.end - empty.start]).toEqual([now, 1000]);
  });
});

describe('timeOf', () => {
  const run = {
    dataIntervalEnd: at(0),
    tasks: { load: { state: 'success', startedAt: at(10), endedAt: at(40), durationMs: 30_000 } },
  } as unknown as TaskTimes['runs'][number];

  it('is the duration, or the landing time after the data interval ended', () => {
    expect(timeOf(run, 'load', 'duration')).toBe(30_000);
    expect(timeOf(run, 'load', 'landing')).toBe(40_000);
    expect(timeOf(run, 'missing', 'duration')).toBeNull();
  });
});

describe('dayState', () => {
  it('colours a day by its worst run', () => {
    expect(dayState({ date: '2026-01-01', counts: { success: 3, failed: 1 } })).toBe('failed');
    expect(dayState({ date: '2026-01-01', counts: { success: 3, running: 1 } })).toBe('running');
    expect(dayState({ date: '2026-01-01', counts: { success: 2 } })).toBe('success');
    expect(dayState({ date: '2026-01-01', counts: {} })).toBeNull();
  });
});

describe('diffSources', () => {
  it('numbers the lines of the newer version and shows the removed ones between them', () => {
    const lines = diffSources('a\nb\nc\n', 'a\nB\nc\nd\n');
    expect(lines.map((l) => [l.number, l.change, l.text])).toEqual([
      [1, 'same', 'a'],
      [null, 'removed', 'b'],
      [2, 'added', 'B'],
      [3, 'same', 'c'],
      [4, 'added', 'd'],
    ]);
    expect(plainLines('x\ny')).toEqual([
      { number: 1, text: 'x', change: 'same' },
      { number: 2, text: 'y', change: 'same' },
    ]);
  });
});
