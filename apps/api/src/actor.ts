import type { Request } from 'express';
import { principalOf } from './auth/principal';

/**
 * Who is acting, for the audit log: the authenticated user. Nothing the
 * client sends (an `X-Sluice-Actor` header, a body field) can change it.
 */
export function actorOf(req: Request): string {
  return principalOf(req)?.username ?? 'anonymous';
}
