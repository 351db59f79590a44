/**
 * Finds who a request acts as: an API token (`Authorization: Bearer slc_…`)
 * or a browser session cookie. Unknown, revoked or expired tokens answer
 * 401 at once; a stale cookie is dropped and the request goes on without a
 * principal (public routes still answer). Role checks are `authorize`'s.
 */
import type { RequestHandler } from 'express';
import { parse as parseCookies } from 'cookie';
import { principalOfSession, principalOfToken, recordAuditEvent } from '@sluice/db';
import type { ApiDeps } from '../app';
import { LOCAL_PRINCIPAL, UnauthorizedError, setPrincipal } from './principal';
import { SESSION_COOKIE } from './settings';

export function authenticate(deps: ApiDeps): RequestHandler {
  const { prisma, pool } = deps.db;
  return (req, res, next) => {
    if (deps.auth.mode === 'off') {
      setPrincipal(req, LOCAL_PRINCIPAL);
      return next();
    }
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m?.[1]) return next(new UnauthorizedError('Send an API token as "Authorization: Bearer <token>"'));
      const token = m[1];
      principalOfToken(prisma, token)
        .then(async (p) => {
          if (!p) throw new UnauthorizedError('The API token is unknown, expired or revoked');
          setPrincipal(req, p);
          if (p.tokenUseToRecord)
            await recordAuditEvent(pool, {
              actor: p.username,
              action: 'token_use',
              details: { token: p.tokenName, tokenId: p.tokenId },
            });
          next();
        }, next)
        .catch(next);
      return;
    }
    const cookie = req.headers.cookie ? parseCookies(req.headers.cookie)[SESSION_COOKIE] : undefined;
    if (!cookie) return next();
    principalOfSession(prisma, cookie).then((p) => {
      if (p) setPrincipal(req, p);
      else res.clearCookie(SESSION_COOKIE, { path: '/' });
      next();
    }, next);
  };
}
