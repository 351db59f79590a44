import { useState } from 'react';
import type { TaskTimes } from '@sluice/client';
import { formatDateTime, formatDuration } from '../format';

/** Which time of each task a chart plots. */
export type TimeMeasure = 'duration' | 'landing';

/** A task's time in a run: how long it took, or how long after its data interval ended it finished; null when unknown. */
export function timeOf(run: TaskTimes['runs'][number], taskId: string, measure: TimeMeasure): number | null {
  const t = run.tasks[taskId];
  if (!t) return null;
  if (measure === 'duration') return t.durationMs;
  if (t.endedAt === null) return null;
  return Date.parse(t.endedAt) - Date.parse(run.dataIntervalEnd);
}

// Distinct colours for up to ten lines; more tasks reuse them (the legend names each).
const PALETTE = [
  '#1f6feb',
  '#2f9e44',
  '#e03131',
  '#f08c00',
  '#7048e8',
  '#0c8599',
  '#c2255c',
  '#5c940d',
  '#495057',
  '#d9480f',
];

const WIDTH = 800;
const HEIGHT = 260;
const PAD = { left: 64, right: 12, top: 10, bottom: 28 };

/** One line per task over the latest runs (oldest left); tasks can be hidden from the legend. */
export function TaskTimesChart({ times, measure }: { times: TaskTimes; measure: TimeMeasure }) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const shown = times.tasks.filter((t) => !hidden.has(t));
  const values = shown.flatMap((task) => times.runs.map((run) => timeOf(run, task, measure) ?? 0));
  const max = Math.max(1000, ...values);
  const min = Math.min(0, ...values);
  const n = times.runs.length;
  const x = (i: number) => PAD.left + (n <= 1 ? 0.5 : i / (n - 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - min) / (max - min)) * (HEIGHT - PAD.top - PAD.bottom);
  const ticks = [min, min + (max - min) / 2, max];
  const title = measure === 'duration' ? 'Task durations' : 'Landing times (end of task after end of data interval)';

  if (n === 0) return <p className="empty-note">No runs yet.</p>;
  return (
    <figure className="chart-figure" data-testid={`chart-${measure}`}>
      <svg
        className="chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${title} over the last ${n} runs`}
      >
        {ticks.map((v) => (
          <g key={v}>
            <line className="chart-grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(v)} y2={y(v)} />
            <text className="chart-label" x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
              {formatDuration(Math.round(v))}
            </text>
          </g>
        ))}
        <line
          className="chart-axis"
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={HEIGHT - PAD.bottom}
          y2={HEIGHT - PAD.bottom}
        />
        <text className="chart-label" x={PAD.left} y={HEIGHT - 8}>
          {formatDateTime(times.runs[0]?.logicalDate)}
        </text>
        <text className="chart-label" x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end">
          {formatDateTime(times.runs.at(-1)?.logicalDate)}
        </text>
        {shown.map((task) => {
          const color = PALETTE[times.tasks.indexOf(task) % PALETTE.length];
          const points = times.runs.flatMap((run, i) => {
            const v = timeOf(run, task, measure);
            return v === null ? [] : [{ x: x(i), y: y(v), v, run }];
          });
          return (
            <g key={task} data-testid={`chart-${measure}-${task}`}>
              <polyline className="chart-line" stroke={color} points={points.map((p) => `${p.x},${p.y}`).join(' ')} />
              {points.map((p) => (
                <circle key={p.run.runId} cx={p.x} cy={p.y} r={3} fill={color}>
                  <title>{`${task} in ${p.run.runId}: ${formatDuration(p.v)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        {times.tasks.map((task) => (
          <button
            type="button"
            key={task}
            title={task}
            aria-pressed={!hidden.has(task)}
            onClick={() =>
              setHidden((h) => {
                const next = new Set(h);
                if (!next.delete(task)) next.add(task);
                return next;
              })
            }
          >
            <span
              className="legend-swatch"
              style={{ background: PALETTE[times.tasks.indexOf(task) % PALETTE.length] }}
              aria-hidden="true"
            />{' '}
            {task}
          </button>
        ))}
      </figcaption>
    </figure>
  );
}
