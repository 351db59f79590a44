/**
 * The UI's browse pages: runs and task instances across DAGs (or of one),
 * filtered and keyset-paged (docs/adr/0022). A viewer outside a DAG's team
 * never sees its rows: the DAG ids they may see filter the read itself.
 */
import { Router } from 'express';
import { z } from 'zod';
import { TaskInstanceState } from '@sluice/core';
import { InvalidCursorError, browseRuns, browseTaskInstances, decodeTaskInstanceCursor } from '@sluice/db';
import type { CursorPage, RunListItem, TaskInstanceListItem, TaskState } from '@sluice/client';
import type { ApiDeps } from '../app';
import { presentRun } from '../presenters';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { LOGICAL_DATE_RANGE, safeId, withinLogicalDateRange } from '../input';
import { UnauthorizedError, principalOf } from '../auth/principal';
import { visibleDagIds } from '../auth/dag-access';
import { RunCursorParam, RunState } from './runs';

const logicalDateBound = (what: string) =>
  z.iso
    .datetime({ offset: true, error: `${what} is an ISO date-time with an offset, e.g. 2026-11-21T00:00:00Z` })
    .refine(withinLogicalDateRange, `${what} lies between ${LOGICAL_DATE_RANGE.from} and ${LOGICAL_DATE_RANGE.to}`)
    .transform((text) => new Date(text));

const BrowseRunsQuery = z
  .object({
    dagId: safeId('dagId').optional(),
    state: RunState.optional(),
    runType: z.enum(['manual', 'scheduled', 'backfill', 'asset_triggered']).optional(),
    from: logicalDateBound('from').optional(),
    to: logicalDateBound('to').optional(),
    order: z.enum(['newest', 'oldest']).default('newest'),
    limit: z.coerce.number().int().min(1).max(500).default(25),
    cursor: RunCursorParam.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['to'] });

const TaskInstanceCursorParam = z.string().transform((text, ctx) => {
  try {
    return decodeTaskInstanceCursor(text);
  } catch (raw) {
    if (!(raw instanceof InvalidCursorError)) throw raw;
    ctx.addIssue({ code: 'custom', message: raw.message });
    return z.NEVER;
  }
});

const BrowseTaskInstancesQuery = z.object({
  dagId: safeId('dagId').optional(),
  taskId: safeId('taskId').optional(),
  state: z.enum(TaskInstanceState).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: TaskInstanceCursorParam.optional(),
});

export const browseRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/runs',
    summary: "Runs of every DAG you may see (or one's), filtered by state, type and logical date, keyset-paged",
    tag: 'runs',
    role: 'viewer',
    query: BrowseRunsQuery,
    status: 200,
  },
  {
    method: 'get',
    path: '/task-instances',
    summary: 'Task instances of every DAG you may see, newest run first, filtered by DAG, task and state',
    tag: 'tasks',
    role: 'viewer',
    query: BrowseTaskInstancesQuery,
    status: 200,
  },
];

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function browseRoutes(deps: ApiDeps): Router {
  const r = Router();

  const visible = async (req: Parameters<typeof principalOf>[0]) => {
    const p = principalOf(req);
    if (!p) throw new UnauthorizedError('Not signed in');
    return visibleDagIds(deps, p);
  };

  r.get('/runs', async (req, res) => {
    const q = parse(BrowseRunsQuery, req, 'query');
    const dags = await visible(req);
    const page = await browseRuns(deps.db.pool, {
      limit: q.limit,
      order: q.order,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(q.dagId ? { dagId: q.dagId } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.runType ? { runType: q.runType } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      ...(dags ? { visibleDagIds: dags } : {}),
    });
    const body: CursorPage<RunListItem> = {
      items: page.items.map((run) => ({ ...presentRun(run), dagId: run.dagId })),
      limit: q.limit,
      nextCursor: page.nextCursor,
      total: page.total,
      totalCapped: page.totalCapped,
    };
    res.json(body);
  });

  r.get('/task-instances', async (req, res) => {
    const q = parse(BrowseTaskInstancesQuery, req, 'query');
    const dags = await visible(req);
    const page = await browseTaskInstances(deps.db.pool, {
      limit: q.limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(q.dagId ? { dagId: q.dagId } : {}),
      ...(q.taskId ? { taskId: q.taskId } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(dags ? { visibleDagIds: dags } : {}),
    });
    const body: CursorPage<TaskInstanceListItem> = {
      items: page.items.map((ti) => ({
        ...ti,
        state: ti.state as TaskState,
        logicalDate: ti.logicalDate.toISOString(),
        startedAt: iso(ti.startedAt),
        endedAt: iso(ti.endedAt),
      })),
      limit: q.limit,
      nextCursor: page.nextCursor,
      total: page.total,
      totalCapped: page.totalCapped,
    };
    res.json(body);
  });

  return r;
}
