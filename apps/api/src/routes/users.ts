/** Users and their roles and teams (admin), and API tokens (each user their own; admins everyone's). */
import { Router } from 'express';
import { z } from 'zod';
import { roles } from '@sluice/core';
import {
  UserError,
  createApiToken,
  createUser,
  deleteUser,
  findUser,
  listApiTokens,
  listUsers,
  recordAuditEvent,
  revokeApiToken,
  teamPattern,
  updateUser,
  usernamePattern,
  type TokenView,
} from '@sluice/db';
import { InvalidRequestError, NotFoundError } from '@sluice/engine';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { actorOf } from '../actor';
import { NotAllowedError, UnauthorizedError, principalOf } from '../auth/principal';
import { presentUser } from './auth';

const Username = z.string().regex(usernamePattern, 'letters, digits and . _ @ -, at most 100');
const Teams = z.array(z.string().regex(teamPattern, 'lower-case letters, digits, _ and -')).max(50);
const UserParams = z.object({ username: Username });
const CreateUserBody = z
  .object({
    username: Username,
    role: z.enum(roles),
    password: z.string().min(12, 'at least 12 characters').max(1024).optional(),
    teams: Teams.optional(),
    displayName: z.string().max(200).optional(),
    email: z.email().optional(),
  })
  .strict();
const PatchUserBody = z
  .object({
    role: z.enum(roles).optional(),
    password: z.string().min(12, 'at least 12 characters').max(1024).optional(),
    teams: Teams.optional(),
    displayName: z.string().max(200).nullable().optional(),
    email: z.email().nullable().optional(),
  })
  .strict();
const TokenParams = z.object({ tokenId: z.string().regex(/^\d{1,18}$/, 'a token id is a number') });
const CreateTokenBody = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ -, at most 64'),
    role: z.enum(roles).optional(),
    /** Days until it expires; omitted: never (service tokens). */
    expiresInDays: z.number().int().min(1).max(3650).optional(),
    /** Admins may make a token for another user (a service account). */
    username: Username.optional(),
  })
  .strict();

export const userRouteDocs: readonly RouteDoc[] = [
  { method: 'get', path: '/users', summary: 'Every user', tag: 'users', role: 'admin', status: 200 },
  {
    method: 'post',
    path: '/users',
    summary: 'Add a user',
    tag: 'users',
    role: 'admin',
    body: CreateUserBody,
    status: 201,
  },
  {
    method: 'patch',
    path: '/users/:username',
    summary: "Change a user's role, teams or password",
    tag: 'users',
    role: 'admin',
    params: UserParams,
    body: PatchUserBody,
    status: 200,
  },
  {
    method: 'delete',
    path: '/users/:username',
    summary: 'Remove a user with their tokens and sessions',
    tag: 'users',
    role: 'admin',
    params: UserParams,
    status: 204,
  },
  {
    method: 'get',
    path: '/tokens',
    summary: 'Your API tokens (an admin sees everyone’s)',
    tag: 'users',
    role: 'viewer',
    status: 200,
  },
  {
    method: 'post',
    path: '/tokens',
    summary: 'Make an API token; the answer is the only time it is shown',
    tag: 'users',
    role: 'viewer',
    body: CreateTokenBody,
    status: 201,
  },
  {
    method: 'delete',
    path: '/tokens/:tokenId',
    summary: 'Revoke an API token',
    tag: 'users',
    role: 'viewer',
    params: TokenParams,
    status: 204,
  },
];

function presentToken(t: TokenView) {
  return {
    id: t.id,
    username: t.username,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  };
}

/** A UserError is the caller's mistake: a 400 naming it (or a 404 for an unknown user). */
function asRequestError(raw: unknown): never {
  if (raw instanceof UserError) {
    if (/does not exist|^no token/.test(raw.message)) throw new NotFoundError(raw.message);
    throw new InvalidRequestError(raw.message, []);
  }
  throw raw;
}

export function userRoutes(deps: ApiDeps): Router {
  const r = Router();
  const { prisma, pool } = deps.db;
  const audit = (
    req: Parameters<typeof actorOf>[0],
    action: 'user_create' | 'user_update' | 'user_delete' | 'token_create' | 'token_revoke',
    details: Record<string, unknown>,
  ) => recordAuditEvent(pool, { actor: actorOf(req), action, details });

  r.get('/users', async (_req, res) => {
    res.json({ items: (await listUsers(prisma)).map(presentUser) });
  });

  r.post('/users', async (req, res) => {
    const body = parse(CreateUserBody, req, 'body');
    const user = await createUser(prisma, body).catch(asRequestError);
    await audit(req, 'user_create', { username: user.username, role: user.role, teams: user.teams });
    res.status(201).json(presentUser(user));
  });

  r.patch('/users/:username', async (req, res) => {
    const { username } = parse(UserParams, req, 'params');
    const body = parse(PatchUserBody, req, 'body');
    const user = await updateUser(prisma, username, body).catch(asRequestError);
    const { password, ...change } = body;
    await audit(req, 'user_update', { username, ...change, ...(password ? { password: 'changed' } : {}) });
    res.json(presentUser(user));
  });

  r.delete('/users/:username', async (req, res) => {
    const { username } = parse(UserParams, req, 'params');
    await deleteUser(prisma, username).catch(asRequestError);
    await audit(req, 'user_delete', { username });
    res.status(204).end();
  });

  const signedInUser = (req: Parameters<typeof principalOf>[0]) => {
    const p = principalOf(req);
    if (!p || p.via === 'local')
      throw new UnauthorizedError('API tokens belong to users; sign-in is off on this server (SLUICE_AUTH=off)');
    return p;
  };

  r.get('/tokens', async (req, res) => {
    const p = signedInUser(req);
    const items = await listApiTokens(prisma, p.role === 'admin' ? undefined : p.username);
    res.json({ items: items.map(presentToken) });
  });

  r.post('/tokens', async (req, res) => {
    const p = signedInUser(req);
    const body = parse(CreateTokenBody, req, 'body');
    const username = body.username ?? p.username;
    if (username !== p.username && p.role !== 'admin')
      throw new NotAllowedError('Only an admin may make a token for another user');
    if (!(await findUser(prisma, username))) throw new NotFoundError(`user "${username}" does not exist`);
    const made = await createApiToken(prisma, {
      username,
      name: body.name,
      ...(body.role ? { role: body.role } : {}),
      expiresAt: body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null,
    }).catch(asRequestError);
    await audit(req, 'token_create', { username, token: made.view.name, role: made.view.role });
    res.status(201).json({ ...presentToken(made.view), token: made.token });
  });

  r.delete('/tokens/:tokenId', async (req, res) => {
    const p = signedInUser(req);
    const { tokenId } = parse(TokenParams, req, 'params');
    const t = await revokeApiToken(prisma, tokenId, p.role === 'admin' ? undefined : p.username).catch(asRequestError);
    await audit(req, 'token_revoke', { username: t.username, token: t.name, tokenId });
    res.status(204).end();
  });

  return r;
}
