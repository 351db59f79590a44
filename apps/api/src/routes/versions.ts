/** A DAG's versions, newest first, and one version's source: the UI's version history, code view and diff. */
import { Router } from 'express';
import { z } from 'zod';
import { listDagBundles, listDagRows, listDagVersions, readDagVersionSource, type DagVersionRow } from '@sluice/db';
import { NotFoundError } from '@sluice/engine';
import type { DagVersion, DagVersionSource } from '@sluice/client';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { safeId } from '../input';
import { commitFileUrl } from '../source-links';

const DagParams = z.object({ dagId: safeId('dagId') });
const VersionParams = DagParams.extend({
  hash: z.string().regex(/^[0-9a-f]{1,128}$/, 'hash is a version hash: lowercase hex digits'),
});
const VersionsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const versionRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/dags/:dagId/versions',
    summary: "A DAG's versions, newest first",
    tag: 'dags',
    role: 'viewer',
    params: DagParams,
    query: VersionsQuery,
    status: 200,
  },
  {
    method: 'get',
    path: '/dags/:dagId/versions/:hash',
    summary: 'One version of a DAG with its source',
    tag: 'dags',
    role: 'viewer',
    params: VersionParams,
    status: 200,
  },
];

export function versionRoutes(deps: ApiDeps): Router {
  const r = Router();

  /** The DAG's current version hash and the git bundle its versions' links point into. */
  const context = async (dagId: string) => {
    const [dag] = await listDagRows(deps.db.pool, { dagId, recentRuns: 0 });
    if (!dag) throw new NotFoundError(`DAG "${dagId}" does not exist`);
    const [bundle] = await listDagBundles(deps.db.pool);
    return {
      present: (v: DagVersionRow): DagVersion => ({
        hash: v.hash,
        fileLoc: v.fileLoc,
        bundleCommit: v.bundleCommit,
        sourceUrl: commitFileUrl(bundle, v.bundleCommit, v.fileLoc),
        createdAt: v.createdAt.toISOString(),
        hasSource: v.hasSource,
        current: v.hash === dag.versionHash,
      }),
    };
  };

  r.get('/dags/:dagId/versions', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const q = parse(VersionsQuery, req, 'query');
    const { present } = await context(dagId);
    res.json({ items: (await listDagVersions(deps.db.pool, dagId, q.limit)).map(present) });
  });

  r.get('/dags/:dagId/versions/:hash', async (req, res) => {
    const { dagId, hash } = parse(VersionParams, req, 'params');
    const { present } = await context(dagId);
    const version = await readDagVersionSource(deps.db.pool, dagId, hash);
    if (!version) throw new NotFoundError(`DAG "${dagId}" has no version ${hash}`);
    const body: DagVersionSource = { ...present(version), source: version.source };
    res.json(body);
  });

  return r;
}
