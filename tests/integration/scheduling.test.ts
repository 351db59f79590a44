/**
 * Runs the scheduler creates on its own, and the safety nets: cron runs with
 * catchup, paused DAGs, and Redis losing every job (docs/architecture.md, guarantee 1).
 */
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from './harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const hourAgo = (n: number) => {
  const d = new Date(Date.now() - n * 3_600_000);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString();
};

describe('scheduled runs', () => {
  it('creates one run per missed hourly interval when catchup is on, each with its data interval', async () => {
    h = await startHarness({
      dags: {
        'hourly.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'hourly', schedule: '@hourly', start: '${hourAgo(3)}', catchup: true, maxActiveRuns: 5 });
d.task('count', fn(async (ctx) => ctx.dataInterval.end.getTime() - ctx.dataInterval.start.getTime()));
`,
      },
    });
    const app = h.app;
    const start = Date.parse(hourAgo(3));
    /** Every hour from the start up to the last one that has ended, newest first: three, or four once the hour turns mid-test. */
    const dueLogicalDates = (): string[] => {
      const out: string[] = [];
      for (let t = start; t + 3_600_000 <= Date.now(); t += 3_600_000) out.unshift(new Date(t).toISOString());
      return out;
    };
    let expected: string[] = [];
    const runs = await waitFor('a scheduled run per due hour to succeed', async () => {
      const res = await request(app).get('/api/v1/dags/hourly/runs');
      const items = res.body.items as Array<{
        state: string;
        runType: string;
        dataIntervalStart: string;
        dataIntervalEnd: string;
        logicalDate: string;
      }>;
      expected = dueLogicalDates();
      return items.length === expected.length && items.every((r) => r.state === 'success') ? items : undefined;
    });
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.map((r) => r.logicalDate)).toEqual(expected);
    for (const r of runs) {
      expect(r.runType).toBe('scheduled');
      expect(Date.parse(r.dataIntervalEnd) - Date.parse(r.dataIntervalStart)).toBe(3_600_000);
      expect(r.dataIntervalStart).toBe(r.logicalDate);
    }
    const dag = await request(h.app).get('/api/v1/dags/hourly');
    // The next run is created when its interval ends: the top of the coming hour.
    expect(Date.parse(dag.body.nextRunAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(dag.body.nextRunAt)).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('creates only the latest interval when catchup is off, and nothing while paused', async () => {
    const latestBefore = hourAgo(1);
    h = await startHarness({
      dags: {
        'nocatchup.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'nocatchup', schedule: '@hourly', start: '${hourAgo(5)}', catchup: false });
d.task('t', fn(async () => 1));
`,
        'paused.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'paused', schedule: '@hourly', start: '${hourAgo(5)}', catchup: true, pausedOnCreation: true });
d.task('t', fn(async () => 1));
`,
      },
    });
    const app = h.app;
    const runs = await waitFor('the latest interval to run', async () => {
      const res = await request(app).get('/api/v1/dags/nocatchup/runs');
      const items = res.body.items as Array<{ state: string; logicalDate: string }>;
      return items.length >= 1 && items[0]?.state === 'success' ? items : undefined;
    });
    // The latest hour that had ended, and no older one; should the hour turn mid-test, the new latest may follow it.
    const latestAfter = hourAgo(1);
    expect(runs.length).toBeLessThanOrEqual(latestAfter === latestBefore ? 1 : 2);
    for (const r of runs) expect([latestBefore, latestAfter]).toContain(r.logicalDate);
    await h.scheduler.pass();
    const paused = await request(h.app).get('/api/v1/dags/paused/runs');
    expect(paused.body.total).toBe(0);
  });
});

describe('the scheduler pass reads only DAGs that are due', () => {
  it('leaves a DAG alone until its stored next run comes due, then creates its runs', async () => {
    h = await startHarness({
      worker: false,
      dags: {
        'later.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'later', schedule: '@hourly', start: '${hourAgo(3)}', catchup: true, pausedOnCreation: true });
d.task('t', fn(async () => 1));
`,
      },
    });
    const pool = h.db.db.pool;
    const runCount = async () =>
      Number((await pool.query(`SELECT count(*) AS n FROM dag_run WHERE dag_id = 'later'`)).rows[0].n);
    await pool.query(`UPDATE dag SET next_run_at = now() + interval '1 day', is_paused = false WHERE dag_id = 'later'`);
    await h.scheduler.pass();
    expect(await runCount()).toBe(0);
    // A new version clears next_run_at (syncDags); the next pass works it out and creates what is due.
    await pool.query(`UPDATE dag SET next_run_at = NULL WHERE dag_id = 'later'`);
    await h.scheduler.pass();
    expect(await runCount()).toBeGreaterThanOrEqual(3);
  });
});

describe('when Redis loses its jobs', () => {
  it('re-enqueues the tries Postgres says are queued, and the run completes', async () => {
    h = await startHarness({
      worker: false,
      reconcileAfterMs: 300,
      dags: {
        'fanout.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'fanout', schedule: null, start: '2026-01-01' });
const a = d.task('a', fn(async () => 1));
const b = d.task('b', fn(async () => 2));
d.task('sum', { upstream: [a, b] }, fn(async (ctx) => ctx.output(a) + ctx.output(b)));
`,
      },
    });
    const run = await h.trigger('fanout');
    expect(run.taskInstances.filter((t) => t.state === 'queued').map((t) => t.taskId)).toEqual(['a', 'b']);
    // Everything Redis held for this Sluice is gone, as after a restart without persistence.
    const keys = await h.redis.keys(`${h.prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await h.redis.del(...keys);
    await h.startWorker();
    const done = await h.waitForRun('fanout', run.runId, ['success', 'failed']);
    expect(done.state).toBe('success');
    const sum = await request(h.app).get(`/api/v1/dags/fanout/runs/${encodeURIComponent(run.runId)}/tasks/sum`);
    expect(sum.body.output).toBe(3);
  });
});
