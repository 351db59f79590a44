import { Router } from 'express';
import { z } from 'zod';
import {
  dagListDigest,
  listDagBundles,
  listDagRows,
  listImportErrorRows,
  readDeadlineMisses,
  type DagRow,
} from '@sluice/db';
import { answeredNotModified } from '../etag';
import type { DagSpec } from '@sluice/core';
import { NotFoundError, setPaused } from '@sluice/engine';
import type { ImportError, Page, DagSummary } from '@sluice/client';
import type { ApiDeps } from '../app';
import { presentDag, presentDagDetail } from '../presenters';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { safeId } from '../input';
import { actorOf } from '../actor';
import { principalOf } from '../auth/principal';
import { canSeeDag } from '../auth/dag-access';
import { assetWait } from '../asset-wait';

const DagParams = z.object({ dagId: safeId('dagId') });
const ListDagsQuery = z.object({
  tag: z.string().min(1).optional(),
  paused: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
const PatchDagBody = z.object({ isPaused: z.boolean() }).strict();

export const dagRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/dags',
    summary: 'DAGs with their schedule and recent runs',
    tag: 'dags',
    role: 'viewer',
    query: ListDagsQuery,
    status: 200,
  },
  {
    method: 'get',
    path: '/dags/:dagId',
    summary: "A DAG's detail",
    tag: 'dags',
    role: 'viewer',
    params: DagParams,
    status: 200,
  },
  {
    method: 'patch',
    path: '/dags/:dagId',
    summary: 'Pause or unpause a DAG',
    tag: 'dags',
    role: 'operator',
    params: DagParams,
    body: PatchDagBody,
    status: 200,
  },
  {
    method: 'get',
    path: '/import-errors',
    summary: 'DAG files the scheduler could not load',
    tag: 'dags',
    role: 'viewer',
    status: 200,
  },
];

/** Presents a DAG row with its version's spec, parsed once per process (versions never change). */
/** How many of a DAG's latest deadline misses its detail lists. */
const DEADLINE_MISSES_SHOWN = 10;

async function withSpec<T>(deps: ApiDeps, row: DagRow, present: (row: DagRow, spec: DagSpec) => T): Promise<T> {
  const version = await deps.engine.dags.get(row.versionId);
  return present(row, version.spec);
}

export function dagRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.get('/dags', async (req, res) => {
    const q = parse(ListDagsQuery, req, 'query');
    const filter = q.paused === undefined ? {} : { paused: q.paused };
    if (answeredNotModified(req, res, await dagListDigest(deps.db.pool, filter))) return;
    const rows = await listDagRows(deps.db.pool, filter);
    const p = principalOf(req);
    const [bundle] = await listDagBundles(deps.db.pool);
    const items = (
      await Promise.all(rows.map((row) => withSpec(deps, row, (r, spec) => presentDag(r, spec, bundle))))
    ).filter((d) => (!q.tag || d.tags.includes(q.tag)) && p !== undefined && canSeeDag(p, d.tags));
    const page: Page<DagSummary> = { items, total: items.length, limit: items.length, offset: 0 };
    res.json(page);
  });

  r.get('/dags/:dagId', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const [row] = await listDagRows(deps.db.pool, { dagId });
    if (!row) throw new NotFoundError(`DAG "${dagId}" does not exist`);
    const [bundle] = await listDagBundles(deps.db.pool);
    const misses = await readDeadlineMisses(deps.db.pool, dagId, DEADLINE_MISSES_SHOWN);
    const { spec } = await deps.engine.dags.get(row.versionId);
    res.json(presentDagDetail(row, spec, misses, bundle, await assetWait(deps, dagId, spec)));
  });

  r.patch('/dags/:dagId', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const body = parse(PatchDagBody, req, 'body');
    await setPaused(deps.engine, { dagId, isPaused: body.isPaused, actor: actorOf(req) });
    const [row] = await listDagRows(deps.db.pool, { dagId });
    if (!row) throw new NotFoundError(`DAG "${dagId}" does not exist`);
    const [bundle] = await listDagBundles(deps.db.pool);
    res.json(await withSpec(deps, row, (r, spec) => presentDag(r, spec, bundle)));
  });

  r.get('/import-errors', async (_req, res) => {
    const rows = await listImportErrorRows(deps.db.prisma);
    const items: ImportError[] = rows.map((e) => ({
      fileLoc: e.fileLoc,
      line: e.line,
      column: e.column,
      message: e.message,
      createdAt: e.createdAt.toISOString(),
    }));
    res.json({ items });
  });

  return r;
}
