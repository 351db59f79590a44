/**
 * Backfills with the real scheduler and worker: the backfill's own limit
 * holds while it runs, the DAG's scheduled runs are not held back by it,
 * reprocessing reruns only what it should, pause and cancel stop it, and a
 * dry run writes nothing.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backfill, BackfillPreview, RunDetail, RunSummary } from '@sluice/client';
import { startHarness, waitFor, type Harness } from './harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const daysAgo = (n: number): string => {
  const d = new Date(Date.now() - n * 86_400_000);
  d.setUTCHours(0, 0, 0, 0);
  return d.toISOString();
};

function dailyDag(id: string, command: string, extra = ''): Record<string, string> {
  return {
    [`${id}.ts`]: `
import { dag, shell } from '@sluice/sdk';
export const d = dag({ id: '${id}', schedule: '@daily', start: '${daysAgo(2)}', catchup: true, maxActiveRuns: 1${extra} });
d.task('load', shell({ command: ${JSON.stringify(command)} }));
`,
  };
}

async function waitForDag(harness: Harness, dagId: string): Promise<void> {
  await waitFor(`DAG ${dagId} to be loaded`, async () =>
    (await request(harness.app).get(`/api/v1/dags/${dagId}`)).status === 200 ? true : undefined,
  );
}

async function startBackfill(harness: Harness, body: Record<string, unknown>): Promise<Backfill> {
  const res = await request(harness.app).post('/api/v1/backfills').send(body);
  if (res.status !== 201) throw new Error(`POST /backfills: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Backfill;
}

async function getBackfill(harness: Harness, id: string): Promise<Backfill> {
  return (await request(harness.app).get(`/api/v1/backfills/${id}`)).body as Backfill;
}

function waitForBackfill(harness: Harness, id: string, state: Backfill['state'], timeoutMs = 60_000) {
  return waitFor(
    `backfill ${id} to be ${state}`,
    async () => {
      const b = await getBackfill(harness, id);
      return b.state === state ? b : undefined;
    },
    timeoutMs,
    async () => JSON.stringify(await getBackfill(harness, id)),
  );
}

async function backfillRuns(
  harness: Harness,
  backfillId: string,
): Promise<Array<{ runId: string; state: string; runType: string }>> {
  const res = await harness.db.db.pool.query<{ runId: string; state: string; runType: string }>(
    `SELECT run_id AS "runId", state, run_type AS "runType" FROM dag_run WHERE backfill_id = $1 ORDER BY logical_date`,
    [backfillId],
  );
  return res.rows;
}

/** Waits until the scheduler has begun two passes after now: one whole pass saw what is true now. */
async function twoSchedulerPasses(harness: Harness): Promise<void> {
  const since = new Date();
  let seen = 0;
  let last = since;
  await waitFor('two scheduler passes', async () => {
    const res = await harness.db.db.pool.query<{ at: Date }>(
      'SELECT max(last_heartbeat_at) AS at FROM scheduler_heartbeat',
    );
    const at = res.rows[0]?.at;
    if (at && at > last) {
      seen++;
      last = at;
    }
    return seen >= 2 ? true : undefined;
  });
}

describe('a backfill', () => {
  it('keeps at most its maxActiveRuns going over 30 days, completes, and the DAG’s scheduled run starts on time', async () => {
    h = await startHarness({
      dags: dailyDag('daily_load', 'sleep 0.3', ', pausedOnCreation: true'),
      workerConcurrency: 8,
    });
    const harness = h;
    await waitForDag(harness, 'daily_load');
    const backfill = await startBackfill(harness, {
      dagId: 'daily_load',
      from: '2025-01-01',
      to: '2025-01-30',
      maxActiveRuns: 3,
    });
    expect(backfill).toMatchObject({ state: 'running', maxActiveRuns: 3, progress: { intervals: 30 } });

    // Sampled without pause from now until the backfill completes.
    let sampling = true;
    let maxUnfinished = 0;
    let samples = 0;
    const sampler = (async () => {
      while (sampling) {
        const res = await harness.db.db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM dag_run WHERE backfill_id = $1 AND state IN ('queued', 'running')`,
          [backfill.id],
        );
        maxUnfinished = Math.max(maxUnfinished, res.rows[0]?.n ?? 0);
        samples++;
      }
    })();

    const unpausedAt = Date.now();
    expect((await request(harness.app).patch('/api/v1/dags/daily_load').send({ isPaused: false })).status).toBe(200);
    const scheduled = await waitFor('the first scheduled run to start', async () => {
      const res = await request(harness.app).get('/api/v1/dags/daily_load/runs?limit=100');
      const items = res.body.items as RunSummary[];
      return items.find((r) => r.runType === 'scheduled' && r.startedAt !== null);
    });
    const progressWhenScheduledStarted = await getBackfill(harness, backfill.id);

    const done = await waitForBackfill(harness, backfill.id, 'completed', 120_000);
    sampling = false;
    await sampler;

    expect(samples).toBeGreaterThan(50);
    expect(maxUnfinished).toBe(3);
    expect(done.progress).toEqual({
      intervals: 30,
      decided: 30,
      runs: { queued: 0, running: 0, success: 30, failed: 0 },
    });
    const runs = await backfillRuns(harness, backfill.id);
    expect(runs).toHaveLength(30);
    expect(new Set(runs.map((r) => r.runType))).toEqual(new Set(['backfill']));
    expect(runs[0]?.runId).toBe('backfill__2025-01-01T00:00:00.000Z');
    // Not held behind the backfill: it started within a few scheduler passes of the unpause,
    // while the backfill still had most of its intervals ahead.
    expect(Date.parse(scheduled.startedAt ?? '')).toBeLessThan(unpausedAt + 5_000);
    expect(progressWhenScheduledStarted.state).toBe('running');
    expect(progressWhenScheduledStarted.progress.runs.success).toBeLessThan(30);
  });

  it('with reprocess failed reruns only the failed intervals, and a dry run says so first', async () => {
    const flag = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-backfill-')), 'fixed');
    const command = `test -f ${flag} && exit 0; case "$SLUICE_DS" in 2025-02-02|2025-02-04) exit 1;; esac`;
    h = await startHarness({ dags: dailyDag('flaky_days', command), workerConcurrency: 5 });
    const harness = h;
    await waitForDag(harness, 'flaky_days');
    const range = { dagId: 'flaky_days', from: '2025-02-01', to: '2025-02-05', maxActiveRuns: 5 };

    const first = await startBackfill(harness, range);
    const firstDone = await waitForBackfill(harness, first.id, 'completed');
    expect(firstDone.progress.runs).toEqual({ queued: 0, running: 0, success: 3, failed: 2 });

    await fs.writeFile(flag, '');
    const preview = await request(harness.app)
      .post('/api/v1/backfills/dry-run')
      .send({ ...range, reprocess: 'failed' });
    expect(preview.status).toBe(200);
    expect((preview.body as BackfillPreview).intervals.map((i) => [i.logicalDate.slice(0, 10), i.action])).toEqual([
      ['2025-02-01', 'skip_existing'],
      ['2025-02-02', 'rerun_failed'],
      ['2025-02-03', 'skip_existing'],
      ['2025-02-04', 'rerun_failed'],
      ['2025-02-05', 'skip_existing'],
    ]);

    const second = await startBackfill(harness, { ...range, reprocess: 'failed' });
    const secondDone = await waitForBackfill(harness, second.id, 'completed');
    expect(secondDone.progress.runs).toEqual({ queued: 0, running: 0, success: 2, failed: 0 });
    for (const day of ['01', '02', '03', '04', '05']) {
      const run: RunDetail = await harness.getRun('flaky_days', `backfill__2025-02-${day}T00:00:00.000Z`);
      expect(run.state, day).toBe('success');
      expect(run.taskInstances[0]?.tryNumber, day).toBe(day === '02' || day === '04' ? 2 : 1);
    }
  });

  it('cancelled, creates no more runs and leaves the finished ones', async () => {
    h = await startHarness({ dags: dailyDag('slow_days', 'sleep 1'), workerConcurrency: 4 });
    const harness = h;
    await waitForDag(harness, 'slow_days');
    const backfill = await startBackfill(harness, {
      dagId: 'slow_days',
      from: '2025-03-01',
      to: '2025-03-10',
      maxActiveRuns: 2,
    });
    await waitFor('a backfill run to finish', async () => {
      const runs = await backfillRuns(harness, backfill.id);
      return runs.some((r) => r.state === 'success') ? true : undefined;
    });
    const cancel = await request(harness.app).post(`/api/v1/backfills/${backfill.id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.state).toBe('cancelled');
    const atCancel = await backfillRuns(harness, backfill.id);

    await waitFor('its running runs to finish', async () => {
      const runs = await backfillRuns(harness, backfill.id);
      return runs.every((r) => r.state === 'success' || r.state === 'failed') ? true : undefined;
    });
    await twoSchedulerPasses(harness);
    const after = await backfillRuns(harness, backfill.id);
    expect(after.map((r) => r.runId)).toEqual(atCancel.map((r) => r.runId));
    expect(after.length).toBeLessThan(10);
    for (const r of atCancel.filter((x) => x.state === 'success')) {
      expect(after.find((x) => x.runId === r.runId)?.state).toBe('success');
    }
    const again = await request(harness.app).post(`/api/v1/backfills/${backfill.id}/resume`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(`backfill "${backfill.id}" is cancelled; it cannot be resumed`);
  });

  it('paused, creates and starts no run until resumed, then completes', async () => {
    h = await startHarness({ dags: dailyDag('paused_days', 'sleep 0.5'), workerConcurrency: 4 });
    const harness = h;
    await waitForDag(harness, 'paused_days');
    const backfill = await startBackfill(harness, {
      dagId: 'paused_days',
      from: '2025-04-01',
      to: '2025-04-04',
      maxActiveRuns: 1,
    });
    const paused = await request(harness.app).post(`/api/v1/backfills/${backfill.id}/pause`);
    expect(paused.body.state).toBe('paused');
    await waitFor('the run it had started to finish', async () => {
      const runs = await backfillRuns(harness, backfill.id);
      return runs.every((r) => r.state === 'success') ? true : undefined;
    });
    await twoSchedulerPasses(harness);
    expect(await backfillRuns(harness, backfill.id)).toHaveLength(1);

    const resumed = await request(harness.app).post(`/api/v1/backfills/${backfill.id}/resume`);
    expect(resumed.status).toBe(200);
    const done = await waitForBackfill(harness, backfill.id, 'completed');
    expect(done.progress.runs.success).toBe(4);
    const audit = await harness.db.db.pool.query<{ action: string }>(
      `SELECT action FROM audit_event WHERE action LIKE 'backfill_%' ORDER BY id`,
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['backfill_create', 'backfill_pause', 'backfill_resume']);
  });

  it('as a dry run writes nothing, and bad input is a 400 naming the field', async () => {
    h = await startHarness({ dags: dailyDag('dry_days', 'true', ', pausedOnCreation: true'), worker: false });
    const harness = h;
    await waitForDag(harness, 'dry_days');
    const count = async () =>
      (
        await harness.db.db.pool.query<{ b: number; r: number; a: number }>(
          `SELECT (SELECT count(*)::int FROM backfill) AS b, (SELECT count(*)::int FROM dag_run) AS r,
                  (SELECT count(*)::int FROM audit_event) AS a`,
        )
      ).rows[0];
    const before = await count();
    const preview = await request(harness.app)
      .post('/api/v1/backfills/dry-run')
      .send({ dagId: 'dry_days', from: '2025-05-01', to: '2025-05-03T12:00:00Z', reverse: true });
    expect(preview.status).toBe(200);
    expect((preview.body as BackfillPreview).intervals.map((i) => [i.logicalDate, i.action, i.runId])).toEqual([
      ['2025-05-03T00:00:00.000Z', 'create', 'backfill__2025-05-03T00:00:00.000Z'],
      ['2025-05-02T00:00:00.000Z', 'create', 'backfill__2025-05-02T00:00:00.000Z'],
      ['2025-05-01T00:00:00.000Z', 'create', 'backfill__2025-05-01T00:00:00.000Z'],
    ]);
    expect(await count()).toEqual(before);

    const bad = async (body: Record<string, unknown>) =>
      (await request(harness.app).post('/api/v1/backfills').send(body)).body;
    expect((await bad({ dagId: 'dry_days', from: 'March', to: '2025-05-03' })).error.issues[0].path).toBe('body.from');
    expect((await bad({ dagId: 'dry_days', from: '2025-05-03', to: '2025-05-01' })).error.message).toBe(
      'from is after to',
    );
    expect(
      (await bad({ dagId: 'dry_days', from: '2025-05-01', to: '2025-05-03', reprocess: 'all' })).error.issues[0].path,
    ).toBe('body.reprocess');
    expect(
      (await bad({ dagId: 'dry_days', from: '2025-05-01', to: '2025-05-03', maxActiveRuns: 0 })).error.issues[0].path,
    ).toBe('body.maxActiveRuns');
    expect((await bad({ dagId: 'nope', from: '2025-05-01', to: '2025-05-03' })).error.message).toBe(
      'DAG "nope" does not exist',
    );
    expect(await count()).toEqual(before);
  });
});
