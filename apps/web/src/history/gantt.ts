/** The Gantt chart's geometry: where each bar of a run's tries and queue waits goes on a shared time axis. */
import type { GanttTask, RunGantt, TaskState } from '@sluice/client';

export interface GanttBar {
  kind: 'queued' | 'try';
  /** The try's number; for a queued bar, the try it waits to become. */
  tryNumber: number;
  state: TaskState | 'queued';
  start: number;
  end: number;
  /** Percent of the axis. */
  left: number;
  width: number;
}

export interface GanttLayout {
  start: number;
  end: number;
  rows: Array<{ task: GanttTask; bars: GanttBar[] }>;
}

const ms = (iso: string | null): number | null => {
  if (iso === null) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/**
 * Bars of one task: each try from its start to its end (or `now` while it
 * runs), and the wait of its current try from being queued to starting (or
 * `now` while it waits).
 */
function barsOf(task: GanttTask, now: number): Array<Omit<GanttBar, 'left' | 'width'>> {
  const bars: Array<Omit<GanttBar, 'left' | 'width'>> = [];
  const queuedAt = ms(task.queuedAt);
  if (queuedAt !== null) {
    const started = task.tries.find((t) => t.tryNumber === task.currentTry);
    const startedAt = ms(started?.startedAt ?? null);
    const end = startedAt ?? (task.state === 'queued' ? now : null);
    if (end !== null && end >= queuedAt) {
      bars.push({ kind: 'queued', tryNumber: task.currentTry, state: 'queued', start: queuedAt, end });
    }
  }
  for (const t of task.tries) {
    const start = ms(t.startedAt);
    if (start === null) continue;
    bars.push({ kind: 'try', tryNumber: t.tryNumber, state: t.state, start, end: ms(t.endedAt) ?? now });
  }
  return bars;
}

export function layoutGantt(gantt: RunGantt, now: number): GanttLayout {
  const raw = gantt.tasks.map((task) => ({ task, bars: barsOf(task, now) }));
  const times = raw.flatMap((r) => r.bars.flatMap((b) => [b.start, b.end]));
  const runStart = ms(gantt.startedAt);
  const starts = [...times, ...(runStart === null ? [] : [runStart])];
  const start = starts.length > 0 ? Math.min(...starts) : now;
  const end = Math.max(...times, ms(gantt.endedAt) ?? start);
  // A run shorter than a second still gets an axis a second long, so its bars stay visible.
  const span = Math.max(end - start, 1000);
  return {
    start,
    end: start + span,
    rows: raw.map(({ task, bars }) => ({
      task,
      bars: bars.map((b) => ({
        ...b,
        left: ((b.start - start) / span) * 100,
        width: Math.max(((b.end - b.start) / span) * 100, 0.4),
      })),
    })),
  };
}
