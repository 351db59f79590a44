/**
 * The role check of every route, built from the routes' OpenAPI entries (one
 * table says what a route needs and what the document tells clients), plus
 * the CSRF check of changes made with a browser session. A request with no
 * principal that reaches no public route gets a 401, so a route is closed
 * unless its entry opens it.
 */
import { Router, type RequestHandler } from 'express';
import { roleAllows } from '@sluice/core';
import { sameSecret } from '@sluice/db';
import type { RouteDoc } from '../openapi';
import { NotAllowedError, UnauthorizedError, principalOf } from './principal';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

function guard(doc: RouteDoc): RequestHandler {
  return (req, _res, next) => {
    if (doc.role === 'public') return next('router');
    const p = principalOf(req);
    if (!p) return next(new UnauthorizedError('Sign in, or send an API token as "Authorization: Bearer <token>"'));
    if (!roleAllows(p.role, doc.role))
      return next(
        new NotAllowedError(
          `${doc.method.toUpperCase()} /api/v1${doc.path} needs the ${doc.role} role; ${p.username} has ${p.role}`,
        ),
      );
    if (p.via === 'session' && !READS.has(req.method)) {
      const sent = req.get(CSRF_HEADER);
      if (!sent || !p.csrfToken || !sameSecret(sent, p.csrfToken))
        return next(
          new NotAllowedError(
            'Missing or wrong X-CSRF-Token header: changes made with a browser session must send the token from GET /api/v1/auth/me',
          ),
        );
    }
    next('router');
  };
}

export function authorize(docs: readonly RouteDoc[]): Router {
  const r = Router();
  for (const doc of docs) r[doc.method](doc.path, guard(doc));
  r.use((req, _res, next) => {
    if (!principalOf(req))
      return next(new UnauthorizedError('Sign in, or send an API token as "Authorization: Bearer <token>"'));
    next();
  });
  return r;
}
