/**
 * Per-DAG access: a DAG tagged `team:<name>` is for that team. A user who is
 * not an admin sees and acts on it only when one of their teams is among the
 * DAG's team tags; DAGs without a team tag are open to every role.
 */
import type { RequestHandler } from 'express';
import { type Principal, readDagTags } from '@sluice/db';
import type { ApiDeps } from '../app';
import { NotAllowedError, principalOf } from './principal';

export const TEAM_TAG = 'team:';

export function teamsOfDag(tags: readonly string[]): string[] {
  return tags.filter((t) => t.startsWith(TEAM_TAG)).map((t) => t.slice(TEAM_TAG.length));
}

export function canSeeDag(p: Principal, tags: readonly string[]): boolean {
  if (p.role === 'admin') return true;
  const teams = teamsOfDag(tags);
  return teams.length === 0 || teams.some((t) => p.teams.includes(t));
}

/** The DAG ids a principal may see; undefined for admins (everything, including events about no DAG). */
export async function visibleDagIds(deps: ApiDeps, p: Principal): Promise<string[] | undefined> {
  if (p.role === 'admin') return undefined;
  const tags = await readDagTags(deps.db.pool);
  return [...tags].filter(([, t]) => canSeeDag(p, t)).map(([id]) => id);
}

/** Throws a 403 naming the teams when the DAG is another team's; for routes that name the DAG elsewhere than the path. */
export async function assertDagAccess(deps: ApiDeps, p: Principal | undefined, dagId: string): Promise<void> {
  if (!p || p.role === 'admin') return;
  const t = (await readDagTags(deps.db.pool, dagId)).get(dagId);
  if (t === undefined || canSeeDag(p, t)) return;
  throw new NotAllowedError(
    `DAG "${dagId}" belongs to team ${teamsOfDag(t).join(', ')}; ${p.username} is not in it (ask an admin to add you with 'sluice users set-teams')`,
  );
}

/** For `/dags/:dagId/…`: a 403 naming the teams when the DAG is another team's. */
export function checkDagAccess(deps: ApiDeps): RequestHandler {
  return (req, _res, next) => {
    const dagId = req.params.dagId;
    if (typeof dagId !== 'string') return next();
    assertDagAccess(deps, principalOf(req), dagId).then(() => next(), next);
  };
}
