/**
 * The UI's browse reads over real runs: every DAG's runs (filtered, in
 * either order, paged by cursor), task instances across DAGs, the grid's
 * tries and durations and true run count, the DAG's confSchema, and a
 * viewer who never sees another team's DAG in any of them.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH } from '@sluice/api';
import type { CursorPage, Grid, RunListItem, TaskInstanceListItem } from '@sluice/client';
import { createApiToken, createUser } from '@sluice/db';
import { startHarness, waitFor, type Harness } from './harness';

const dags = {
  'flaky.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'flaky', schedule: null, start: '2026-01-01',
  confSchema: { type: 'object', properties: { day: { type: 'string', description: 'the day to load' } }, required: ['day'] } });
const first = d.task('first', { retries: 1, retryDelay: 10 }, fn(async (ctx) => {
  if (ctx.tryNumber === 1) throw new Error('flaky on the first try');
  return ctx.tryNumber;
}));
d.task('second', { upstream: [first] }, fn(async () => 'done'));
`,
  'growth.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'growth_dag', schedule: null, start: '2026-01-01', tags: ['team:growth'] });
d.task('only', fn(async () => 'fine'));
`,
};

let h: Harness;
const tokens = { admin: '', viewer: '' };
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

const get = async <T>(path: string, token = tokens.admin, query: Record<string, string> = {}) => {
  const res = await request(h.app).get(path).query(query).set(bearer(token));
  return { status: res.status, body: res.body as T };
};

async function runAt(dagId: string, runId: string, logicalDate: string): Promise<void> {
  const res = await request(h.app)
    .post(`/api/v1/dags/${dagId}/runs`)
    .set(bearer(tokens.admin))
    .send({ runId, logicalDate, conf: dagId === 'flaky' ? { day: logicalDate.slice(0, 10) } : {} });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

beforeAll(async () => {
  h = await startHarness({ dags, auth: { ...DEFAULT_AUTH, mode: 'on' } });
  for (const role of ['admin', 'viewer'] as const) {
    await createUser(h.db.db.prisma, { username: `${role}-user`, role, password: 'correct horse battery staple' });
    tokens[role] = (
      await createApiToken(h.db.db.prisma, { username: `${role}-user`, name: 't', expiresAt: null })
    ).token;
  }
  await runAt('flaky', 'f1', '2026-11-01T00:00:00Z');
  await runAt('growth_dag', 'g1', '2026-11-02T00:00:00Z');
  await runAt('flaky', 'f2', '2026-11-03T00:00:00Z');
  // The harness's own user is in no team: the admin watches the runs end.
  await waitFor(
    'the three runs to succeed',
    async () => {
      const res = await get<CursorPage<RunListItem>>('/api/v1/runs', tokens.admin, { state: 'success' });
      return res.body.total === 3 ? true : undefined;
    },
    30_000,
  );
}, 90_000);
afterAll(async () => {
  await h.close();
});

const ids = (page: CursorPage<RunListItem>) => page.items.map((r) => `${r.dagId}/${r.runId}`);

describe('GET /runs', () => {
  it("lists every DAG's runs newest first, and oldest first when asked", async () => {
    const newest = await get<CursorPage<RunListItem>>('/api/v1/runs');
    expect(newest.status).toBe(200);
    expect(ids(newest.body)).toEqual(['flaky/f2', 'growth_dag/g1', 'flaky/f1']);
    expect(newest.body).toMatchObject({ total: 3, totalCapped: false, nextCursor: null });
    const oldest = await get<CursorPage<RunListItem>>('/api/v1/runs', tokens.admin, { order: 'oldest' });
    expect(ids(oldest.body)).toEqual(['flaky/f1', 'growth_dag/g1', 'flaky/f2']);
  });

  it('filters by DAG, state, run type and a logical-date range (to exclusive)', async () => {
    const q = {
      dagId: 'flaky',
      state: 'success',
      runType: 'manual',
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-03T00:00:00Z',
    };
    const page = await get<CursorPage<RunListItem>>('/api/v1/runs', tokens.admin, q);
    expect(ids(page.body)).toEqual(['flaky/f1']);
    const none = await get<CursorPage<RunListItem>>('/api/v1/runs', tokens.admin, { runType: 'scheduled' });
    expect(none.body.items).toEqual([]);
  });

  it('pages by nextCursor', async () => {
    const first = await get<CursorPage<RunListItem>>('/api/v1/runs', tokens.admin, { limit: '2' });
    expect(ids(first.body)).toEqual(['flaky/f2', 'growth_dag/g1']);
    const cursor = first.body.nextCursor;
    if (!cursor) throw new Error('expected a next page');
    const second = await get<CursorPage<RunListItem>>('/api/v1/runs', tokens.admin, { limit: '2', cursor });
    expect(ids(second.body)).toEqual(['flaky/f1']);
    expect(second.body.nextCursor).toBeNull();
  });

  it("never shows a viewer another team's runs, nor counts them", async () => {
    const page = await get<CursorPage<RunListItem>>('/api/v1/runs', tokens.viewer);
    expect(ids(page.body)).toEqual(['flaky/f2', 'flaky/f1']);
    expect(page.body.total).toBe(2);
  });

  it.each([
    [{ from: '2026-11-03T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'query.to', 'from must be before to'],
    [{ from: 'yesterday' }, 'query.from', 'ISO date-time'],
    [{ state: 'done' }, 'query.state', ''],
    [{ order: 'up' }, 'query.order', ''],
    [{ cursor: 'nope' }, 'query.cursor', 'nextCursor'],
  ])('refuses %j with a 400 naming %s', async (query, path, text) => {
    const res = await get<{ error: { issues: Array<{ path: string; message: string }> } }>(
      '/api/v1/runs',
      tokens.admin,
      query,
    );
    expect(res.status).toBe(400);
    const issue = res.body.error.issues.find((i) => i.path === path);
    expect(issue?.message, JSON.stringify(res.body)).toContain(text);
  });
});

describe('GET /task-instances', () => {
  it('lists task instances newest run first, filtered by DAG, task and state', async () => {
    const all = await get<CursorPage<TaskInstanceListItem>>('/api/v1/task-instances', tokens.admin, { dagId: 'flaky' });
    expect(all.body.items.map((t) => `${t.runId}/${t.taskId}`)).toEqual([
      'f2/second',
      'f2/first',
      'f1/second',
      'f1/first',
    ]);
    const first = await get<CursorPage<TaskInstanceListItem>>('/api/v1/task-instances', tokens.admin, {
      taskId: 'first',
      state: 'success',
    });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({
      dagId: 'flaky',
      runId: 'f2',
      taskId: 'first',
      tryNumber: 2,
      maxTries: 2,
    });
    expect(first.body.items[0]?.durationMs).toEqual(expect.any(Number));
  });

  it("never shows a viewer another team's task instances", async () => {
    const page = await get<CursorPage<TaskInstanceListItem>>('/api/v1/task-instances', tokens.viewer);
    expect(page.body.items.map((t) => t.dagId)).not.toContain('growth_dag');
    expect(page.body.total).toBe(4);
  });

  it('refuses an unknown state with a 400 naming query.state', async () => {
    const res = await get<{ error: { issues: Array<{ path: string }> } }>('/api/v1/task-instances', tokens.admin, {
      state: 'exploded',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i) => i.path)).toContain('query.state');
  });
});

describe('the DAG page', () => {
  it("the grid shows each cell's tries and duration, and the DAG's true run count beside the runs it shows", async () => {
    const grid = await get<Grid>('/api/v1/dags/flaky/grid', tokens.admin, { limit: '1' });
    expect(grid.body.runs.map((r) => r.runId)).toEqual(['f2']);
    expect(grid.body).toMatchObject({ totalRuns: 2, totalRunsCapped: false });
    const cell = grid.body.runs[0]?.cells.first;
    expect(cell).toMatchObject({ tryNumber: 2, startedAt: expect.any(String), endedAt: expect.any(String) });
    expect(cell?.durationMs).toEqual(expect.any(Number));
  });

  it("answers the DAG's confSchema, for the trigger form", async () => {
    const dag = await get<{ confSchema: unknown }>('/api/v1/dags/flaky');
    expect(dag.body.confSchema).toEqual({
      type: 'object',
      properties: { day: { type: 'string', description: 'the day to load' } },
      required: ['day'],
    });
    expect((await get<{ confSchema: unknown }>('/api/v1/dags/growth_dag')).body.confSchema).toBeNull();
  });
});
