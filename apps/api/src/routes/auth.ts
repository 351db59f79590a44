/**
 * Signing in and out: username and password (rate-limited per address and
 * name), or single sign-on with OpenID Connect. A browser gets an HttpOnly,
 * SameSite=Lax session cookie and a CSRF token it must send back with every
 * change.
 */
import { type Request, type Response, Router } from 'express';
import { parse as parseCookies } from 'cookie';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { z } from 'zod';
import { checkSignIn, createSession, deleteSession, recordAuditEvent, signInWithOidc, type UserView } from '@sluice/db';
import { toError } from '@sluice/core';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { OIDC_COOKIE, OidcClient } from '../auth/oidc';
import { TooManyRequestsError, UnauthorizedError, principalOf } from '../auth/principal';
import { SESSION_COOKIE } from '../auth/settings';

const LoginBody = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1024) }).strict();
const OidcLoginQuery = z.object({ returnTo: z.string().max(2000).optional() });

export const authRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/auth/options',
    summary: 'How to sign in: password, single sign-on, or not at all',
    tag: 'auth',
    role: 'public',
    status: 200,
  },
  {
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in with username and password; sets the session cookie',
    tag: 'auth',
    role: 'public',
    body: LoginBody,
    status: 200,
  },
  {
    method: 'post',
    path: '/auth/logout',
    summary: 'Sign out this browser',
    tag: 'auth',
    role: 'viewer',
    status: 204,
  },
  {
    method: 'get',
    path: '/auth/me',
    summary: 'Who is signed in, and the CSRF token a browser sends with changes',
    tag: 'auth',
    role: 'viewer',
    status: 200,
  },
  {
    method: 'get',
    path: '/auth/oidc/login',
    summary: 'Start single sign-on: redirects to the provider',
    tag: 'auth',
    role: 'public',
    query: OidcLoginQuery,
    status: 200,
  },
  {
    method: 'get',
    path: '/auth/oidc/callback',
    summary: 'Where the provider sends the browser back',
    tag: 'auth',
    role: 'public',
    status: 200,
  },
];

/** Only a path on this site: never an open redirect to another one. */
function safeReturnTo(v: string | undefined): string {
  return v && /^\/(?![/\\])/.test(v) ? v : '/';
}

export function authRoutes(deps: ApiDeps): Router {
  const r = Router();
  const { auth } = deps;
  const { prisma, pool } = deps.db;
  const oidc = auth.oidc ? new OidcClient(auth.oidc) : null;

  const cookieOptions = (req: Request) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: auth.secureCookies || req.secure,
    path: '/',
  });

  const startSession = async (req: Request, res: Response, user: UserView, via: 'password' | 'oidc') => {
    const s = await createSession(prisma, user.id, via, auth.sessionTtlMs);
    res.cookie(SESSION_COOKIE, s.cookie, { ...cookieOptions(req), expires: s.expiresAt });
    await recordAuditEvent(pool, { actor: user.username, action: 'sign_in', details: { via, ip: req.ip ?? null } });
    return s;
  };

  r.get('/auth/options', (_req, res) => {
    res.json({
      authRequired: auth.mode === 'on',
      password: auth.mode === 'on',
      sso: oidc ? { name: oidc.settings.displayName, loginUrl: '/api/v1/auth/oidc/login' } : null,
    });
  });

  // Counts failed sign-ins only, per client address and username.
  const limiter = rateLimit({
    windowMs: auth.loginWindowMs,
    limit: auth.loginMaxFailures,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const name = typeof req.body?.username === 'string' ? req.body.username.toLowerCase().slice(0, 100) : '';
      return `${ipKeyGenerator(req.ip ?? 'unknown')}|${name}`;
    },
    handler: (_req, _res, next, options) => {
      const seconds = Math.ceil(options.windowMs / 1000);
      next(new TooManyRequestsError(`Too many failed sign-ins; try again in ${seconds} s`, seconds));
    },
  });

  r.post('/auth/login', limiter, async (req, res) => {
    if (auth.mode === 'off') throw new UnauthorizedError('Sign-in is off on this server (SLUICE_AUTH=off)');
    const body = parse(LoginBody, req, 'body');
    const user = await checkSignIn(prisma, body.username, body.password);
    if (!user) {
      await recordAuditEvent(pool, {
        actor: body.username,
        action: 'sign_in_failed',
        details: { via: 'password', ip: req.ip ?? null },
      });
      throw new UnauthorizedError('Wrong username or password');
    }
    const s = await startSession(req, res, user, 'password');
    res.json({ user: presentUser(user), csrfToken: s.csrfToken });
  });

  r.post('/auth/logout', async (req, res) => {
    const p = principalOf(req);
    const cookie = req.headers.cookie ? parseCookies(req.headers.cookie)[SESSION_COOKIE] : undefined;
    if (cookie) await deleteSession(prisma, cookie);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    if (p && p.via === 'session') await recordAuditEvent(pool, { actor: p.username, action: 'sign_out' });
    res.status(204).end();
  });

  r.get('/auth/me', (req, res) => {
    const p = principalOf(req);
    if (!p) throw new UnauthorizedError('Not signed in');
    res.json({
      username: p.username,
      role: p.role,
      teams: p.teams,
      via: p.via,
      ...(p.tokenName ? { tokenName: p.tokenName } : {}),
      csrfToken: p.csrfToken ?? null,
    });
  });

  r.get('/auth/oidc/login', async (req, res) => {
    if (!oidc) throw new UnauthorizedError('Single sign-on is not configured (SLUICE_OIDC_ISSUER)');
    const q = parse(OidcLoginQuery, req, 'query');
    const start = await oidc.start(safeReturnTo(q.returnTo));
    res.cookie(OIDC_COOKIE, start.pending, { ...cookieOptions(req), maxAge: 10 * 60_000 });
    res.redirect(302, start.url);
  });

  r.get('/auth/oidc/callback', async (req, res) => {
    if (!oidc) throw new UnauthorizedError('Single sign-on is not configured (SLUICE_OIDC_ISSUER)');
    const pending = req.headers.cookie ? parseCookies(req.headers.cookie)[OIDC_COOKIE] : undefined;
    res.clearCookie(OIDC_COOKIE, cookieOptions(req));
    // The browser came back from the provider: a failure goes to the sign-in page, which says why.
    const fail = (message: string) => res.redirect(302, `/login?ssoError=${encodeURIComponent(message)}`);
    if (!pending) return fail('Single sign-on took too long or started in another browser; start again');
    const callback = new URL(req.originalUrl, oidc.settings.redirectUrl);
    let done: Awaited<ReturnType<OidcClient['finish']>>;
    try {
      done = await oidc.finish(callback, pending);
    } catch (raw) {
      deps.logger.warn({ err: toError(raw) }, 'single sign-on failed');
      await recordAuditEvent(pool, {
        actor: 'unknown',
        action: 'sign_in_failed',
        details: { via: 'oidc', reason: toError(raw).message.slice(0, 200), ip: req.ip ?? null },
      });
      return fail(`Single sign-on failed: ${toError(raw).message}`);
    }
    const user = await signInWithOidc(prisma, done.identity);
    await startSession(req, res, user, 'oidc');
    res.redirect(302, safeReturnTo(done.returnTo));
  });

  return r;
}

export function presentUser(u: UserView) {
  return {
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    role: u.role,
    teams: u.teams,
    signIn: u.signIn,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  };
}
