/**
 * Clearing over a range of runs, a whole run and one task with its
 * upstream, downstream, past and future, against Postgres: what the preview
 * lists is what the clear does, and a preview changes nothing. No worker
 * runs: task states are set by marking, so each run holds known states.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClearResult, MarkRunResult, RunDetail } from '@sluice/client';
import { startHarness, waitFor, type Harness } from './harness';

// extract → transform → load → report; transform → audit
const dagSource = `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'warehouse', schedule: null, start: '2025-01-01' });
const extract = d.task('extract', fn(async () => 1));
const transform = d.task('transform', { upstream: [extract] }, fn(async () => 1));
const load = d.task('load', { upstream: [transform] }, fn(async () => 1));
d.task('report', { upstream: [load] }, fn(async () => 1));
d.task('audit', { upstream: [transform] }, fn(async () => 1));
`;

let h: Harness;
const runIds: string[] = [];
const day = (n: number) => `2025-03-0${n}T00:00:00.000Z`;

async function mark(runId: string, taskId: string, state: 'success' | 'failed'): Promise<void> {
  const res = await request(h.app)
    .patch(`/api/v1/dags/warehouse/runs/${encodeURIComponent(runId)}/tasks/${taskId}`)
    .send({ state });
  expect(res.status).toBe(200);
}

async function states(runId: string): Promise<Record<string, string>> {
  const run: RunDetail = await h.getRun('warehouse', runId);
  return Object.fromEntries(run.taskInstances.map((t) => [t.taskId, t.state]));
}

async function clearRange(body: Record<string, unknown>): Promise<ClearResult> {
  const res = await request(h.app).post('/api/v1/dags/warehouse/clear').send(body);
  if (res.status !== 200) throw new Error(`clear: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ClearResult;
}

const summary = (r: ClearResult) => r.runs.map((run) => [run.runId, run.tasks.map((t) => `${t.taskId}:${t.state}`)]);

beforeAll(async () => {
  h = await startHarness({ dags: { 'warehouse.ts': dagSource }, worker: false });
  await waitFor('the DAG', async () =>
    (await request(h.app).get('/api/v1/dags/warehouse')).status === 200 ? true : undefined,
  );
  // Runs 1 and 2: load failed, so report is upstream_failed; run 3: all succeeded.
  for (const n of [1, 2, 3]) {
    const run = await h.trigger('warehouse', { logicalDate: day(n), runId: `manual__${n}` });
    runIds.push(run.runId);
    await mark(run.runId, 'extract', 'success');
    await mark(run.runId, 'transform', 'success');
    await mark(run.runId, 'audit', 'success');
    await mark(run.runId, 'load', n === 3 ? 'success' : 'failed');
    if (n === 3) await mark(run.runId, 'report', 'success');
    await h.waitForRun('warehouse', run.runId, ['success', 'failed']);
  }
  await h.waitForTask('warehouse', 'manual__1', 'report', ['upstream_failed']);
  await h.waitForTask('warehouse', 'manual__2', 'report', ['upstream_failed']);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('clearing a range', () => {
  it('previews the tasks matching the pattern in the runs of the range, and changes nothing', async () => {
    const before = await states('manual__1');
    const preview = await clearRange({ from: day(1), to: day(2), taskPattern: '^(load|report)$', dryRun: true });
    expect(preview.dryRun).toBe(true);
    expect(summary(preview)).toEqual([
      ['manual__1', ['load:failed', 'report:upstream_failed']],
      ['manual__2', ['load:failed', 'report:upstream_failed']],
    ]);
    expect(await states('manual__1')).toEqual(before);
  });

  it('with onlyFailed picks only failed and upstream_failed task instances, over every run in the range', async () => {
    const preview = await clearRange({ from: '2025-03-01', to: '2025-03-31', onlyFailed: true, dryRun: true });
    expect(summary(preview)).toEqual([
      ['manual__1', ['load:failed', 'report:upstream_failed']],
      ['manual__2', ['load:failed', 'report:upstream_failed']],
    ]);
  });

  it('adds the downstream or the upstream of the matching tasks', async () => {
    const down = await clearRange({
      from: day(3),
      to: day(3),
      taskPattern: '^transform$',
      downstream: true,
      dryRun: true,
    });
    expect(summary(down)).toEqual([
      ['manual__3', ['transform:success', 'load:success', 'report:success', 'audit:success']],
    ]);
    const up = await clearRange({ from: day(3), to: day(3), taskPattern: '^load$', upstream: true, dryRun: true });
    expect(summary(up)).toEqual([['manual__3', ['extract:success', 'transform:success', 'load:success']]]);
  });

  it('refuses a pattern that is not a regular expression and a reversed range, naming the field', async () => {
    const bad = await request(h.app)
      .post('/api/v1/dags/warehouse/clear')
      .send({ from: day(1), to: day(2), taskPattern: 'load(' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('body.taskPattern');
    expect(bad.body.error.message).toMatch(/^task pattern "load\(" is not a regular expression/);
    const reversed = await request(h.app)
      .post('/api/v1/dags/warehouse/clear')
      .send({ from: day(2), to: day(1) });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.issues[0].path).toBe('body.from');
  });
});

describe('the per-run actions', () => {
  it('previews marking a run success: every task instance not a success yet', async () => {
    const res = await request(h.app)
      .post('/api/v1/dags/warehouse/runs/manual__1/mark')
      .send({ state: 'success', dryRun: true });
    expect(res.status).toBe(200);
    expect((res.body as MarkRunResult).tasks).toEqual([
      { taskId: 'load', state: 'failed' },
      { taskId: 'report', state: 'upstream_failed' },
    ]);
    expect((await h.getRun('warehouse', 'manual__1')).state).toBe('failed');
  });

  it('previews clearing a task with its past and future runs', async () => {
    const res = await request(h.app)
      .post('/api/v1/dags/warehouse/runs/manual__2/tasks/load/clear')
      .send({ past: true, future: true, dryRun: true });
    expect(res.status).toBe(200);
    const body = res.body as ClearResult;
    expect(summary(body)).toEqual([
      ['manual__1', ['load:failed']],
      ['manual__2', ['load:failed']],
      ['manual__3', ['load:success']],
    ]);
    expect(body.cleared).toEqual(['load']);
    const onlyPast = await request(h.app)
      .post('/api/v1/dags/warehouse/runs/manual__2/tasks/load/clear')
      .send({ past: true, downstream: true, dryRun: true });
    expect(summary(onlyPast.body as ClearResult)).toEqual([
      ['manual__1', ['load:failed', 'report:upstream_failed']],
      ['manual__2', ['load:failed', 'report:upstream_failed']],
    ]);
  });

  it('clears only the failed task instances of a run, reopens it and records who did it', async () => {
    const preview = await request(h.app)
      .post('/api/v1/dags/warehouse/runs/manual__2/clear')
      .send({ onlyFailed: true, dryRun: true });
    const done = await request(h.app).post('/api/v1/dags/warehouse/runs/manual__2/clear').send({ onlyFailed: true });
    expect(done.status).toBe(200);
    expect(summary(done.body as ClearResult)).toEqual(summary(preview.body as ClearResult));
    const after = await states('manual__2');
    expect(after.extract).toBe('success');
    expect(after.audit).toBe('success');
    expect(['none', 'scheduled', 'queued']).toContain(after.load);
    expect((await h.getRun('warehouse', 'manual__2')).state).not.toBe('failed');
    const audit = await h.db.db.pool.query<{ actor: string; details: { cleared: unknown } }>(
      `SELECT actor, details FROM audit_event WHERE action = 'clear_run' AND run_id = 'manual__2'`,
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]?.details.cleared).toEqual([{ runId: 'manual__2', tasks: ['load', 'report'] }]);
  });
});
