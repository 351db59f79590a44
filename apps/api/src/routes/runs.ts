import { Router } from 'express';
import { z } from 'zod';
import {
  InvalidCursorError,
  countDagRuns,
  dagExists,
  decodeRunCursor,
  findRunRow,
  gridDigest,
  listDagBundles,
  listDagRows,
  listRunPage,
  listTaskInstanceRows,
  readGridCells,
  readVersionSource,
  listRunCallbacks,
  readRunDeadline,
} from '@sluice/db';
import { NotFoundError, markRun, triggerRun } from '@sluice/engine';
import { taskGroups } from '@sluice/core';
import type { CallbackRunInfo, CursorPage, Grid, GridCell, RunDetail, RunSummary, TaskState } from '@sluice/client';
import type { ApiDeps } from '../app';
import { presentRun, presentTaskInstances, taskNodes } from '../presenters';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { commitFileUrl } from '../source-links';
import { LOGICAL_DATE_RANGE, safeId, withinLogicalDateRange } from '../input';
import { actorOf } from '../actor';
import { answeredNotModified } from '../etag';

const DagParams = z.object({ dagId: safeId('dagId') });
const RunParams = DagParams.extend({ runId: safeId('runId') });
export const RunState = z.enum(['queued', 'running', 'success', 'failed']);
/** A cursor from `nextCursor`, decoded; anything else is a 400 naming `query.cursor`. */
export const RunCursorParam = z.string().transform((text, ctx) => {
  try {
    return decodeRunCursor(text);
  } catch (raw) {
    if (!(raw instanceof InvalidCursorError)) throw raw;
    ctx.addIssue({ code: 'custom', message: raw.message });
    return z.NEVER;
  }
});
const ListRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(25),
  cursor: RunCursorParam.optional(),
  state: RunState.optional(),
  // Pages are keyset pages now: an OFFSET reads every run before the page.
  offset: z.never({ error: "offset is not supported: pass the page's nextCursor as cursor" }).optional(),
});
const TriggerBody = z
  .object({
    conf: z.record(z.string(), z.unknown()).optional(),
    logicalDate: z.iso
      .datetime({ offset: true })
      .refine(
        withinLogicalDateRange,
        `a logical date lies between ${LOGICAL_DATE_RANGE.from} and ${LOGICAL_DATE_RANGE.to}`,
      )
      .optional(),
    runId: safeId('runId').optional(),
  })
  .strict();
const PatchRunBody = z.object({ state: z.enum(['success', 'failed']) }).strict();
const GridQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(25) });

export const runRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/dags/:dagId/runs',
    summary: "A DAG's runs, newest first",
    tag: 'runs',
    role: 'viewer',
    params: DagParams,
    query: ListRunsQuery,
    status: 200,
  },
  {
    method: 'post',
    path: '/dags/:dagId/runs',
    summary: 'Trigger a run',
    tag: 'runs',
    role: 'operator',
    params: DagParams,
    body: TriggerBody,
    status: 201,
  },
  {
    method: 'get',
    path: '/dags/:dagId/runs/:runId',
    summary: 'A run and its task instances',
    tag: 'runs',
    role: 'viewer',
    params: RunParams,
    status: 200,
  },
  {
    method: 'patch',
    path: '/dags/:dagId/runs/:runId',
    summary: 'Mark a run success or failed',
    tag: 'runs',
    role: 'operator',
    params: RunParams,
    body: PatchRunBody,
    status: 200,
  },
  {
    method: 'get',
    path: '/dags/:dagId/grid',
    summary: 'Recent runs × tasks',
    tag: 'runs',
    role: 'viewer',
    params: DagParams,
    query: GridQuery,
    status: 200,
  },
];

export function runRoutes(deps: ApiDeps): Router {
  const r = Router();

  const runDetail = async (dagId: string, runId: string): Promise<RunDetail> => {
    const run = await findRunRow(deps.db.prisma, dagId, runId);
    if (!run) {
      const known = await dagExists(deps.db.pool, dagId);
      throw new NotFoundError(known ? `DAG "${dagId}" has no run "${runId}"` : `DAG "${dagId}" does not exist`);
    }
    // Versions never change: parsed once per process, not per request.
    const version = await deps.engine.dags.get(run.dagVersionId).catch(() => {
      throw new NotFoundError(`DAG version of run "${runId}" is missing`);
    });
    const spec = version.spec;
    const tis = await listTaskInstanceRows(deps.db.prisma, run.id);
    const source = await readVersionSource(deps.db.prisma, run.dagVersionId);
    const [bundle] = await listDagBundles(deps.db.pool);
    const bundleCommit = source?.bundleCommit ?? null;
    const deadline = await readRunDeadline(deps.db.pool, run.id);
    const callbacks = await listRunCallbacks(deps.db.pool, run.id);
    return {
      ...presentRun(run),
      dagId,
      conf: (run.conf as Record<string, unknown> | null) ?? {},
      versionHash: version.hash,
      bundleCommit,
      sourceUrl: commitFileUrl(bundle, bundleCommit, source?.fileLoc ?? ''),
      taskInstances: presentTaskInstances(spec, tis),
      deadline: deadline.deadlineAt
        ? { at: deadline.deadlineAt.toISOString(), missedAt: deadline.deadlineMissedAt?.toISOString() ?? null }
        : null,
      callbacks: callbacks.map(
        (c): CallbackRunInfo => ({
          id: c.id,
          event: c.event as CallbackRunInfo['event'],
          scope: c.scope === 'task' ? 'task' : 'dag',
          kind: c.kind,
          taskId: c.taskId,
          tryNumber: c.tryNumber,
          state: c.state,
          attempts: c.attempts,
          maxAttempts: c.maxAttempts,
          lastError: c.lastError ? { name: c.lastError.name, message: c.lastError.message } : null,
          log: c.log,
          createdAt: c.createdAt.toISOString(),
          endedAt: c.endedAt?.toISOString() ?? null,
        }),
      ),
    };
  };

  r.get('/dags/:dagId/runs', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const q = parse(ListRunsQuery, req, 'query');
    const page = await listRunPage(deps.db.pool, {
      dagId,
      limit: q.limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(q.state ? { state: q.state } : {}),
    });
    if (page.items.length === 0 && !(await dagExists(deps.db.pool, dagId))) {
      throw new NotFoundError(`DAG "${dagId}" does not exist`);
    }
    const body: CursorPage<RunSummary> = {
      items: page.items.map(presentRun),
      limit: q.limit,
      nextCursor: page.nextCursor,
      total: page.total,
      totalCapped: page.totalCapped,
    };
    res.json(body);
  });

  r.post('/dags/:dagId/runs', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const body = parse(TriggerBody, req, 'body');
    const run = await triggerRun(deps.engine, {
      dagId,
      conf: body.conf,
      logicalDate: body.logicalDate ? new Date(body.logicalDate) : undefined,
      runId: body.runId,
      actor: actorOf(req),
    });
    res.status(201).json(await runDetail(dagId, run.runId));
  });

  r.get('/dags/:dagId/runs/:runId', async (req, res) => {
    const { dagId, runId } = parse(RunParams, req, 'params');
    res.json(await runDetail(dagId, runId));
  });

  r.patch('/dags/:dagId/runs/:runId', async (req, res) => {
    const { dagId, runId } = parse(RunParams, req, 'params');
    const body = parse(PatchRunBody, req, 'body');
    await markRun(deps.engine, { dagId, runId, to: body.state, actor: actorOf(req) });
    res.json(await runDetail(dagId, runId));
  });

  r.get('/dags/:dagId/grid', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const q = parse(GridQuery, req, 'query');
    if (answeredNotModified(req, res, await gridDigest(deps.db.pool, dagId, q.limit))) return;
    // The DAG and its version only: the grid's runs are read below, as many as it shows.
    const [dag] = await listDagRows(deps.db.pool, { dagId, recentRuns: 0 });
    if (!dag) throw new NotFoundError(`DAG "${dagId}" does not exist`);
    const version = await deps.engine.dags.get(dag.versionId);
    const [{ runs, cells }, count] = await Promise.all([
      readGridCells(deps.db.pool, dagId, q.limit),
      countDagRuns(deps.db.pool, dagId),
    ]);
    const states = new Map<string, Record<string, TaskState>>();
    const details = new Map<string, Record<string, GridCell>>();
    for (const c of cells) {
      const row = states.get(c.dagRunId) ?? {};
      row[c.taskId] = c.state as TaskState;
      states.set(c.dagRunId, row);
      const detail = details.get(c.dagRunId) ?? {};
      detail[c.taskId] = {
        tryNumber: c.tryNumber,
        startedAt: c.startedAt?.toISOString() ?? null,
        endedAt: c.endedAt?.toISOString() ?? null,
        durationMs: c.durationMs,
      };
      details.set(c.dagRunId, detail);
    }
    const grid: Grid = {
      dagId,
      tasks: taskNodes(version.spec),
      groups: taskGroups(version.spec),
      runs: runs.map((run) => ({
        ...presentRun(run),
        states: states.get(run.id) ?? {},
        cells: details.get(run.id) ?? {},
      })),
      totalRuns: count.total,
      totalRunsCapped: count.totalCapped,
    };
    res.json(grid);
  });

  return r;
}
