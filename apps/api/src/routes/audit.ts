/** The audit trail: who changed what, signed in, made or used a token. */
import { Router } from 'express';
import { z } from 'zod';
import { listAuditEvents } from '@sluice/db';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { safeId } from '../input';
import { principalOf, UnauthorizedError } from '../auth/principal';
import { visibleDagIds } from '../auth/dag-access';

const AuditQuery = z.object({
  actor: z.string().min(1).max(200).optional(),
  action: z
    .string()
    .regex(/^[a-z_]{1,40}$/, 'an action name such as trigger, clear or sign_in')
    .optional(),
  dagId: safeId('dagId').optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  /** The `nextBefore` of the previous page. */
  before: z
    .string()
    .regex(/^\d{1,18}$/, 'the nextBefore value of the previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const auditRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/audit',
    summary: 'Audit events, newest first (about DAGs you may see, and your own; admins see all)',
    tag: 'audit',
    role: 'viewer',
    query: AuditQuery,
    status: 200,
  },
];

export function auditRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.get('/audit', async (req, res) => {
    const p = principalOf(req);
    if (!p) throw new UnauthorizedError('Not signed in');
    const q = parse(AuditQuery, req, 'query');
    const visible = await visibleDagIds(deps, p);
    const page = await listAuditEvents(deps.db.pool, {
      limit: q.limit,
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.dagId ? { dagId: q.dagId } : {}),
      ...(q.since ? { since: new Date(q.since) } : {}),
      ...(q.before ? { beforeId: q.before } : {}),
      ...(visible ? { visibleDagIds: visible, ownActor: p.username } : {}),
    });
    res.json({
      items: page.items.map((e) => ({ ...e, at: e.at.toISOString() })),
      nextBefore: page.nextBeforeId,
    });
  });
  return r;
}
