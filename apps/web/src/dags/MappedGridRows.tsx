import { Link } from 'react-router-dom';
import type { Grid } from '@sluice/client';
import { taskInstanceKey } from '@sluice/client';
import { runPath } from '../paths';
import { taskStateStyle } from '../states';
import { MAPPED_PAGE, useMappedGrid } from './queries';

interface MappedGridRowsProps {
  grid: Grid;
  taskId: string;
  depth: number;
  offset: number;
  live: boolean;
  onOffset: (offset: number) => void;
}

/**
 * The expanded rows of a mapped task: one per instance (`load[0]`…), fifty at
 * a time from the API, with a row to page on. However wide the map, the page
 * holds fifty rows.
 */
export function MappedGridRows({ grid, taskId, depth, offset, live, onOffset }: MappedGridRowsProps) {
  const page = useMappedGrid(grid.dagId, taskId, grid.runs.length, offset, live);
  const indent = { paddingLeft: `${1.5 + depth}rem` };
  if (!page.data) {
    return (
      <tr>
        <th scope="row" className="grid-task-col muted small" style={indent}>
          {page.error ? 'The instances could not be loaded.' : 'Loading instances…'}
        </th>
        <td colSpan={grid.runs.length} />
      </tr>
    );
  }
  const byRun = new Map(page.data.runs.map((r) => [r.runId, new Map(r.instances.map((i) => [i.mapIndex, i]))]));
  const last = Math.min(page.data.total, offset + MAPPED_PAGE);
  const indexes = Array.from({ length: Math.max(0, last - offset) }, (_, i) => offset + i);

  return (
    <>
      {indexes.map((mapIndex) => {
        const key = taskInstanceKey({ taskId, mapIndex });
        return (
          <tr key={key} data-testid={`grid-row-${key}`} className="grid-instance-row">
            <th scope="row" className="grid-task-col" style={indent}>
              <span className="grid-task-name">{key}</span>
            </th>
            {grid.runs.map((run) => {
              const instance = byRun.get(run.runId)?.get(mapIndex);
              if (!instance) {
                return (
                  <td key={run.runId} className="grid-run-col">
                    <span className="grid-cell is-absent" title={`${key} is not in ${run.runId}`} />
                  </td>
                );
              }
              const style = taskStateStyle(instance.state);
              const label = `${key} in ${run.runId}: ${style.label}${instance.tryNumber > 1 ? `, ${instance.tryNumber} tries` : ''}`;
              return (
                <td key={run.runId} className="grid-run-col">
                  <Link
                    to={runPath(grid.dagId, run.runId, key)}
                    className={`grid-cell${instance.state === 'none' ? ' is-none' : ''}${instance.state === 'running' ? ' is-live' : ''}`}
                    style={{ background: style.color, color: style.text }}
                    data-testid={`grid-cell-${key}-${run.runId}`}
                    data-state={instance.state}
                    aria-label={label}
                    title={label}
                  />
                </td>
              );
            })}
          </tr>
        );
      })}
      {page.data.total > MAPPED_PAGE && (
        <tr className="grid-instance-pager">
          <th scope="row" className="grid-task-col" style={indent}>
            <span className="muted small" data-testid={`grid-mapped-range-${taskId}`}>
              {offset}–{last - 1} of {page.data.total}
            </span>{' '}
            <button
              type="button"
              className="button button-small"
              disabled={offset === 0}
              onClick={() => onOffset(Math.max(0, offset - MAPPED_PAGE))}
            >
              ‹ Previous
            </button>{' '}
            <button
              type="button"
              className="button button-small"
              data-testid={`grid-mapped-next-${taskId}`}
              disabled={last >= page.data.total}
              onClick={() => onOffset(offset + MAPPED_PAGE)}
            >
              Next {MAPPED_PAGE} ›
            </button>
          </th>
          <td colSpan={grid.runs.length} />
        </tr>
      )}
    </>
  );
}
