/**
 * Single sign-on against a real OpenID Connect provider on loopback: the
 * browser is sent to the provider, signs in there, comes back with a code
 * Sluice exchanges (PKCE, state and nonce checked), and ends up with a
 * Sluice session; the provider's role claim decides the role when
 * configured, and a tampered state is refused.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH } from '@sluice/api';
import { startHarness, type Harness } from './harness';
import { signInThroughProvider, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider';

let h: Harness;
let server: Server;
let base: string;
let idp: TestOidcProvider;

beforeAll(async () => {
  // The callback URL must be known before the provider registers it: reserve the port first.
  const net = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  base = `http://127.0.0.1:${port}`;
  const redirectUrl = `${base}/api/v1/auth/oidc/callback`;
  idp = await startOidcProvider({
    redirectUri: redirectUrl,
    accounts: {
      ann: { email: 'ann@example.com', name: 'Ann Analyst', role: 'operator', groups: ['growth'] },
      bob: { email: 'bob@example.com', name: 'Bob' },
    },
  });
  h = await startHarness({
    dags: {},
    worker: false,
    auth: {
      ...DEFAULT_AUTH,
      mode: 'on',
      oidc: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        redirectUrl,
        displayName: 'Test IdP',
        defaultRole: 'viewer',
        roleClaim: 'sluice_role',
        teamsClaim: 'groups',
        allowHttp: true,
      },
    },
  });
  server = h.app.listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
}, 60_000);
afterAll(async () => {
  server?.close();
  await idp?.close();
  await h?.close();
});

const me = async (cookie: string) => {
  const res = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('single sign-on with OpenID Connect', () => {
  it('the options name the provider', async () => {
    const res = await fetch(`${base}/api/v1/auth/options`);
    expect(await res.json()).toMatchObject({ sso: { name: 'Test IdP', loginUrl: '/api/v1/auth/oidc/login' } });
  });

  it('signs a new user in through the provider, with the role and teams its claims give, and audits it', async () => {
    const done = await signInThroughProvider(`${base}/api/v1/auth/oidc/login?returnTo=/dags`, 'ann');
    expect(done.finalUrl.href).toBe(`${base}/dags`);
    const cookie = done.cookieFor(base);
    expect(cookie).toContain('sluice_session=');
    const who = await me(cookie);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ username: 'ann', role: 'operator', teams: ['growth'], via: 'session' });

    const row = await h.db.db.pool.query<{ oidc_issuer: string; email: string; password_hash: string | null }>(
      `SELECT oidc_issuer, email, password_hash FROM app_user WHERE username = 'ann'`,
    );
    expect(row.rows[0]).toEqual({ oidc_issuer: idp.issuer, email: 'ann@example.com', password_hash: null });
    const audit = await h.db.db.pool.query<{ details: { via: string } }>(
      `SELECT details FROM audit_event WHERE action = 'sign_in' AND actor = 'ann'`,
    );
    expect(audit.rows.map((r) => r.details.via)).toEqual(['oidc']);
  });

  it('a second sign-in finds the same user; without a role claim the default role applies', async () => {
    const again = await signInThroughProvider(`${base}/api/v1/auth/oidc/login`, 'ann');
    expect((await me(again.cookieFor(base))).body).toMatchObject({ username: 'ann' });
    const users = await h.db.db.pool.query(`SELECT 1 FROM app_user WHERE oidc_subject = 'ann'`);
    expect(users.rowCount).toBe(1);

    const bob = await signInThroughProvider(`${base}/api/v1/auth/oidc/login`, 'bob');
    expect((await me(bob.cookieFor(base))).body).toMatchObject({ username: 'bob', role: 'viewer' });
  });

  it('refuses a callback whose state does not match the one the browser left with, back on the sign-in page', async () => {
    const start = await fetch(`${base}/api/v1/auth/oidc/login`, { redirect: 'manual' });
    const pending = start.headers.getSetCookie().find((c) => c.startsWith('sluice_oidc='));
    expect(pending).toBeDefined();
    const res = await fetch(`${base}/api/v1/auth/oidc/callback?code=forged&state=not-the-state`, {
      redirect: 'manual',
      headers: { cookie: (pending ?? '').split(';')[0] ?? '' },
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '', base);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('ssoError')).toMatch(/^Single sign-on failed: /);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('sluice_session='))).toBe(false);
    const failed = await h.db.db.pool.query(
      `SELECT 1 FROM audit_event WHERE action = 'sign_in_failed' AND details->>'via' = 'oidc'`,
    );
    expect(failed.rowCount).toBe(1);
  });

  it('never redirects back to another site', async () => {
    const done = await signInThroughProvider(
      `${base}/api/v1/auth/oidc/login?returnTo=${encodeURIComponent('//evil.example/x')}`,
      'bob',
    );
    expect(done.finalUrl.href).toBe(`${base}/`);
  });
});
