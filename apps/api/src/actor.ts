import type { Request } from 'express';

/** Who is acting, for the audit log: the `X-Sluice-Actor` header the CLI and UI send, else the peer. */
export function actorOf(req: Request): string {
  const header = req.get('x-sluice-actor');
  if (header && header.length <= 200) return header;
  return `api:${req.ip ?? 'unknown'}`;
}
