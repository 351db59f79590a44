/**
 * The DAG page's grid: recent runs × tasks, a mapped task summarised in one
 * cell per run (its instances counted by state, the cell in the worst state),
 * and one page of a mapped task's instances for the grid's expanded rows.
 */
import { Router } from 'express';
import { z } from 'zod';
import {
  countDagRuns,
  gridDigest,
  listDagRows,
  readGridCells,
  readMappedGridCells,
  type GridCellRow,
} from '@sluice/db';
import { NotFoundError } from '@sluice/engine';
import { worstTaskState } from '@sluice/client';
import type { Grid, GridCell, MappedGridPage, MappedSummary, TaskState } from '@sluice/client';
import type { ApiDeps } from '../app';
import { presentRun, taskNodes } from '../presenters';
import { taskGroups } from '@sluice/core';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { safeId } from '../input';
import { answeredNotModified } from '../etag';

const DagParams = z.object({ dagId: safeId('dagId') });
const MappedParams = DagParams.extend({ taskId: safeId('taskId') });
const GridQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(25) });
const MappedGridQuery = GridQuery.extend({
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  count: z.coerce.number().int().min(1).max(500).default(50),
});

export const gridRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/dags/:dagId/grid',
    summary: 'Recent runs × tasks; a mapped task summarised per run',
    tag: 'runs',
    role: 'viewer',
    params: DagParams,
    query: GridQuery,
    status: 200,
  },
  {
    method: 'get',
    path: '/dags/:dagId/grid/mapped/:taskId',
    summary: "One page of a mapped task's instances in the grid's runs",
    tag: 'runs',
    role: 'viewer',
    params: MappedParams,
    query: MappedGridQuery,
    status: 200,
  },
];

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

function gridCell(c: GridCellRow): GridCell {
  return { tryNumber: c.tryNumber, startedAt: iso(c.startedAt), endedAt: iso(c.endedAt), durationMs: c.durationMs };
}

interface RunCells {
  states: Record<string, TaskState>;
  cells: Record<string, GridCell>;
  mapped: Record<string, MappedSummary>;
}

/**
 * One run's cells from its task instance rows (ordered by task, map index).
 * A mapped task (rows with map index ≥ 0) gets one cell: its worst state, the
 * most tries any instance took, its first start and, when all ended, last end.
 */
export function runCells(rows: readonly GridCellRow[]): RunCells {
  const out: RunCells = { states: {}, cells: {}, mapped: {} };
  const instances = new Map<string, GridCellRow[]>();
  for (const c of rows) {
    if (c.mapIndex < 0) {
      out.states[c.taskId] = c.state as TaskState;
      out.cells[c.taskId] = gridCell(c);
    } else {
      instances.set(c.taskId, [...(instances.get(c.taskId) ?? []), c]);
    }
  }
  for (const [taskId, list] of instances) {
    const counts: Partial<Record<TaskState, number>> = {};
    for (const c of list) counts[c.state as TaskState] = (counts[c.state as TaskState] ?? 0) + 1;
    const starts = list.flatMap((c) => (c.startedAt ? [c.startedAt.getTime()] : []));
    const ends = list.map((c) => c.endedAt?.getTime() ?? null);
    const allEnded = ends.every((e) => e !== null);
    out.mapped[taskId] = { total: list.length, counts };
    out.states[taskId] = worstTaskState(list.map((c) => c.state as TaskState));
    out.cells[taskId] = {
      tryNumber: Math.max(...list.map((c) => c.tryNumber)),
      startedAt: starts.length > 0 ? new Date(Math.min(...starts)).toISOString() : null,
      endedAt: allEnded ? new Date(Math.max(...ends.map((e) => e ?? 0))).toISOString() : null,
      durationMs: null,
    };
  }
  return out;
}

export function gridRoutes(deps: ApiDeps): Router {
  const r = Router();

  const currentSpec = async (dagId: string) => {
    // The DAG and its version only: the grid's runs are read apart, as many as it shows.
    const [dag] = await listDagRows(deps.db.pool, { dagId, recentRuns: 0 });
    if (!dag) throw new NotFoundError(`DAG "${dagId}" does not exist`);
    return (await deps.engine.dags.get(dag.versionId)).spec;
  };

  r.get('/dags/:dagId/grid', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const q = parse(GridQuery, req, 'query');
    if (answeredNotModified(req, res, await gridDigest(deps.db.pool, dagId, q.limit))) return;
    const spec = await currentSpec(dagId);
    const [{ runs, cells }, count] = await Promise.all([
      readGridCells(deps.db.pool, dagId, q.limit),
      countDagRuns(deps.db.pool, dagId),
    ]);
    const byRun = new Map<string, GridCellRow[]>();
    for (const c of cells) byRun.set(c.dagRunId, [...(byRun.get(c.dagRunId) ?? []), c]);
    const grid: Grid = {
      dagId,
      tasks: taskNodes(spec),
      groups: taskGroups(spec),
      runs: runs.map((run) => ({ ...presentRun(run), ...runCells(byRun.get(run.id) ?? []) })),
      totalRuns: count.total,
      totalRunsCapped: count.totalCapped,
    };
    res.json(grid);
  });

  r.get('/dags/:dagId/grid/mapped/:taskId', async (req, res) => {
    const { dagId, taskId } = parse(MappedParams, req, 'params');
    const q = parse(MappedGridQuery, req, 'query');
    const spec = await currentSpec(dagId);
    if (!spec.tasks.some((t) => t.taskId === taskId)) {
      throw new NotFoundError(`DAG "${dagId}" has no task "${taskId}"`);
    }
    const { runs, cells, total } = await readMappedGridCells(deps.db.pool, { dagId, taskId, ...q });
    const byRun = new Map<string, MappedGridPage['runs'][number]['instances']>();
    for (const c of cells) {
      const list = byRun.get(c.dagRunId) ?? [];
      list.push({ mapIndex: c.mapIndex, state: c.state as TaskState, ...gridCell(c) });
      byRun.set(c.dagRunId, list);
    }
    const page: MappedGridPage = {
      dagId,
      taskId,
      total,
      offset: q.offset,
      count: q.count,
      runs: runs.map((run) => ({ runId: run.runId, instances: byRun.get(run.id) ?? [] })),
    };
    res.json(page);
  });

  return r;
}
