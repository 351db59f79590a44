import { Fragment, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Grid, GridCell, TaskNode, TaskState } from '@sluice/client';
import { showingText } from '../components/showing';
import { elapsedMs, formatDuration } from '../format';
import { useNow } from '../net/useNow';
import { runPath } from '../paths';
import { runStateStyle, taskStateStyle } from '../states';
import { isGridLive } from './queries';
import { gridRows } from './task-groups';
import { MappedGridRows } from './MappedGridRows';
import { countsText } from '../runs/mapped';

interface Tip {
  /** Which cell or run header is hovered; its lines are rebuilt every render, so a running duration ticks. */
  id: string;
  x: number;
  y: number;
}

/** Props that show the floating tooltip for an element while it is hovered or focused. */
function tipHandlers(setTip: (tip: Tip | null) => void, id: string) {
  const show = (target: Element) => {
    const rect = target.getBoundingClientRect();
    setTip({ id, x: rect.left + rect.width / 2, y: rect.top });
  };
  return {
    onMouseEnter: (event: { currentTarget: Element }) => show(event.currentTarget),
    onFocus: (event: { currentTarget: Element }) => show(event.currentTarget),
    onMouseLeave: () => setTip(null),
    onBlur: () => setTip(null),
  };
}

/** A cell's tooltip: what ran, how many tries it took, and how long (so far, while it runs). */
function cellLines(
  taskId: string,
  runId: string,
  label: string,
  cell: GridCell | undefined,
  now: number,
  format: (iso: string | null) => string,
): string[] {
  if (!cell || cell.tryNumber === 0) return [taskId, runId, label, 'no try yet'];
  return [
    taskId,
    runId,
    label,
    cell.tryNumber > 1 ? `${cell.tryNumber} tries (retried)` : '1 try',
    `started ${format(cell.startedAt)}`,
    `duration ${formatDuration(elapsedMs(cell.startedAt, cell.endedAt, cell.durationMs, now))}${cell.endedAt ? '' : ' so far'}`,
  ];
}

/** A task's name within its group (the group's rows say the rest). */
function taskLabel(task: TaskNode): string {
  return task.group === null ? task.taskId : task.taskId.slice(task.group.length + 1);
}

/**
 * Airflow's grid: one row per task (topological order), one column per run
 * (oldest left), task groups nested and collapsible. A cell links to that
 * task instance on the run page; a task that needed more than one try wears
 * its try count, and durations of what still runs tick. A mapped task is
 * one row whose cells count its instances by state, coloured by the worst;
 * its toggle opens one row per instance, fifty at a time.
 */
export function DagGrid({ grid, format }: { grid: Grid; format: (iso: string | null) => string }) {
  const [tip, setTip] = useState<Tip | null>(null);
  const now = useNow(1000, isGridLive(grid));
  const tipLines = new Map<string, string[]>();
  const withTip = (id: string, lines: string[]) => {
    tipLines.set(id, lines);
    return tipHandlers(setTip, id);
  };
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  // Mapped tasks shown as one row per instance, and the first instance of the page each shows.
  const [expanded, setExpanded] = useState<ReadonlyMap<string, number>>(new Map());
  const toggleMapped = (taskId: string) =>
    setExpanded((open) => {
      const next = new Map(open);
      if (!next.delete(taskId)) next.set(taskId, 0);
      return next;
    });
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
  const durations = grid.runs.map((run) => elapsedMs(run.startedAt, run.endedAt, null, now));
  const longest = Math.max(1, ...durations.map((ms) => ms ?? 0));

  return (
    <div className="grid-wrap">
      <table className="dag-grid">
        <thead>
          <tr>
            <th className="grid-task-col">
              <span className="muted small" data-testid="grid-count">
                {showingText(grid.runs.length, grid.totalRuns, grid.totalRunsCapped, 'runs')}, oldest → newest
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
                    {...withTip(`run:${run.runId}`, [
                      run.runId,
                      `${run.runType} run · ${style.label}`,
                      `logical date ${format(run.logicalDate)}`,
                      `duration ${formatDuration(duration)}${run.endedAt ? '' : ' so far'}`,
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
            const mapped = grid.runs.some((run) => run.mapped?.[task.taskId] !== undefined);
            const offset = expanded.get(task.taskId);
            const widest = Math.max(0, ...grid.runs.map((run) => run.mapped?.[task.taskId]?.total ?? 0));
            return (
              <Fragment key={task.taskId}>
                <tr data-testid={`grid-row-${task.taskId}`}>
                  <th scope="row" className="grid-task-col" style={indent}>
                    {mapped ? (
                      <button
                        type="button"
                        className="grid-group-toggle"
                        data-testid={`grid-mapped-${task.taskId}`}
                        aria-expanded={offset !== undefined}
                        onClick={() => toggleMapped(task.taskId)}
                      >
                        {offset !== undefined ? '▾' : '▸'} <span className="grid-task-name">{taskLabel(task)}</span>
                        <span className="grid-task-operator">mapped × {widest}</span>
                      </button>
                    ) : (
                      <>
                        <span className="grid-task-name">{taskLabel(task)}</span>
                        <span className="grid-task-operator">{task.operator}</span>
                      </>
                    )}
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
                    const cell = run.cells[task.taskId];
                    const summary = run.mapped?.[task.taskId];
                    const counts = summary ? countsText(summary.counts, (s) => taskStateStyle(s).label) : null;
                    const tries = cell?.tryNumber ?? 0;
                    const modifiers = `${state === 'running' ? ' is-live' : ''}${state === 'none' ? ' is-none' : ''}${tries > 1 ? ' is-retried' : ''}${summary ? ' is-mapped' : ''}`;
                    const lines = cellLines(task.taskId, run.runId, style.label, cell, now, format);
                    return (
                      <td key={run.runId} className="grid-run-col">
                        <Link
                          to={runPath(grid.dagId, run.runId, task.taskId)}
                          className={`grid-cell${modifiers}`}
                          style={{ background: style.color, color: style.text }}
                          data-testid={`grid-cell-${task.taskId}-${run.runId}`}
                          data-state={state}
                          data-tries={tries}
                          data-counts={counts ?? undefined}
                          aria-label={
                            counts
                              ? `${task.taskId} in ${run.runId}: ${summary?.total} instances, ${counts}`
                              : `${task.taskId} in ${run.runId}: ${style.label}${tries > 1 ? `, ${tries} tries` : ''}`
                          }
                          {...withTip(
                            `cell:${task.taskId}:${run.runId}`,
                            counts && summary ? [...lines.slice(0, 2), `${summary.total} instances: ${counts}`] : lines,
                          )}
                        >
                          {tries > 1 && !summary && <span className="grid-tries">{tries}</span>}
                        </Link>
                      </td>
                    );
                  })}
                </tr>
                {offset !== undefined && (
                  <MappedGridRows
                    grid={grid}
                    taskId={task.taskId}
                    depth={row.depth}
                    offset={offset}
                    live={isGridLive(grid)}
                    onOffset={(next) => setExpanded((open) => new Map(open).set(task.taskId, next))}
                  />
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {tip && (
        <div className="tooltip" role="tooltip" style={{ left: tip.x, top: tip.y }}>
          {/* Read after the table above has built this render's lines. */}
          {(tipLines.get(tip.id) ?? []).map((line, index) => (
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
