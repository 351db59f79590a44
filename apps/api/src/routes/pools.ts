import { Router } from 'express';
import { z } from 'zod';
import { deletePool, findPool, listPools, setPool, type PoolView } from '@sluice/db';
import { NotFoundError } from '@sluice/engine';
import type { Pool } from '@sluice/client';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { safeId } from '../input';
import { actorOf } from '../actor';

const NameParams = z.object({ name: safeId('name', 250) });
const PoolBody = z
  .object({
    slots: z.number().int('slots must be a whole number').min(0, 'slots must be 0 or more').max(1_000_000),
    description: z.string().max(500).optional(),
  })
  .strict();

/** Viewers read pools; operators and admins resize them, as they clear and mark tasks: running work, not access. */
export const poolRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/pools',
    summary: 'Every pool with its slots and the slots its tasks hold (running, queued)',
    tag: 'pools',
    role: 'viewer',
    status: 200,
  },
  {
    method: 'get',
    path: '/pools/:name',
    summary: 'One pool with its occupancy',
    tag: 'pools',
    role: 'viewer',
    params: NameParams,
    status: 200,
  },
  {
    method: 'put',
    path: '/pools/:name',
    summary: 'Create a pool or change its slots',
    tag: 'pools',
    role: 'operator',
    params: NameParams,
    body: PoolBody,
    status: 200,
  },
  {
    method: 'delete',
    path: '/pools/:name',
    summary: 'Delete a pool: its tasks are no longer limited',
    tag: 'pools',
    role: 'operator',
    params: NameParams,
    status: 204,
  },
];

function present(p: PoolView): Pool {
  return {
    name: p.name,
    slots: p.slots,
    description: p.description,
    running: p.running,
    queued: p.queued,
    free: Math.max(0, p.slots - p.running - p.queued),
  };
}

/** Pools: slots shared by tasks across DAGs. Every change is audited with its actor. */
export function poolRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.get('/pools', async (_req, res) => {
    res.json({ items: (await listPools(deps.db.pool)).map(present) });
  });

  r.get('/pools/:name', async (req, res) => {
    const { name } = parse(NameParams, req, 'params');
    const found = await findPool(deps.db.pool, name);
    if (!found) throw new NotFoundError(`Pool "${name}" does not exist`);
    res.json(present(found));
  });

  r.put('/pools/:name', async (req, res) => {
    const { name } = parse(NameParams, req, 'params');
    const b = parse(PoolBody, req, 'body');
    res.json(present(await setPool(deps.db.pool, { name, slots: b.slots, description: b.description }, actorOf(req))));
  });

  r.delete('/pools/:name', async (req, res) => {
    const { name } = parse(NameParams, req, 'params');
    if (!(await deletePool(deps.db.pool, name, actorOf(req)))) throw new NotFoundError(`Pool "${name}" does not exist`);
    res.status(204).end();
  });

  return r;
}
