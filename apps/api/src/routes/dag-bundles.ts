/** Git DAG bundles: which commit the scheduler reads, and a refresh a merge webhook can ask for. */
import { Router } from 'express';
import { type DagBundleRow, listDagBundles, requestDagBundleRefresh } from '@sluice/db';
import { ConflictError } from '@sluice/engine';
import type { DagBundle } from '@sluice/client';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';

export const dagBundleRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/dag-bundles',
    summary: 'The git repositories the scheduler reads DAGs from, and the commit it read last',
    tag: 'dags',
    role: 'viewer',
    status: 200,
  },
  {
    method: 'post',
    path: '/dag-bundles/refresh',
    summary: 'Ask the scheduler to fetch the DAG bundles now (a merge webhook)',
    tag: 'dags',
    role: 'operator',
    status: 200,
  },
];

function present(row: DagBundleRow): DagBundle {
  return {
    name: row.name,
    url: row.url,
    ref: row.ref,
    path: row.path,
    commit: row.commit,
    syncedAt: row.syncedAt?.toISOString() ?? null,
    refreshRequestedAt: row.refreshRequestedAt?.toISOString() ?? null,
    lastError: row.lastError,
  };
}

export function dagBundleRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.get('/dag-bundles', async (_req, res) => {
    res.json({ items: (await listDagBundles(deps.db.pool)).map(present) });
  });

  r.post('/dag-bundles/refresh', async (_req, res) => {
    const rows = await requestDagBundleRefresh(deps.db.pool);
    if (rows.length === 0)
      throw new ConflictError('the scheduler reads DAGs from a folder, not git: set SLUICE_DAGS_GIT to use bundles');
    res.json({ items: rows.map(present) });
  });

  return r;
}
