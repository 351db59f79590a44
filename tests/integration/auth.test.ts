/**
 * Who may call what: every route of the document answers 401 without
 * credentials, each role can do exactly its routes, tokens expire and are
 * revoked, a browser session needs its CSRF token for changes, sign-in is
 * rate-limited, the audit names the authenticated user whatever headers
 * say, and a DAG tagged for a team is closed to other teams.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH, routeDocs, type RouteDoc } from '@sluice/api';
import { roleAllows, roles, type Role } from '@sluice/core';
import { createApiToken, createUser, insertBackfill } from '@sluice/db';
import { startHarness, type Harness } from './harness';

const dags = {
  'open.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'open_dag', schedule: null, start: '2026-01-01' });
d.task('only', fn(async () => 'fine'));
`,
  'growth.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'growth_dag', schedule: null, start: '2026-01-01', tags: ['team:growth'] });
d.task('only', fn(async () => 'fine'));
`,
};

const PASSWORD = 'correct horse battery staple';
let h: Harness;
const tokens: Record<Role, string> = { viewer: '', operator: '', admin: '' };
let runId = '';

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

beforeAll(async () => {
  h = await startHarness({
    dags,
    auth: { ...DEFAULT_AUTH, mode: 'on', loginMaxFailures: 3, loginWindowMs: 60_000 },
  });
  for (const role of roles) {
    await createUser(h.db.db.prisma, { username: `${role}-user`, role, password: PASSWORD });
    tokens[role] = (
      await createApiToken(h.db.db.prisma, { username: `${role}-user`, name: 'test', expiresAt: null })
    ).token;
  }
  await createUser(h.db.db.prisma, { username: 'grower', role: 'operator', password: PASSWORD, teams: ['growth'] });
  const run = await request(h.app)
    .post('/api/v1/dags/open_dag/runs')
    .set(bearer(tokens.operator))
    .send({ runId: 'first' });
  expect(run.status, JSON.stringify(run.body)).toBe(201);
  runId = run.body.runId;
  await h.waitForRun('open_dag', runId, ['success']);
}, 60_000);
afterAll(async () => {
  await h.close();
});

/** A concrete URL for a route: its parameters filled with things that exist. */
function urlOf(doc: RouteDoc): string {
  const values: Record<string, string> = {
    dagId: 'open_dag',
    runId,
    taskId: 'only',
    name: 'some_connection',
    username: 'nobody-here',
    tokenId: '999999',
  };
  return `/api/v1${doc.path.replace(/:(\w+)/g, (_m, p: string) => values[p] ?? 'x')}`;
}

function call(doc: RouteDoc, headers: Record<string, string> = {}) {
  const req = request(h.app)[doc.method](urlOf(doc)).set(headers);
  return doc.method === 'get' || doc.method === 'delete' ? req : req.send({});
}

describe('without credentials', () => {
  it('every route that is not public answers 401 with a message saying how to sign in', async () => {
    const closed = routeDocs.filter((d) => d.role !== 'public');
    expect(closed.length).toBeGreaterThan(20);
    for (const doc of closed) {
      const res = await call(doc);
      expect(res.status, `${doc.method} ${doc.path}`).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
      expect(res.body.error.message).toMatch(/Sign in|API token/);
    }
  });

  it('an unknown, revoked or malformed token is a 401 too', async () => {
    for (const auth of ['Bearer slc_nope', 'Basic YWRtaW46YWRtaW4=', 'Bearer']) {
      const res = await request(h.app).get('/api/v1/dags').set('authorization', auth);
      expect(res.status, auth).toBe(401);
    }
  });

  it('health, the OpenAPI document and the sign-in options stay public', async () => {
    // Health answers without credentials: 200 when all is well, 503 with its reasons when not, never 401.
    const health = await request(h.app).get('/api/v1/health');
    expect([200, 503]).toContain(health.status);
    expect(health.body.status).toMatch(/^(ok|degraded|down)$/);
    expect((await request(h.app).get('/api/v1/openapi.json')).status).toBe(200);
    const options = await request(h.app).get('/api/v1/auth/options');
    expect(options.body).toMatchObject({ authRequired: true, password: true, sso: null });
  });
});

describe('roles', () => {
  it('each role is allowed exactly the routes its role reaches: the rest are 403 naming the role needed', async () => {
    for (const role of roles) {
      for (const doc of routeDocs.filter((d) => d.role !== 'public')) {
        const res = await call(doc, bearer(tokens[role]));
        const where = `${role} → ${doc.method} ${doc.path}: ${res.status} ${JSON.stringify(res.body)}`;
        if (doc.role === 'public' || roleAllows(role, doc.role)) {
          expect([401, 403], where).not.toContain(res.status);
        } else {
          expect(res.status, where).toBe(403);
          expect(res.body.error.message, where).toContain(`needs the ${doc.role} role`);
        }
      }
    }
  }, 60_000);

  it('a token never grants more than its owner holds, and one made with less is held to less', async () => {
    const made = await request(h.app)
      .post('/api/v1/tokens')
      .set(bearer(tokens.operator))
      .send({ name: 'read-only', role: 'viewer' });
    expect(made.status).toBe(201);
    const trigger = await request(h.app).post('/api/v1/dags/open_dag/runs').set(bearer(made.body.token)).send({});
    expect(trigger.status).toBe(403);
    const tooMuch = await request(h.app)
      .post('/api/v1/tokens')
      .set(bearer(tokens.operator))
      .send({ name: 'escalate', role: 'admin' });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.message).toContain('at most the role operator');
  });
});

describe('API tokens', () => {
  it('are shown once, stored hashed, and stop working when revoked', async () => {
    const made = await request(h.app).post('/api/v1/tokens').set(bearer(tokens.viewer)).send({ name: 'laptop' });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^slc_/);
    const stored = await h.db.db.pool.query<{ token_hash: string }>(
      `SELECT token_hash FROM api_token WHERE name = 'laptop'`,
    );
    expect(stored.rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored.rows)).not.toContain(made.body.token);
    const list = await request(h.app).get('/api/v1/tokens').set(bearer(tokens.viewer));
    expect(JSON.stringify(list.body)).not.toContain(made.body.token);

    expect((await request(h.app).get('/api/v1/dags').set(bearer(made.body.token))).status).toBe(200);
    const revoke = await request(h.app).delete(`/api/v1/tokens/${made.body.id}`).set(bearer(tokens.viewer));
    expect(revoke.status).toBe(204);
    const after = await request(h.app).get('/api/v1/dags').set(bearer(made.body.token));
    expect(after.status).toBe(401);
    expect(after.body.error.message).toContain('revoked');
  });

  it('stop working once expired', async () => {
    const made = await createApiToken(h.db.db.prisma, {
      username: 'viewer-user',
      name: 'short',
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect((await request(h.app).get('/api/v1/dags').set(bearer(made.token))).status).toBe(200);
    await h.db.db.pool.query(`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE name = 'short'`);
    expect((await request(h.app).get('/api/v1/dags').set(bearer(made.token))).status).toBe(401);
  });

  it("a viewer cannot revoke another user's token", async () => {
    const other = await createApiToken(h.db.db.prisma, { username: 'admin-user', name: 'svc', expiresAt: null });
    const res = await request(h.app).delete(`/api/v1/tokens/${other.view.id}`).set(bearer(tokens.viewer));
    expect(res.status).toBe(404);
    expect((await request(h.app).get('/api/v1/dags').set(bearer(other.token))).status).toBe(200);
  });
});

describe('browser sessions', () => {
  it('sign-in sets an HttpOnly SameSite cookie; changes need the CSRF token; sign-out ends the session', async () => {
    const agent = request.agent(h.app);
    const login = await agent.post('/api/v1/auth/login').send({ username: 'operator-user', password: PASSWORD });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/sluice_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const csrf = login.body.csrfToken as string;
    expect(csrf.length).toBeGreaterThan(20);

    const me = await agent.get('/api/v1/auth/me');
    expect(me.body).toMatchObject({ username: 'operator-user', role: 'operator', via: 'session', csrfToken: csrf });

    const noCsrf = await agent.post('/api/v1/dags/open_dag/runs').send({});
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.message).toContain('X-CSRF-Token');
    const wrongCsrf = await agent.post('/api/v1/dags/open_dag/runs').set('x-csrf-token', 'x'.repeat(43)).send({});
    expect(wrongCsrf.status).toBe(403);
    const ok = await agent.post('/api/v1/dags/open_dag/runs').set('x-csrf-token', csrf).send({});
    expect(ok.status).toBe(201);

    expect((await agent.post('/api/v1/auth/logout').set('x-csrf-token', csrf)).status).toBe(204);
    expect((await agent.get('/api/v1/dags')).status).toBe(401);
  });

  it('a wrong password is a 401, and after 3 failures the 4th try is a 429 even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await request(h.app).post('/api/v1/auth/login').send({ username: 'viewer-user', password: 'wrong' });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('Wrong username or password');
    }
    const blocked = await request(h.app)
      .post('/api/v1/auth/login')
      .send({ username: 'viewer-user', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    // Another name from the same address is not blocked.
    const other = await request(h.app).post('/api/v1/auth/login').send({ username: 'admin-user', password: PASSWORD });
    expect(other.status).toBe(200);
  });

  it('an unknown user and a wrong password get the same answer', async () => {
    const res = await request(h.app).post('/api/v1/auth/login').send({ username: 'ghost', password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Wrong username or password');
  });
});

describe('the audit trail', () => {
  it('records the authenticated user and ignores a forged X-Sluice-Actor header', async () => {
    const res = await request(h.app)
      .post('/api/v1/dags/open_dag/runs')
      .set(bearer(tokens.operator))
      .set('x-sluice-actor', 'alice@admin')
      .send({ runId: 'forged' });
    expect(res.status).toBe(201);
    const audit = await request(h.app)
      .get('/api/v1/audit')
      .query({ action: 'trigger', dagId: 'open_dag' })
      .set(bearer(tokens.viewer));
    expect(audit.status).toBe(200);
    const event = audit.body.items.find((e: { runId: string }) => e.runId === 'forged');
    expect(event.actor).toBe('operator-user');
    expect(JSON.stringify(audit.body)).not.toContain('alice@admin');
  });

  it('records sign-ins, failed sign-ins, token use and user changes; a viewer does not see them, an admin does', async () => {
    const made = await request(h.app)
      .post('/api/v1/users')
      .set(bearer(tokens.admin))
      .send({ username: 'newbie', role: 'viewer', password: 'a long enough password' });
    expect(made.status).toBe(201);
    const all = await request(h.app).get('/api/v1/audit').query({ limit: 500 }).set(bearer(tokens.admin));
    const actions = new Set(all.body.items.map((e: { action: string }) => e.action));
    for (const a of ['sign_in', 'sign_in_failed', 'token_use', 'token_create', 'user_create', 'trigger'])
      expect(actions, a).toContain(a);
    const viewer = await request(h.app).get('/api/v1/audit').query({ limit: 500 }).set(bearer(tokens.viewer));
    expect(
      viewer.body.items.every(
        (e: { dagId: string | null; actor: string }) => e.dagId === 'open_dag' || e.actor === 'viewer-user',
      ),
    ).toBe(true);
    expect(viewer.body.items.some((e: { action: string }) => e.action === 'user_create')).toBe(false);
  });

  it('pages with a keyset cursor', async () => {
    const first = await request(h.app).get('/api/v1/audit').query({ limit: 2 }).set(bearer(tokens.admin));
    expect(first.body.items).toHaveLength(2);
    const second = await request(h.app)
      .get('/api/v1/audit')
      .query({ limit: 2, before: first.body.nextBefore })
      .set(bearer(tokens.admin));
    expect(Number(second.body.items[0].id)).toBeLessThan(Number(first.body.items[1].id));
  });
});

describe('per-DAG access by team tag', () => {
  it('a DAG tagged team:growth is hidden from and closed to users outside the team, open to its team and admins', async () => {
    const agent = request.agent(h.app);
    const login = await agent.post('/api/v1/auth/login').send({ username: 'grower', password: PASSWORD });
    expect(login.status).toBe(200);

    const forOperator = await request(h.app).get('/api/v1/dags').set(bearer(tokens.operator));
    expect(forOperator.body.items.map((d: { dagId: string }) => d.dagId)).toEqual(['open_dag']);
    const closed = await request(h.app).post('/api/v1/dags/growth_dag/runs').set(bearer(tokens.operator)).send({});
    expect(closed.status).toBe(403);
    expect(closed.body.error.message).toContain('team growth');
    expect((await request(h.app).get('/api/v1/dags/growth_dag/grid').set(bearer(tokens.operator))).status).toBe(403);

    const forGrower = await agent.get('/api/v1/dags');
    expect(forGrower.body.items.map((d: { dagId: string }) => d.dagId).sort()).toEqual(['growth_dag', 'open_dag']);
    // The lists differ, so must their ETags: the operator's cannot answer a 304 for the grower's list.
    expect(forGrower.headers.etag).not.toBe(forOperator.headers.etag);
    const revalidated = await agent.get('/api/v1/dags').set('if-none-match', forOperator.headers.etag ?? '');
    expect(revalidated.status).toBe(200);
    const opened = await agent.post('/api/v1/dags/growth_dag/runs').set('x-csrf-token', login.body.csrfToken).send({});
    expect(opened.status).toBe(201);
    expect((await request(h.app).get('/api/v1/dags/growth_dag').set(bearer(tokens.admin))).status).toBe(200);
  });

  it("another team's DAG cannot be backfilled or cleared, and its backfills are not listed", async () => {
    const body = { dagId: 'growth_dag', from: '2026-01-01', to: '2026-01-02' };
    for (const path of ['/api/v1/backfills', '/api/v1/backfills/dry-run']) {
      const closed = await request(h.app).post(path).set(bearer(tokens.operator)).send(body);
      expect(closed.status, path).toBe(403);
      expect(closed.body.error.message).toContain('team growth');
    }
    const clear = await request(h.app)
      .post('/api/v1/dags/growth_dag/clear')
      .set(bearer(tokens.operator))
      .send({ from: '2026-01-01', to: '2026-01-02', dryRun: true });
    expect(clear.status).toBe(403);
    // Its team gets past the check: the DAG has no schedule, so no intervals to backfill.
    const agent = request.agent(h.app);
    const login = await agent.post('/api/v1/auth/login').send({ username: 'grower', password: PASSWORD });
    const growers = await agent.post('/api/v1/backfills/dry-run').set('x-csrf-token', login.body.csrfToken).send(body);
    expect(growers.status).toBe(400);
    expect(growers.body.error.message).toBe('DAG "growth_dag" has no schedule, so it has no intervals to backfill');
    const made = await insertBackfill(h.db.db.pool, {
      dagId: 'growth_dag',
      fromDate: new Date('2026-01-01'),
      toDate: new Date('2026-01-02'),
      reprocess: 'none',
      reverse: false,
      maxActiveRuns: 1,
      conf: {},
      createdBy: 'grower',
    });
    const listed = await request(h.app).get('/api/v1/backfills').set(bearer(tokens.operator));
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);
    expect((await request(h.app).get(`/api/v1/backfills/${made.id}`).set(bearer(tokens.operator))).status).toBe(403);
    const forAdmin = await request(h.app).get('/api/v1/backfills').set(bearer(tokens.admin));
    expect(forAdmin.body.items.map((b: { id: string }) => b.id)).toEqual([made.id]);
  });
});

describe('users', () => {
  it('an admin lowers a role (their browsers are signed out) and deletes a user with their tokens', async () => {
    await createUser(h.db.db.prisma, { username: 'leaver', role: 'operator', password: PASSWORD });
    const leaverToken = (await createApiToken(h.db.db.prisma, { username: 'leaver', name: 'x', expiresAt: null }))
      .token;
    const agent = request.agent(h.app);
    expect((await agent.post('/api/v1/auth/login').send({ username: 'leaver', password: PASSWORD })).status).toBe(200);

    const lowered = await request(h.app)
      .patch('/api/v1/users/leaver')
      .set(bearer(tokens.admin))
      .send({ role: 'viewer', teams: ['growth'] });
    expect(lowered.status).toBe(200);
    expect(lowered.body).toMatchObject({ username: 'leaver', role: 'viewer', teams: ['growth'] });
    expect((await agent.get('/api/v1/dags')).status).toBe(401);
    // The token made as operator is held to the owner's new role.
    const trigger = await request(h.app).post('/api/v1/dags/open_dag/runs').set(bearer(leaverToken)).send({});
    expect(trigger.status).toBe(403);

    const gone = await request(h.app).delete('/api/v1/users/leaver').set(bearer(tokens.admin));
    expect(gone.status).toBe(204);
    expect((await request(h.app).get('/api/v1/dags').set(bearer(leaverToken))).status).toBe(401);
    expect((await request(h.app).delete('/api/v1/users/leaver').set(bearer(tokens.admin))).status).toBe(404);
  });

  it('an admin manages users; the last admin cannot be demoted or deleted', async () => {
    const demote = await request(h.app)
      .patch('/api/v1/users/admin-user')
      .set(bearer(tokens.admin))
      .send({ role: 'viewer' });
    expect(demote.status).toBe(400);
    expect(demote.body.error.message).toContain('last admin');
    const short = await request(h.app)
      .post('/api/v1/users')
      .set(bearer(tokens.admin))
      .send({ username: 'shorty', role: 'viewer', password: 'short' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toContain('password');
    const list = await request(h.app).get('/api/v1/users').set(bearer(tokens.admin));
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|password_hash|passwordHash/);
  });
});
