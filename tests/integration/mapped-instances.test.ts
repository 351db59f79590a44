/**
 * One instance of a mapped task addressed as `work[1]` everywhere a task is:
 * each task route of the API (and a clear error for a bad or missing key),
 * the `sluice tasks` commands against the real API over HTTP, a clear of
 * one failed instance that reruns it alone and feeds its downstream, a
 * range clear with onlyFailed that picks only the failed instances, and a
 * capped map whose instances take the slots their siblings free without
 * waiting for the scheduler's periodic pass.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@sluice/client';
import { runWith } from '../../apps/cli/src/testing';
import { startHarness, waitFor, type Harness } from './harness';

const source = `
import { dag, fn } from '@sluice/sdk';

export const flaky = dag({ id: 'map_flaky', schedule: null, start: '2026-01-01' });
const work = flaky.task('work', { map: [0, 1, 2, 3], retries: 0 }, fn(async (ctx) => {
  console.log('item ' + ctx.item + ' try ' + ctx.tryNumber);
  if (ctx.item === 1 && ctx.tryNumber === 1) throw new Error('partition 1 is not there yet');
  return ctx.item * 10;
}));
flaky.task('sum', { upstream: [work] }, fn(async (ctx) => ctx.output(work)));
`;

const cappedSource = `
import { dag, fn } from '@sluice/sdk';

export const capped = dag({ id: 'map_capped', schedule: null, start: '2026-01-01' });
capped.task('slow', { map: [0, 1, 2, 3, 4, 5], maxActiveTisPerDagrun: 2 }, fn(async (ctx) => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  return ctx.item;
}));
`;

interface InstanceRow {
  map_index: number;
  state: string;
  try_number: number;
}

const rowsOf = async (h: Harness, dagId: string, runId: string, taskId: string): Promise<InstanceRow[]> =>
  (
    await h.db.db.pool.query<InstanceRow>(
      `SELECT ti.map_index, ti.state, ti.try_number FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id
       WHERE r.dag_id = $1 AND r.run_id = $2 AND ti.task_id = $3 ORDER BY ti.map_index`,
      [dagId, runId, taskId],
    )
  ).rows;

describe('one instance of a mapped task, addressed as work[1]', () => {
  let h: Harness;
  let server: Server;
  let apiUrl: string;
  beforeAll(async () => {
    h = await startHarness({ dags: { 'flaky.ts': source } });
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  /** `sluice <argv>` in process, its client talking to the real API over HTTP. */
  const sluice = (argv: string[]) => runWith(argv, { client: createClient({ baseUrl: apiUrl }) });
  /** A run of map_flaky that ended failed: work[1] failed, the other instances succeeded, sum upstream_failed. */
  const failedRun = async () => {
    const run = await h.trigger('map_flaky');
    await h.waitForRun('map_flaky', run.runId, ['failed'], 60_000);
    expect((await rowsOf(h, 'map_flaky', run.runId, 'work')).map((r) => r.state)).toEqual([
      'success',
      'failed',
      'success',
      'success',
    ]);
    return run;
  };
  const outputOfSum = async (runId: string): Promise<unknown> => {
    const res = await request(h.app).get(`/api/v1/dags/map_flaky/runs/${encodeURIComponent(runId)}/tasks/sum`);
    return (res.body as { output: unknown }).output;
  };

  it('every task route takes work[1], and answers a bad key with 400 and a missing instance with 404 naming it', async () => {
    const run = await failedRun();
    const task = (key: string) =>
      `/api/v1/dags/map_flaky/runs/${encodeURIComponent(run.runId)}/tasks/${encodeURIComponent(key)}`;

    const detail = await request(h.app).get(task('work[1]'));
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ taskId: 'work', mapIndex: 1, mapItem: 1, state: 'failed', tryNumber: 1 });
    const logs = await request(h.app).get(`${task('work[1]')}/logs`);
    expect(logs.status).toBe(200);
    expect((logs.body as { lines: Array<{ text: string }> }).lines.map((l) => l.text).join('')).toContain(
      'item 1 try 1',
    );
    const download = await request(h.app).get(`${task('work[1]')}/logs/download`);
    expect(download.status).toBe(200);
    expect(download.text).toContain('item 1 try 1');
    expect(download.text).not.toContain('item 2');
    const preview = await request(h.app)
      .post(`${task('work[1]')}/clear`)
      .send({ downstream: true, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, cleared: ['sum', 'work[1]'] });
    expect(preview.body.runs[0].tasks).toEqual([
      { taskId: 'work[1]', state: 'failed' },
      { taskId: 'sum', state: 'upstream_failed' },
    ]);
    const marked = await request(h.app).patch(task('work[2]')).send({ state: 'failed' });
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ taskId: 'work', mapIndex: 2, state: 'failed' });
    expect((await rowsOf(h, 'map_flaky', run.runId, 'work')).map((r) => r.state)).toEqual([
      'success',
      'failed',
      'failed',
      'success',
    ]);

    const routes = [
      (key: string) => request(h.app).get(task(key)),
      (key: string) => request(h.app).get(`${task(key)}/logs`),
      (key: string) => request(h.app).get(`${task(key)}/logs/download`),
      (key: string) =>
        request(h.app)
          .post(`${task(key)}/clear`)
          .send({}),
      (key: string) => request(h.app).patch(task(key)).send({ state: 'success' }),
    ];
    for (const route of routes) {
      for (const bad of ['work[x]', 'work[-1]']) {
        const res = await route(bad);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(
          `Invalid request: params.taskId: "${bad}" is not a task instance: write <task> or <task>[<index>], e.g. load[3]`,
        );
      }
      const missing = await route('work[99]');
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toContain('"work[99]"');
    }
    // Nothing a refused request named was changed.
    expect((await rowsOf(h, 'map_flaky', run.runId, 'work')).map((r) => [r.state, r.try_number])).toEqual([
      ['success', 1],
      ['failed', 1],
      ['failed', 1],
      ['success', 1],
    ]);
  }, 90_000);

  it('sluice tasks show, logs, clear and mark-failed work[1] against the API; the cleared instance reruns alone and sum collects it', async () => {
    const run = await failedRun();

    const shown = await sluice(['tasks', 'show', 'map_flaky', run.runId, 'work[1]']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('task:        work[1]\nitem:        1\nstate:       failed\n');
    expect(shown.stdout).toContain('Error: partition 1 is not there yet');
    const logs = await sluice(['tasks', 'logs', 'map_flaky', run.runId, 'work[1]']);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('item 1 try 1');
    expect(logs.stdout).not.toContain('item 0');

    const cleared = await sluice(['tasks', 'clear', 'map_flaky', run.runId, 'work[1]', '--downstream']);
    expect(cleared.stderr).toBe('');
    expect(cleared.stdout).toBe(
      `${run.runId}: work[1] (failed), sum (upstream_failed)\ncleared 2 task instances in 1 run\n`,
    );
    await h.waitForRun('map_flaky', run.runId, ['success'], 60_000);
    expect((await rowsOf(h, 'map_flaky', run.runId, 'work')).map((r) => [r.map_index, r.state, r.try_number])).toEqual([
      [0, 'success', 1],
      [1, 'success', 2],
      [2, 'success', 1],
      [3, 'success', 1],
    ]);
    expect(await outputOfSum(run.runId)).toEqual([0, 10, 20, 30]);
    // The task's id alone is every instance.
    const all = await sluice(['tasks', 'clear', 'map_flaky', run.runId, 'work', '--dry-run']);
    expect(all.stdout).toBe(
      `${run.runId}: work[0] (success), work[1] (success), work[2] (success), work[3] (success)\n` +
        'would clear 4 task instances in 1 run; nothing was changed (dry run)\n',
    );

    const marked = await sluice(['tasks', 'mark-failed', 'map_flaky', run.runId, 'work[2]']);
    expect(marked.stdout).toBe(`marked work[2] in map_flaky run ${run.runId} as failed\n`);
    expect((await rowsOf(h, 'map_flaky', run.runId, 'work')).map((r) => r.state)).toEqual([
      'success',
      'success',
      'failed',
      'success',
    ]);
    const missing = await sluice(['tasks', 'show', 'map_flaky', run.runId, 'work[99]']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('work[99]');
  }, 120_000);

  it('sluice tasks clear over a range with --only-failed previews and clears only the failed instance, then sum has all four', async () => {
    const run = await failedRun();
    const at = run.logicalDate;
    const range = ['tasks', 'clear', 'map_flaky', '--from', at, '--to', at, '--only-failed'];

    const preview = await sluice([...range, '--dry-run']);
    expect(preview.stdout).toBe(
      `${run.runId}: work[1] (failed), sum (upstream_failed)\nwould clear 2 task instances in 1 run; nothing was changed (dry run)\n`,
    );
    const cleared = await sluice(range);
    expect(cleared.stdout).toBe(
      `${run.runId}: work[1] (failed), sum (upstream_failed)\ncleared 2 task instances in 1 run\n`,
    );
    await h.waitForRun('map_flaky', run.runId, ['success'], 60_000);
    expect((await rowsOf(h, 'map_flaky', run.runId, 'work')).map((r) => r.try_number)).toEqual([1, 2, 1, 1]);
    expect(await outputOfSum(run.runId)).toEqual([0, 10, 20, 30]);
  }, 120_000);
});

describe('a mapped task capped at 2 instances at a time', () => {
  let h: Harness;
  beforeAll(async () => {
    // The periodic pass all but off: only the fast path can hand a freed slot to a waiting sibling.
    h = await startHarness({
      dags: { 'capped.ts': cappedSource },
      workerConcurrency: 4,
      env: { SLUICE_SCHEDULER_INTERVAL_MS: '600000' },
    });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('runs its 6 instances 2 at a time, each started as a sibling ends', async () => {
    const run = await h.trigger('map_capped');
    await h.waitForRun('map_capped', run.runId, ['success'], 30_000);
    const tries = await h.db.db.pool.query<{ started_at: Date; ended_at: Date }>(
      `SELECT t.started_at, t.ended_at FROM task_try t JOIN task_instance ti ON ti.id = t.task_instance_id
       JOIN dag_run r ON r.id = ti.dag_run_id WHERE r.run_id = $1 ORDER BY t.started_at`,
      [run.runId],
    );
    expect(tries.rows).toHaveLength(6);
    // At no try's start were more than 2 tries running.
    for (const t of tries.rows) {
      const running = tries.rows.filter((o) => o.started_at <= t.started_at && o.ended_at > t.started_at);
      expect(running.length).toBeLessThanOrEqual(2);
    }
    await waitFor('every instance to be a success', async () => {
      const rows = await rowsOf(h, 'map_capped', run.runId, 'slow');
      return rows.length === 6 && rows.every((r) => r.state === 'success') ? rows : undefined;
    });
  }, 60_000);
});
