/** The principal a request acts as, set once by `authenticate`. */
import type { Request } from 'express';
import type { Principal } from '@sluice/db';

const principals = new WeakMap<Request, Principal>();

export function setPrincipal(req: Request, p: Principal): void {
  principals.set(req, p);
}

/** The signed-in user or token of this request; undefined on public routes called without credentials. */
export function principalOf(req: Request): Principal | undefined {
  return principals.get(req);
}

/** Who `SLUICE_AUTH=off` treats every request as: a local admin, for a single user on a loopback address. */
export const LOCAL_PRINCIPAL: Principal = {
  userId: '0',
  username: 'local',
  role: 'admin',
  teams: [],
  via: 'local',
};

/** Thrown as a 401: no credentials, or ones that are unknown, expired or revoked. */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
}

/** Thrown as a 403: signed in, but the role, team or CSRF token does not allow this. */
export class NotAllowedError extends Error {
  override readonly name = 'NotAllowedError';
}

/** Thrown as a 429 with the seconds to wait. */
export class TooManyRequestsError extends Error {
  override readonly name = 'TooManyRequestsError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
