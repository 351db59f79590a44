/**
 * The API behind the run and DAG pages' history views, on a real run: notes
 * on a run and a task (operators write, viewers read, every change audited
 * with its author), the Gantt chart's tries, task times, the calendar, DAG
 * versions with their source, and a try's whole log as a download.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH } from '@sluice/api';
import type { Role } from '@sluice/core';
import { createApiToken, createUser } from '@sluice/db';
import { startHarness, waitFor, type Harness } from './harness';

const dagSource = (marker: string) => `
import { dag, fn, shell } from '@sluice/sdk';
export const history = dag({
  id: 'history_dag', description: '${marker}', schedule: null, start: '2026-01-01', timezone: 'Europe/Copenhagen',
});
const flaky = history.task('flaky', { retries: 1, retryDelay: '1s' }, fn(async (ctx) => {
  if (ctx.tryNumber === 1) throw new Error('the first try fails');
  return 1;
}));
history.task('report', { upstream: [flaky] }, shell({
  command: 'for i in $(seq 1 7000); do echo "line $i"; done; echo "ERROR: disk nearly full" >&2',
}));
`;

let h: Harness;
let runId = '';
const tokens: Record<Role, string> = { viewer: '', operator: '', admin: '' };
const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
const runUrl = () => `/api/v1/dags/history_dag/runs/${encodeURIComponent(runId)}`;

beforeAll(async () => {
  h = await startHarness({
    dags: { 'history_dag.ts': dagSource('first version') },
    auth: { ...DEFAULT_AUTH, mode: 'on' },
  });
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    await createUser(h.db.db.prisma, { username: `${role}-user`, role, password: 'a-password-for-tests' });
    tokens[role] = (
      await createApiToken(h.db.db.prisma, { username: `${role}-user`, name: 't', expiresAt: null })
    ).token;
  }
  const run = await request(h.app).post('/api/v1/dags/history_dag/runs').set(as('operator')).send({});
  expect(run.status, JSON.stringify(run.body)).toBe(201);
  runId = run.body.runId;
  await waitFor(
    'the run to succeed',
    async () => {
      const res = await request(h.app).get(runUrl()).set(as('viewer'));
      return res.body.state === 'success' ? res.body : undefined;
    },
    40_000,
  );
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('run notes', () => {
  it('an operator writes a note on the run and on a task; a viewer reads both with author and time', async () => {
    const put = await request(h.app).put(`${runUrl()}/note`).set(as('operator')).send({ text: 'late upstream file' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ taskId: null, text: 'late upstream file', author: 'operator-user' });
    const task = await request(h.app)
      .put(`${runUrl()}/tasks/flaky/note`)
      .set(as('operator'))
      .send({ text: '  first try hit the S3 throttle  ' });
    expect(task.body).toMatchObject({ taskId: 'flaky', text: 'first try hit the S3 throttle' });

    const list = await request(h.app).get(`${runUrl()}/notes`).set(as('viewer'));
    expect(list.status).toBe(200);
    expect(list.body.items.map((n: { taskId: string | null; author: string }) => [n.taskId, n.author])).toEqual([
      [null, 'operator-user'],
      ['flaky', 'operator-user'],
    ]);
    expect(Date.parse(list.body.items[0].updatedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('replacing a note keeps one note and names who replaced it', async () => {
    await request(h.app).put(`${runUrl()}/note`).set(as('admin')).send({ text: 'upstream fixed' }).expect(200);
    const list = await request(h.app).get(`${runUrl()}/notes`).set(as('viewer'));
    expect(list.body.items.filter((n: { taskId: string | null }) => n.taskId === null)).toEqual([
      expect.objectContaining({ text: 'upstream fixed', author: 'admin-user' }),
    ]);
  });

  it('a viewer may not write or delete a note', async () => {
    const put = await request(h.app).put(`${runUrl()}/note`).set(as('viewer')).send({ text: 'x' });
    expect(put.status).toBe(403);
    expect(put.body.error.message).toContain('needs the operator role');
    expect((await request(h.app).delete(`${runUrl()}/tasks/flaky/note`).set(as('viewer'))).status).toBe(403);
  });

  it('names what is wrong: an empty or too long text, an unknown field, a task or run that does not exist', async () => {
    const empty = await request(h.app).put(`${runUrl()}/note`).set(as('operator')).send({ text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.issues[0]).toEqual({
      path: 'body.text',
      message: 'text is empty (delete the note instead)',
    });
    const long = await request(h.app)
      .put(`${runUrl()}/note`)
      .set(as('operator'))
      .send({ text: 'x'.repeat(4001) });
    expect(long.body.error.issues[0].message).toBe('text is longer than 4000 characters');
    const extra = await request(h.app).put(`${runUrl()}/note`).set(as('operator')).send({ text: 'x', by: 'bob' });
    expect(extra.status).toBe(400);
    const task = await request(h.app).put(`${runUrl()}/tasks/nope/note`).set(as('operator')).send({ text: 'x' });
    expect(task.status).toBe(404);
    expect(task.body.error.message).toContain('has no task "nope"');
    const run = await request(h.app).get('/api/v1/dags/history_dag/runs/nope/notes').set(as('viewer'));
    expect(run.status).toBe(404);
  });

  it('deleting a note removes it once, and the audit log keeps who set and deleted what', async () => {
    expect((await request(h.app).delete(`${runUrl()}/tasks/flaky/note`).set(as('operator'))).status).toBe(204);
    const again = await request(h.app).delete(`${runUrl()}/tasks/flaky/note`).set(as('operator'));
    expect(again.status).toBe(404);
    const events = await h.db.db.pool.query<{
      actor: string;
      action: string;
      task_id: string | null;
      details: unknown;
    }>(
      `SELECT actor, action, task_id, details FROM audit_event WHERE action IN ('note_set', 'note_delete') ORDER BY id`,
    );
    expect(events.rows.map((e) => [e.actor, e.action, e.task_id, e.details])).toEqual([
      ['operator-user', 'note_set', null, { text: 'late upstream file' }],
      ['operator-user', 'note_set', 'flaky', { text: 'first try hit the S3 throttle' }],
      ['admin-user', 'note_set', null, { text: 'upstream fixed' }],
      ['operator-user', 'note_delete', 'flaky', { text: 'first try hit the S3 throttle' }],
    ]);
  });
});

describe('the Gantt chart of a run', () => {
  it('lists the tasks in dependency order with every try, the failed first try before the retry', async () => {
    const res = await request(h.app).get(`${runUrl()}/gantt`).set(as('viewer'));
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('success');
    expect(res.body.tasks.map((t: { taskId: string; operator: string }) => [t.taskId, t.operator])).toEqual([
      ['flaky', 'fn'],
      ['report', 'shell'],
    ]);
    const [flaky, report] = res.body.tasks;
    expect(flaky.tries.map((t: { tryNumber: number; state: string }) => [t.tryNumber, t.state])).toEqual([
      [1, 'up_for_retry'],
      [2, 'success'],
    ]);
    expect(Date.parse(flaky.tries[1].startedAt)).toBeGreaterThanOrEqual(Date.parse(flaky.tries[0].endedAt));
    // The current try's queue time comes before its start.
    expect(Date.parse(report.queuedAt)).toBeLessThanOrEqual(Date.parse(report.tries[0].startedAt));
  });

  it('is a 404 for a run that does not exist', async () => {
    expect((await request(h.app).get('/api/v1/dags/history_dag/runs/nope/gantt').set(as('viewer'))).status).toBe(404);
  });
});

describe('task times and the calendar', () => {
  it('answers the latest runs with each task’s duration and end, for the duration and landing charts', async () => {
    const res = await request(h.app).get('/api/v1/dags/history_dag/task-times?runs=5').set(as('viewer'));
    expect(res.status).toBe(200);
    expect(res.body.tasks).toEqual(['flaky', 'report']);
    expect(res.body.runs).toHaveLength(1);
    const report = res.body.runs[0].tasks.report;
    expect(report.state).toBe('success');
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(report.endedAt)).toBeGreaterThan(Date.parse(res.body.runs[0].dataIntervalEnd) - 1);
  });

  it('refuses more runs than a chart spans, naming the limit', async () => {
    const res = await request(h.app).get('/api/v1/dags/history_dag/task-times?runs=101').set(as('viewer'));
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('query.runs');
  });

  it('counts the runs of a year per day in the DAG’s time zone', async () => {
    const run = await request(h.app).get(runUrl()).set(as('viewer'));
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen' }).format(
      new Date(run.body.logicalDate),
    );
    const res = await request(h.app)
      .get(`/api/v1/dags/history_dag/calendar?year=${day.slice(0, 4)}`)
      .set(as('viewer'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ timezone: 'Europe/Copenhagen', days: [{ date: day, counts: { success: 1 } }] });
    const empty = await request(h.app).get('/api/v1/dags/history_dag/calendar?year=2001').set(as('viewer'));
    expect(empty.body.days).toEqual([]);
    const bad = await request(h.app).get('/api/v1/dags/history_dag/calendar?year=99999').set(as('viewer'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('query.year');
  });
});

describe('DAG versions', () => {
  it('keeps each version’s source, newest first, and marks the one the DAG runs now', async () => {
    await h.writeDag('history_dag.ts', dagSource('second version'));
    await h.scheduler.parse();
    const res = await request(h.app).get('/api/v1/dags/history_dag/versions').set(as('viewer'));
    const list = res.body.items;
    expect(list).toHaveLength(2);
    expect(list.map((v: { current: boolean; hasSource: boolean }) => [v.current, v.hasSource])).toEqual([
      [true, true],
      [false, true],
    ]);
    const older = await request(h.app).get(`/api/v1/dags/history_dag/versions/${list[1].hash}`).set(as('viewer'));
    expect(older.status).toBe(200);
    expect(older.body.source).toContain("description: 'first version'");
    expect(older.body).toMatchObject({ fileLoc: 'history_dag.ts', bundleCommit: null, sourceUrl: null });
  });

  it('names a bad hash and is a 404 for one the DAG never had', async () => {
    const bad = await request(h.app).get('/api/v1/dags/history_dag/versions/NOT-HEX').set(as('viewer'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('params.hash');
    const missing = await request(h.app)
      .get(`/api/v1/dags/history_dag/versions/${'a'.repeat(64)}`)
      .set(as('viewer'));
    expect(missing.status).toBe(404);
  });
});

describe('log download', () => {
  it('answers the whole log of a try as a text file, each line with its time and stream', async () => {
    const res = await request(h.app).get(`${runUrl()}/tasks/report/logs/download?try=1`).set(as('viewer'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename=history_dag_manual__.*_report_try1\.log$/,
    );
    const lines = res.text.trimEnd().split('\n');
    expect(lines.filter((l) => /^\S+Z line \d+$/.test(l))).toHaveLength(7000);
    expect(lines.some((l) => /^\S+Z \[stderr\] ERROR: disk nearly full$/.test(l))).toBe(true);
  });

  it('reads a log of more rows than one page holds, in order', async () => {
    const ti = await h.db.db.pool.query<{ id: string }>(
      `SELECT ti.id FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id WHERE r.run_id = $1 AND ti.task_id = 'flaky'`,
      [runId],
    );
    await h.db.db.pool.query(
      `INSERT INTO task_log (task_instance_id, try_number, seq, stream, text)
       SELECT $1, 1, 100000 + s, 'stdout', 'row ' || s FROM generate_series(1, 12000) s`,
      [ti.rows[0]?.id],
    );
    const res = await request(h.app).get(`${runUrl()}/tasks/flaky/logs/download?try=1`).set(as('viewer'));
    const rows = res.text.split('\n').filter((l) => / row \d+$/.test(l));
    expect(rows).toHaveLength(12000);
    expect(rows.at(-1)).toMatch(/ row 12000$/);
  });

  it('is a 404 for a try that has not run', async () => {
    const res = await request(h.app).get(`${runUrl()}/tasks/report/logs/download?try=5`).set(as('viewer'));
    expect(res.status).toBe(404);
  });
});
