/** Personal and service API tokens: shown once, stored as SHA-256, capped by their owner's role. */
import { type Role, roles } from '@sluice/core';
import type { PrismaClient } from './generated/prisma/client';
import { type Principal, RoleSchema, Teams, UserError, randomSecret, sha256 } from './users';

export interface TokenView {
  id: string;
  username: string;
  name: string;
  prefix: string;
  role: Role;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

export const TOKEN_PREFIX = 'slc_';

export interface NewToken {
  username: string;
  name: string;
  role?: Role;
  /** null: never expires. */
  expiresAt: Date | null;
}

/** Makes a token; the returned `token` is the only time it is seen. */
export async function createApiToken(
  prisma: PrismaClient,
  input: NewToken,
): Promise<{ token: string; view: TokenView }> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(input.name))
    throw new UserError(`token name "${input.name}" is not allowed: letters, digits, . _ - (at most 64)`);
  const user = await prisma.user.findUnique({ where: { username: input.username } });
  if (!user) throw new UserError(`user "${input.username}" does not exist`);
  const owner = RoleSchema.parse(user.role);
  const role = input.role ?? owner;
  if (roles.indexOf(role) > roles.indexOf(owner))
    throw new UserError(`a token of ${input.username} can have at most the role ${owner}, not ${role}`);
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now())
    throw new UserError('a token must expire in the future');
  const taken = await prisma.apiToken.findUnique({ where: { userId_name: { userId: user.id, name: input.name } } });
  if (taken) throw new UserError(`${input.username} already has a token named "${input.name}"`);
  const token = `${TOKEN_PREFIX}${randomSecret()}`;
  const row = await prisma.apiToken.create({
    data: {
      userId: user.id,
      name: input.name,
      tokenHash: sha256(token),
      prefix: token.slice(0, 12),
      role,
      expiresAt: input.expiresAt,
    },
  });
  return { token, view: tokenViewOf({ ...row, user: { username: user.username } }) };
}

type TokenRow = {
  id: bigint;
  name: string;
  prefix: string;
  role: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  user: { username: string };
};
function tokenViewOf(t: TokenRow): TokenView {
  return {
    id: String(t.id),
    username: t.user.username,
    name: t.name,
    prefix: t.prefix,
    role: RoleSchema.parse(t.role),
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
    createdAt: t.createdAt,
  };
}

/** Tokens of one user, or of everyone when `username` is undefined. */
export async function listApiTokens(prisma: PrismaClient, username?: string): Promise<TokenView[]> {
  const rows = await prisma.apiToken.findMany({
    where: username === undefined ? {} : { user: { username } },
    include: { user: { select: { username: true } } },
    orderBy: { id: 'asc' },
  });
  return rows.map(tokenViewOf);
}

/** Revokes a token; `owner` limits it to that user's tokens (an admin passes undefined). */
export async function revokeApiToken(prisma: PrismaClient, id: string, owner?: string): Promise<TokenView> {
  if (!/^\d{1,18}$/.test(id)) throw new UserError(`token id "${id}" is not a number`);
  const row = await prisma.apiToken.findUnique({ where: { id: BigInt(id) }, include: { user: true } });
  if (!row || (owner !== undefined && row.user.username !== owner)) throw new UserError(`no token ${id}`);
  const updated = await prisma.apiToken.update({
    where: { id: row.id },
    data: { revokedAt: row.revokedAt ?? new Date() },
    include: { user: { select: { username: true } } },
  });
  return tokenViewOf(updated);
}

/** Use is written at most once a minute per token, and reported for the audit once an hour. */
export const TOUCH_EVERY_MS = 60_000;
const RECORD_USE_EVERY_MS = 3_600_000;

/** The principal of a presented token, or null when it is unknown, revoked or expired. */
export async function principalOfToken(prisma: PrismaClient, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await prisma.apiToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
  const now = Date.now();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) return null;
  const last = row.lastUsedAt?.getTime() ?? 0;
  if (now - last >= TOUCH_EVERY_MS)
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  const owner = RoleSchema.parse(row.user.role);
  const own = RoleSchema.parse(row.role);
  return {
    userId: String(row.userId),
    username: row.user.username,
    role: roles.indexOf(own) <= roles.indexOf(owner) ? own : owner,
    teams: Teams.parse(row.user.teams),
    via: 'token',
    tokenName: row.name,
    tokenId: String(row.id),
    tokenUseToRecord: now - last >= RECORD_USE_EVERY_MS,
  };
}
