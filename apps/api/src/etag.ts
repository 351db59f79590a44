/**
 * Conditional GETs for the reads a UI polls (the DAG list, the grid): the
 * ETag is a digest Postgres computes of what the response shows, so a poll
 * while nothing moved is one bounded query and a 304 (docs/adr/0014).
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { principalOf } from './auth/principal';

/** Sets the ETag; answers 304 and returns true when the request already has this version. */
export function answeredNotModified(req: Request, res: Response, digest: string): boolean {
  // What a list shows depends on who asks (team DAGs): a user whose role or teams changed must not get a 304.
  const who = principalOf(req);
  const view = who
    ? createHash('sha256')
        .update(`${who.role}|${who.teams.join(',')}`)
        .digest('hex')
        .slice(0, 12)
    : '';
  const etag = `"${digest}${view ? `-${view}` : ''}"`;
  res.setHeader('ETag', etag);
  // The client revalidates every poll; a cache may keep the body but must ask.
  res.setHeader('Cache-Control', 'no-cache');
  const header = req.headers['if-none-match'];
  if (header === undefined) return false;
  const matches = header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
  if (matches) res.status(304).end();
  return matches;
}
