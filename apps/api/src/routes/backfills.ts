/**
 * Backfills: create (or preview with a dry run), list, read with progress,
 * pause, resume and cancel. A backfill is its DAG's: the DAG's team access
 * applies to each route.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { BackfillRow } from '@sluice/db';
import { findBackfill, listBackfills } from '@sluice/db';
import {
  type BackfillInput,
  InvalidRequestError,
  NotFoundError,
  backfillProgress,
  changeBackfill,
  createBackfill,
  previewBackfill,
} from '@sluice/engine';
import type { Backfill, BackfillPreview, RunState } from '@sluice/client';
import type { Request } from 'express';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { dateBound, safeId } from '../input';
import { actorOf } from '../actor';
import { assertDagAccess, visibleDagIds } from '../auth/dag-access';
import { principalOf } from '../auth/principal';

/** A backfill may keep at most this many runs going at once. */
const MAX_ACTIVE_RUNS_LIMIT = 100;

const BackfillBody = z
  .object({
    dagId: safeId('dagId'),
    from: dateBound('from'),
    to: dateBound('to'),
    reprocess: z.enum(['none', 'failed', 'completed']).default('none'),
    reverse: z.boolean().default(false),
    maxActiveRuns: z.number().int().min(1).max(MAX_ACTIVE_RUNS_LIMIT).optional(),
    conf: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
const BackfillParams = z.object({ backfillId: z.uuid({ error: 'backfillId is not a backfill id (a UUID)' }) });
const ListQuery = z.object({
  dagId: safeId('dagId').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const ACTIONS = ['pause', 'resume', 'cancel'] as const;

export const backfillRouteDocs: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/backfills',
    summary: 'Start a backfill: one run per interval of the DAG in a range, a few at a time',
    tag: 'backfills',
    role: 'operator',
    body: BackfillBody,
    status: 201,
  },
  {
    method: 'post',
    path: '/backfills/dry-run',
    summary: 'What a backfill would do with each interval (create, rerun, skip); writes nothing',
    tag: 'backfills',
    role: 'operator',
    body: BackfillBody,
    status: 200,
  },
  {
    method: 'get',
    path: '/backfills',
    summary: 'Backfills newest first, with progress',
    tag: 'backfills',
    role: 'viewer',
    query: ListQuery,
    status: 200,
  },
  {
    method: 'get',
    path: '/backfills/:backfillId',
    summary: 'A backfill with its progress (intervals decided, runs by state)',
    tag: 'backfills',
    role: 'viewer',
    params: BackfillParams,
    status: 200,
  },
  ...ACTIONS.map(
    (action): RouteDoc => ({
      method: 'post',
      path: `/backfills/:backfillId/${action}`,
      summary: {
        pause: 'Pause a backfill: no run is created or started; running ones finish',
        resume: 'Resume a paused backfill',
        cancel: 'Cancel a backfill: no run is created any more, queued ones fail, running ones finish',
      }[action],
      tag: 'backfills',
      role: 'operator',
      params: BackfillParams,
      status: 200,
    }),
  ),
];

export function backfillRoutes(deps: ApiDeps): Router {
  const r = Router();

  const present = async (rows: readonly BackfillRow[]): Promise<Backfill[]> => {
    const progress = await backfillProgress(deps.engine, rows);
    return rows.map((b) => ({
      id: b.id,
      dagId: b.dagId,
      from: b.fromDate.toISOString(),
      to: b.toDate.toISOString(),
      reprocess: b.reprocess,
      reverse: b.reverse,
      maxActiveRuns: b.maxActiveRuns,
      conf: b.conf,
      createdBy: b.createdBy,
      state: b.state,
      createdAt: b.createdAt.toISOString(),
      updatedAt: b.updatedAt.toISOString(),
      progress: progress.get(b.id) ?? {
        intervals: 0,
        decided: 0,
        runs: { queued: 0, running: 0, success: 0, failed: 0 },
      },
    }));
  };

  const input = async (req: Request): Promise<BackfillInput> => {
    const body = parse(BackfillBody, req, 'body');
    if (body.from > body.to) {
      throw new InvalidRequestError('from is after to', [{ path: 'body.from', message: 'is after to' }]);
    }
    await assertDagAccess(deps, principalOf(req), body.dagId);
    return { ...body, actor: actorOf(req) };
  };

  /** The backfill, once the caller may see its DAG. */
  const load = async (req: Request): Promise<BackfillRow> => {
    const { backfillId } = parse(BackfillParams, req, 'params');
    const b = await findBackfill(deps.db.pool, backfillId);
    if (!b) throw new NotFoundError(`backfill "${backfillId}" does not exist`);
    await assertDagAccess(deps, principalOf(req), b.dagId);
    return b;
  };

  r.post('/backfills/dry-run', async (req, res) => {
    const preview = await previewBackfill(deps.engine, await input(req));
    const answer: BackfillPreview = {
      dagId: preview.dagId,
      maxActiveRuns: preview.maxActiveRuns,
      intervals: preview.intervals.map((i) => ({
        logicalDate: i.logicalDate.toISOString(),
        dataIntervalStart: i.dataIntervalStart.toISOString(),
        dataIntervalEnd: i.dataIntervalEnd.toISOString(),
        action: i.action,
        runId: i.runId,
        runState: i.runState as RunState | null,
      })),
    };
    res.json(answer);
  });

  r.post('/backfills', async (req, res) => {
    const row = await createBackfill(deps.engine, await input(req));
    const [answer] = await present([row]);
    res.status(201).json(answer);
  });

  r.get('/backfills', async (req, res) => {
    const q = parse(ListQuery, req, 'query');
    const p = principalOf(req);
    const visible = p ? await visibleDagIds(deps, p) : undefined;
    const rows = await listBackfills(deps.db.pool, { dagId: q.dagId, dagIds: visible, limit: q.limit });
    res.json({ items: await present(rows) });
  });

  r.get('/backfills/:backfillId', async (req, res) => {
    const [answer] = await present([await load(req)]);
    res.json(answer);
  });

  for (const action of ACTIONS) {
    r.post(`/backfills/:backfillId/${action}`, async (req, res) => {
      const b = await load(req);
      const moved = await changeBackfill(deps.engine, { id: b.id, action, actor: actorOf(req) });
      const [answer] = await present([moved]);
      res.json(answer);
    });
  }

  return r;
}
