/**
 * Users and who a request acts as. Nothing secret is stored: a password is
 * kept as an argon2id hash (memory-hard); API tokens (api-tokens.ts) and
 * session ids (sessions.ts) as their SHA-256 (they are 256 random bits, so a
 * fast hash is enough and lets a request find its row by index).
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { type Role, roles } from '@sluice/core';
import { z } from 'zod';
import type { PrismaClient } from './generated/prisma/client';

/** Thrown for a user or token change that cannot be made (unknown user, taken name…); the message says why. */
export class UserError extends Error {
  override name = 'UserError';
}

export interface UserView {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  role: Role;
  teams: string[];
  /** password | sso | both */
  signIn: 'password' | 'sso' | 'both';
  createdAt: Date;
  lastLoginAt: Date | null;
}

/** Who a request acts as, once its token or session checked out. */
export interface Principal {
  userId: string;
  username: string;
  /** The role this request may use: a token's role, capped by its owner's. */
  role: Role;
  teams: string[];
  via: 'session' | 'token' | 'local';
  tokenName?: string;
  tokenId?: string;
  /** For a session: the value the UI must send in X-CSRF-Token with every change. */
  csrfToken?: string;
  /** True the first time a token is used in an hour: the API records the use. */
  tokenUseToRecord?: boolean;
}

export const Teams = z.array(z.string());
export const RoleSchema = z.enum(roles);

export const usernamePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
export const teamPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;

type UserRow = {
  id: bigint;
  username: string;
  displayName: string | null;
  email: string | null;
  role: string;
  teams: unknown;
  passwordHash: string | null;
  oidcSubject: string | null;
  createdAt: Date;
  lastLoginAt: Date | null;
};

function viewOf(u: UserRow): UserView {
  const password = u.passwordHash !== null;
  const sso = u.oidcSubject !== null;
  return {
    id: String(u.id),
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    role: RoleSchema.parse(u.role),
    teams: Teams.parse(u.teams),
    signIn: password && sso ? 'both' : sso ? 'sso' : 'password',
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  };
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** 256 random bits, URL-safe. */
export const randomSecret = (): string => randomBytes(32).toString('base64url');

/** Memory-hard hash (argon2id, 19 MiB, 2 passes: OWASP's minimum). */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

/** A password policy every sign-in path shares. */
export function checkPassword(password: string): void {
  if (password.length < 12) throw new UserError('a password needs at least 12 characters');
  if (password.length > 1024) throw new UserError('a password has at most 1,024 characters');
}

function checkUsername(username: string): void {
  if (!usernamePattern.test(username))
    throw new UserError(
      `username "${username}" is not allowed: use letters, digits and . _ @ - (at most 100, starting with a letter or digit)`,
    );
}

function checkTeams(teams: readonly string[]): void {
  for (const t of teams)
    if (!teamPattern.test(t))
      throw new UserError(`team "${t}" is not allowed: use lower-case letters, digits, _ and - (at most 64)`);
}

export interface NewUser {
  username: string;
  role: Role;
  password?: string;
  teams?: string[];
  displayName?: string | null;
  email?: string | null;
}

export async function createUser(prisma: PrismaClient, input: NewUser): Promise<UserView> {
  checkUsername(input.username);
  checkTeams(input.teams ?? []);
  if (input.password !== undefined) checkPassword(input.password);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const existing = await prisma.user.findUnique({ where: { username: input.username }, select: { id: true } });
  if (existing) throw new UserError(`user "${input.username}" already exists`);
  const row = await prisma.user.create({
    data: {
      username: input.username,
      role: input.role,
      teams: input.teams ?? [],
      passwordHash,
      displayName: input.displayName ?? null,
      email: input.email ?? null,
    },
  });
  return viewOf(row);
}

export async function countUsers(prisma: PrismaClient): Promise<number> {
  return prisma.user.count();
}

export async function listUsers(prisma: PrismaClient): Promise<UserView[]> {
  const rows = await prisma.user.findMany({ orderBy: { username: 'asc' } });
  return rows.map(viewOf);
}

export async function findUser(prisma: PrismaClient, username: string): Promise<UserView | null> {
  const row = await prisma.user.findUnique({ where: { username } });
  return row ? viewOf(row) : null;
}

export interface UserChange {
  role?: Role;
  teams?: string[];
  password?: string;
  displayName?: string | null;
  email?: string | null;
}

/** Changes a user; a password change or a lower role signs the user's browsers out. */
export async function updateUser(prisma: PrismaClient, username: string, change: UserChange): Promise<UserView> {
  if (change.teams) checkTeams(change.teams);
  if (change.password !== undefined) checkPassword(change.password);
  const before = await prisma.user.findUnique({ where: { username } });
  if (!before) throw new UserError(`user "${username}" does not exist`);
  if (change.role && before.role === 'admin' && change.role !== 'admin') await keepOneAdmin(prisma, username);
  const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
  return prisma.$transaction(async (tx) => {
    const row = await tx.user.update({
      where: { username },
      data: {
        ...(change.role ? { role: change.role } : {}),
        ...(change.teams ? { teams: change.teams } : {}),
        ...(passwordHash ? { passwordHash } : {}),
        ...(change.displayName !== undefined ? { displayName: change.displayName } : {}),
        ...(change.email !== undefined ? { email: change.email } : {}),
      },
    });
    if (passwordHash || (change.role && change.role !== before.role))
      await tx.userSession.deleteMany({ where: { userId: row.id } });
    return viewOf(row);
  });
}

async function keepOneAdmin(prisma: PrismaClient, username: string): Promise<void> {
  const others = await prisma.user.count({ where: { role: 'admin', username: { not: username } } });
  if (others === 0) throw new UserError(`"${username}" is the last admin; make another user admin first`);
}

/** Deletes a user with their tokens and sessions. The last admin cannot be deleted. */
export async function deleteUser(prisma: PrismaClient, username: string): Promise<void> {
  const row = await prisma.user.findUnique({ where: { username }, select: { role: true } });
  if (!row) throw new UserError(`user "${username}" does not exist`);
  if (row.role === 'admin') await keepOneAdmin(prisma, username);
  await prisma.user.delete({ where: { username } });
}

/** The user a username and password name, or null (unknown user, no password, wrong password). */
export async function checkSignIn(prisma: PrismaClient, username: string, password: string): Promise<UserView | null> {
  const row = await prisma.user.findUnique({ where: { username } });
  // Hash something either way so an unknown name takes as long as a wrong password.
  const stored = row?.passwordHash ?? (await dummyHash());
  const ok = await argon2Verify(stored, password).catch(() => false);
  if (!row || row.passwordHash === null || !ok) return null;
  await prisma.user.update({ where: { id: row.id }, data: { lastLoginAt: new Date() } });
  return viewOf(row);
}
let dummy: Promise<string> | null = null;
const dummyHash = (): Promise<string> => {
  dummy ??= hashPassword(randomSecret());
  return dummy;
};

export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** Preferred username or e-mail from the provider; made unique if taken. */
  username: string;
  email: string | null;
  displayName: string | null;
  /** Role for a user seen for the first time, or at every sign-in when `providerDecidesRole`. */
  role: Role;
  providerDecidesRole: boolean;
  teams: string[];
}

/**
 * The user behind a single sign-on identity: found by (issuer, subject), else
 * created. Role and teams of an existing user stay as an admin set them,
 * unless the provider decides roles (a role claim is configured).
 */
export async function signInWithOidc(prisma: PrismaClient, id: OidcIdentity): Promise<UserView> {
  const found = await prisma.user.findUnique({
    where: { oidcIssuer_oidcSubject: { oidcIssuer: id.issuer, oidcSubject: id.subject } },
  });
  if (found) {
    const row = await prisma.user.update({
      where: { id: found.id },
      data: {
        lastLoginAt: new Date(),
        ...(id.providerDecidesRole ? { role: id.role, teams: id.teams.filter((t) => teamPattern.test(t)) } : {}),
      },
    });
    if (id.providerDecidesRole && found.role !== id.role)
      await prisma.userSession.deleteMany({ where: { userId: found.id } });
    return viewOf(row);
  }
  const base = id.username.replace(/[^A-Za-z0-9._@-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'user';
  let username = base.slice(0, 90);
  for (let n = 2; await prisma.user.findUnique({ where: { username }, select: { id: true } }); n++) {
    username = `${base.slice(0, 90)}-${n}`;
  }
  const row = await prisma.user.create({
    data: {
      username,
      role: id.role,
      teams: id.teams.filter((t) => teamPattern.test(t)),
      email: id.email,
      displayName: id.displayName,
      oidcIssuer: id.issuer,
      oidcSubject: id.subject,
      lastLoginAt: new Date(),
    },
  });
  return viewOf(row);
}
