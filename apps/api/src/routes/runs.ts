import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  InvalidCursorError,
  dagExists,
  decodeRunCursor,
  findRunRow,
  listDagBundles,
  listRunPage,
  listTaskInstanceRows,
  readVersionSource,
  listRunCallbacks,
  readTriggeringEvents,
  readRunDeadline,
} from '@sluice/db';
import { NotFoundError, markRun, triggerRun } from '@sluice/engine';
import type { CallbackRunInfo, CursorPage, RunDetail, RunSummary } from '@sluice/client';
import type { ApiDeps } from '../app';
import { presentRun, presentTaskInstances } from '../presenters';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { commitFileUrl } from '../source-links';
import { LOGICAL_DATE_RANGE, safeId, withinLogicalDateRange } from '../input';
import { actorOf } from '../actor';
import { principalOf } from '../auth/principal';
import { visibleDagIds } from '../auth/dag-access';

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
];

export function runRoutes(deps: ApiDeps): Router {
  const r = Router();

  const runDetail = async (req: Request, dagId: string, runId: string): Promise<RunDetail> => {
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
    const triggeringEvents = run.runType === 'asset_triggered' ? await readTriggeringEvents(deps.db.pool, run.id) : [];
    // An event a task of another team's DAG made shows as made by a DAG the caller may not see, not by its name.
    const who = principalOf(req);
    const visible = who && triggeringEvents.length > 0 ? await visibleDagIds(deps, who) : undefined;
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
      triggeringEvents: triggeringEvents.map((e) =>
        e.source.kind === 'task' && visible !== undefined && !visible.includes(e.source.dagId)
          ? { ...e, source: { kind: 'external', actor: 'a DAG of another team' } }
          : e,
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
    res.status(201).json(await runDetail(req, dagId, run.runId));
  });

  r.get('/dags/:dagId/runs/:runId', async (req, res) => {
    const { dagId, runId } = parse(RunParams, req, 'params');
    res.json(await runDetail(req, dagId, runId));
  });

  r.patch('/dags/:dagId/runs/:runId', async (req, res) => {
    const { dagId, runId } = parse(RunParams, req, 'params');
    const body = parse(PatchRunBody, req, 'body');
    await markRun(deps.engine, { dagId, runId, to: body.state, actor: actorOf(req) });
    res.json(await runDetail(req, dagId, runId));
  });

  return r;
}
