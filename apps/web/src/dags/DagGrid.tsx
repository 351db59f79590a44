import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { Grid, TaskState } from '@sluice/client';
import { elapsedMs, formatDateTime, formatDuration } from '../format';
import { runPath } from '../paths';
import { runStateStyle, taskStateStyle } from '../states';
import { gridRows } from './task-groups';

interface Tip {
  lines: string[];
  x: number;
  y: number;
}

/** Props that show the floating tooltip for an element while it is hovered or focused. */
function tipHandlers(setTip: (tip: Tip | null) => void, lines: string[]) {
  const show = (target: Element) => {
    const rect = target.getBoundingClientRect();
    setTip({ lines, x: rect.left + rect.width / 2, y: rect.top });
  };
  return {
    onMouseEnter: (event: { currentTarget: Element }) => show(event.currentTarget),
    onFocus: (event: { currentTarget: Element }) => show(event.currentTarget),
    onMouseLeave: () => setTip(null),
    onBlur: () => setTip(null),
  };
}

/**
 * Airflow's grid: one row per task (topological order), one column per run
 * (oldest left), task groups nested and collapsible. A cell links to that
 * task instance on the run page.
 */
export function DagGrid({ grid }: { grid: Grid }) {
  const [tip, setTip] = useState<Tip | null>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const toggle = (groupId: string) =>
    setCollapsed((shut) => {
      const next = new Set(shut);
      if (!next.delete(groupId)) next.add(groupId);
      return next;
    });

  if (grid.runs.length === 0) {
    return <p className="empty-note">No runs yet. Trigger one to see it here.</p>;
  }

  // As in Airflow, a run's header bar is as tall as the run was long, relative to the longest shown.
  const durations = grid.runs.map((run) => elapsedMs(run.startedAt, run.endedAt, null));
  const longest = Math.max(1, ...durations.map((ms) => ms ?? 0));

  return (
    <div className="grid-wrap">
      <table className="dag-grid">
        <thead>
          <tr>
            <th className="grid-task-col">
              <span className="muted small">
                {grid.runs.length} run{grid.runs.length === 1 ? '' : 's'}, oldest → newest
              </span>
            </th>
            {grid.runs.map((run, index) => {
              const style = runStateStyle(run.state);
              const duration = durations[index] ?? null;
              return (
                <th key={run.runId} className="grid-run-col grid-run-bars">
                  <Link
                    to={runPath(grid.dagId, run.runId)}
                    className={`grid-run${run.state === 'running' ? ' is-live' : ''}`}
                    style={{ background: style.color, height: `${6 + Math.round((30 * (duration ?? 0)) / longest)}px` }}
                    data-testid={`grid-run-${run.runId}`}
                    data-state={run.state}
                    aria-label={`Run ${run.runId}: ${style.label}`}
                    {...tipHandlers(setTip, [
                      run.runId,
                      `${run.runType} run · ${style.label}`,
                      `logical date ${formatDateTime(run.logicalDate)}`,
                      `duration ${formatDuration(duration)}`,
                    ])}
                  />
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {gridRows(grid.tasks, grid.groups, collapsed).map((row) => {
            const indent = { paddingLeft: `${0.5 + row.depth}rem` };
            if (row.kind === 'group') {
              const { groupId, label } = row.group;
              return (
                <tr key={`group:${groupId}`} className="grid-group-row">
                  <th scope="row" className="grid-task-col" style={indent}>
                    <button
                      type="button"
                      className="grid-group-toggle"
                      data-testid={`grid-group-${groupId}`}
                      aria-expanded={!row.collapsed}
                      onClick={() => toggle(groupId)}
                    >
                      {row.collapsed ? '▸' : '▾'} {label}
                    </button>
                  </th>
                  <td colSpan={grid.runs.length} />
                </tr>
              );
            }
            const { task } = row;
            return (
              <tr key={task.taskId} data-testid={`grid-row-${task.taskId}`}>
                <th scope="row" className="grid-task-col" style={indent}>
                  <span className="grid-task-name">
                    {task.group === null ? task.taskId : task.taskId.slice(task.group.length + 1)}
                  </span>
                  <span className="grid-task-operator">{task.operator}</span>
                </th>
                {grid.runs.map((run) => {
                  const state: TaskState | undefined = run.states[task.taskId];
                  if (state === undefined) {
                    return (
                      <td key={run.runId} className="grid-run-col">
                        <span className="grid-cell is-absent" title="not part of this run's DAG version" />
                      </td>
                    );
                  }
                  const style = taskStateStyle(state);
                  const modifiers = `${state === 'running' ? ' is-live' : ''}${state === 'none' ? ' is-none' : ''}`;
                  return (
                    <td key={run.runId} className="grid-run-col">
                      <Link
                        to={runPath(grid.dagId, run.runId, task.taskId)}
                        className={`grid-cell${modifiers}`}
                        style={{ background: style.color }}
                        data-testid={`grid-cell-${task.taskId}-${run.runId}`}
                        data-state={state}
                        aria-label={`${task.taskId} in ${run.runId}: ${style.label}`}
                        {...tipHandlers(setTip, [task.taskId, run.runId, style.label])}
                      />
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      {tip && (
        <div className="tooltip" role="tooltip" style={{ left: tip.x, top: tip.y }}>
          {tip.lines.map((line, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a tooltip's lines are rebuilt whole, never reordered, and may repeat
            <div key={index} className={index === 0 ? 'tooltip-title' : undefined}>
              {line}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
