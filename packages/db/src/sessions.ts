/** Signed-in browsers: a random cookie, its SHA-256 stored, and the CSRF token the UI sends back. */
import { timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from './generated/prisma/client';
import { TOUCH_EVERY_MS } from './api-tokens';
import { type Principal, RoleSchema, Teams, randomSecret, sha256 } from './users';

export interface NewSession {
  cookie: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(
  prisma: PrismaClient,
  userId: string,
  via: 'password' | 'oidc',
  ttlMs: number,
): Promise<NewSession> {
  const cookie = randomSecret();
  const csrfToken = randomSecret();
  const expiresAt = new Date(Date.now() + ttlMs);
  await prisma.userSession.create({
    data: { idHash: sha256(cookie), userId: BigInt(userId), csrfToken, via, expiresAt },
  });
  // Sign-in is rare: sweep the expired ones while here.
  await prisma.userSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return { cookie, csrfToken, expiresAt };
}

export async function principalOfSession(prisma: PrismaClient, cookie: string): Promise<Principal | null> {
  if (cookie.length > 200) return null;
  const row = await prisma.userSession.findUnique({ where: { idHash: sha256(cookie) }, include: { user: true } });
  const now = Date.now();
  if (!row || row.expiresAt.getTime() <= now) return null;
  if (now - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS)
    await prisma.userSession.update({ where: { idHash: row.idHash }, data: { lastSeenAt: new Date(now) } });
  return {
    userId: String(row.userId),
    username: row.user.username,
    role: RoleSchema.parse(row.user.role),
    teams: Teams.parse(row.user.teams),
    via: 'session',
    csrfToken: row.csrfToken,
  };
}

export async function deleteSession(prisma: PrismaClient, cookie: string): Promise<void> {
  await prisma.userSession.deleteMany({ where: { idHash: sha256(cookie) } });
}

/** Compares two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
