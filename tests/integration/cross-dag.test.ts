/**
 * Cross-DAG dependencies end to end, with a real scheduler and workers on
 * the local Postgres and Redis: triggerDag creates exactly one run of its
 * target (also when the task reruns, and when its worker is SIGKILLed
 * mid-trigger), waits for it deferred without holding the one worker slot,
 * and follows its end; dagRunSensor waits for another DAG's run, or one of
 * its tasks, at an offset logical date, and skips on timeout; a task with
 * maxActiveTisPerDag never has more instances active across runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from './harness';
import { startChildWorker } from './scenarios/kill-worker';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const targetDag = (body = `d.task('work', fn(async (ctx) => ({ day: ctx.conf.day })));`) => `
import { dag, fn } from '@sluice/sdk';
export const d = dag({
  id: 'team_b', schedule: null, start: '2026-01-01',
  confSchema: { type: 'object', properties: { day: { type: 'string' } }, required: ['day'] },
});
${body}
`;

const sourceDag = (options: string) => `
import { dag, fn, triggerDag } from '@sluice/sdk';
export const d = dag({ id: 'team_a', schedule: null, start: '2026-01-01' });
const kick = d.task('kick', { retries: 1, retryDelay: '100ms' }, triggerDag(${options}));
d.task('after', { upstream: [kick] }, fn(async (ctx) => ctx.output(kick)));
`;

async function runsOf(
  harness: Harness,
  dagId: string,
): Promise<Array<{ run_id: string; conf: unknown; state: string }>> {
  const { rows } = await harness.db.db.pool.query<{ run_id: string; conf: unknown; state: string }>(
    `SELECT run_id, conf, state FROM dag_run WHERE dag_id = $1 ORDER BY queued_at`,
    [dagId],
  );
  return rows;
}

async function detail(harness: Harness, dagId: string, runId: string, taskId: string) {
  const res = await request(harness.app).get(
    `/api/v1/dags/${dagId}/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(taskId)}`,
  );
  expect(res.status).toBe(200);
  return res.body as {
    output: unknown;
    tryNumber: number;
    tries: Array<{ error: { name: string; message: string } | null }>;
  };
}

describe('triggerDag', { timeout: 120_000 }, () => {
  it('without wait creates exactly one run of the target with the rendered conf, also when the task runs again', async () => {
    h = await startHarness({
      dags: {
        'b.ts': targetDag(),
        'a.ts': sourceDag(`{ dagId: 'team_b', conf: { day: '{{ ds }}', n: 3 } }`),
      },
    });
    const harness = h;
    const source = await harness.trigger('team_a', { logicalDate: '2026-03-04T00:00:00Z' });
    const done = await harness.waitForRun('team_a', source.runId, ['success', 'failed']);
    expect(done.state).toBe('success');
    const runId = `triggered__team_a__${source.runId}__kick`;
    expect(await runsOf(harness, 'team_b')).toEqual([
      { run_id: runId, conf: { day: '2026-03-04', n: 3 }, state: expect.any(String) },
    ]);
    const kick = await detail(harness, 'team_a', source.runId, 'kick');
    expect(kick.output).toEqual({ runId, state: expect.stringMatching(/^(queued|running|success)$/) });
    const target = await harness.waitForRun('team_b', runId, ['success', 'failed']);
    expect(target.state).toBe('success');
    expect((await detail(harness, 'team_b', runId, 'work')).output).toEqual({ day: '2026-03-04' });

    // Cleared, the source runs kick again (try 2): it finds the run by its id.
    const cleared = await request(harness.app)
      .post(`/api/v1/dags/team_a/runs/${encodeURIComponent(source.runId)}/clear`)
      .send({});
    expect(cleared.status).toBe(200);
    await harness.waitForTask('team_a', source.runId, 'kick', ['success'], 20_000);
    const again = await harness.waitForRun('team_a', source.runId, ['success', 'failed']);
    expect(again.state).toBe('success');
    expect(again.taskInstances.find((t) => t.taskId === 'kick')?.tryNumber).toBe(2);
    expect((await runsOf(harness, 'team_b')).map((r) => r.run_id)).toEqual([runId]);
  });

  it('refuses a conf the target confSchema refuses, and an unknown target, failing the task without a retry', async () => {
    h = await startHarness({
      dags: {
        'b.ts': targetDag(),
        'a.ts': sourceDag(`{ dagId: 'team_b', conf: { day: 5 } }`),
        'c.ts': `
import { dag, triggerDag } from '@sluice/sdk';
export const d = dag({ id: 'team_c', schedule: null, start: '2026-01-01' });
d.task('kick', { retries: 2 }, triggerDag({ dagId: 'nobody' }));
`,
      },
    });
    const harness = h;
    const bad = await harness.trigger('team_a');
    await harness.waitForRun('team_a', bad.runId, ['failed']);
    const kick = await detail(harness, 'team_a', bad.runId, 'kick');
    expect(kick.tries).toHaveLength(1);
    expect(kick.tries[0]?.error?.message).toBe(
      "triggerDag: conf does not match the DAG's confSchema: conf.day: Invalid input: expected string, received number",
    );
    const unknown = await harness.trigger('team_c');
    await harness.waitForRun('team_c', unknown.runId, ['failed']);
    const c = await detail(harness, 'team_c', unknown.runId, 'kick');
    expect(c.tries).toHaveLength(1);
    expect(c.tries[0]?.error?.message).toBe('triggerDag: DAG "nobody" does not exist');
    expect(await runsOf(harness, 'team_b')).toEqual([]);
  });

  it('with wait holds no worker slot: on one slot the target runs, and the task succeeds with the run', async () => {
    h = await startHarness({
      workerConcurrency: 1,
      dags: {
        'b.ts': targetDag(`
const one = d.task('one', fn(async () => 1));
d.task('two', { upstream: [one] }, fn(async (ctx) => ctx.output(one) + 1));
`),
        'a.ts': sourceDag(`{ dagId: 'team_b', conf: { day: '{{ ds }}' }, wait: true, pollInterval: '200ms' }`),
      },
    });
    const harness = h;
    const source = await harness.trigger('team_a');
    const runId = `triggered__team_a__${source.runId}__kick`;
    await harness.waitForTask('team_a', source.runId, 'kick', ['deferred']);
    const done = await harness.waitForRun('team_a', source.runId, ['success', 'failed'], 30_000);
    expect(done.taskInstances.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['kick', 'success', 1],
      ['after', 'success', 1],
    ]);
    expect((await harness.getRun('team_b', runId)).state).toBe('success');
    expect((await detail(harness, 'team_a', source.runId, 'after')).output).toEqual({ runId, state: 'success' });
    expect((await runsOf(harness, 'team_b')).map((r) => r.run_id)).toEqual([runId]);
  });

  it('with wait fails when the target run fails, and resetDagRun runs the target again on the retry', async () => {
    h = await startHarness({
      workerConcurrency: 1,
      dags: {
        'b.ts': targetDag(`d.task('work', fn(async () => { throw new Error('no data'); }));`),
        'a.ts': `
import { dag, triggerDag } from '@sluice/sdk';
export const d = dag({ id: 'team_a', schedule: null, start: '2026-01-01' });
d.task('kick', { retries: 1, retryDelay: '100ms' }, triggerDag({
  dagId: 'team_b', conf: { day: 'x' }, wait: true, pollInterval: '200ms', resetDagRun: true }));
`,
      },
    });
    const harness = h;
    const source = await harness.trigger('team_a');
    const runId = `triggered__team_a__${source.runId}__kick`;
    const done = await harness.waitForRun('team_a', source.runId, ['success', 'failed'], 30_000);
    expect(done.state).toBe('failed');
    const kick = await detail(harness, 'team_a', source.runId, 'kick');
    expect(kick.tries.map((t) => [t.error?.name, t.error?.message])).toEqual([
      ['TriggeredRunFailedError', `run "${runId}" of DAG "team_b" ended failed`],
      ['TriggeredRunFailedError', `run "${runId}" of DAG "team_b" ended failed`],
    ]);
    // One run, run twice: the retry cleared it (its task's second try).
    expect((await runsOf(harness, 'team_b')).map((r) => [r.run_id, r.state])).toEqual([[runId, 'failed']]);
    const target = await harness.getRun('team_b', runId);
    expect(target.taskInstances.map((t) => [t.taskId, t.tryNumber])).toEqual([['work', 2]]);
  });

  it('a worker SIGKILLed while the triggering try runs: after the try is taken over, still exactly one target run', {
    timeout: 180_000,
  }, async () => {
    h = await startHarness({
      worker: false,
      heartbeatTimeoutMs: 1500,
      reconcileAfterMs: 1000,
      dags: {
        'b.ts': targetDag(),
        'a.ts': sourceDag(`{ dagId: 'team_b', conf: { day: '{{ ds }}' }, wait: true, pollInterval: '200ms' }`),
      },
    });
    const harness = h;
    // Holding team_b's DAG lock lets the trigger create the run (its insert only takes a key-share lock)
    // and stops it at starting the run: the try is running, the run exists, nothing is recorded yet.
    const blocker = await harness.db.db.pool.connect();
    let doomed: ReturnType<typeof startChildWorker> | null = null;
    let holding = true;
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM dag WHERE dag_id = 'team_b' FOR NO KEY UPDATE`);
      doomed = startChildWorker(harness);
      const source = await harness.trigger('team_a');
      const runId = `triggered__team_a__${source.runId}__kick`;
      // A worker in a child process compiles its TypeScript first: slow on a loaded machine.
      await waitFor(
        'the target run to be created',
        async () => ((await runsOf(harness, 'team_b')).length === 1 ? true : undefined),
        90_000,
      );
      expect((await harness.getRun('team_a', source.runId)).taskInstances[0]?.state).toBe('running');
      await doomed.kill();
      doomed = null;
      await blocker.query('ROLLBACK');
      holding = false;

      await harness.startWorker();
      const done = await harness.waitForRun('team_a', source.runId, ['success', 'failed'], 60_000);
      expect(done.state).toBe('success');
      expect((await runsOf(harness, 'team_b')).map((r) => [r.run_id, r.state])).toEqual([[runId, 'success']]);
      expect((await detail(harness, 'team_a', source.runId, 'after')).output).toEqual({ runId, state: 'success' });
    } finally {
      await doomed?.kill();
      if (holding) await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
  });
});

describe('dagRunSensor', { timeout: 120_000 }, () => {
  it('waits for one task and for the whole run of another DAG an hour earlier, and skips on timeout', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-crossdag-'));
    const flag = path.join(dir, 'go');
    try {
      h = await startHarness({
        dags: {
          'logs.ts': `
import { existsSync } from 'node:fs';
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'logs_hourly', schedule: null, start: '2026-01-01' });
const load = d.task('load', fn(async () => 'loaded'));
d.task('gate', { upstream: [load] }, fn(async (ctx) =>
  existsSync(${JSON.stringify(flag)}) ? 'open' : ctx.poke({ again: '100ms' })));
`,
          'report.ts': `
import { dag, dagRunSensor, fn } from '@sluice/sdk';
export const d = dag({ id: 'report', schedule: null, start: '2026-01-01' });
const loaded = d.task('loaded', dagRunSensor({
  dagId: 'logs_hourly', taskId: 'load', logicalDateOffset: '-1h', pokeInterval: '200ms', timeout: '1m' }));
const whole = d.task('whole', dagRunSensor({
  dagId: 'logs_hourly', logicalDateOffset: '-1h', pokeInterval: '200ms', timeout: '1m' }));
d.task('missing', dagRunSensor({
  dagId: 'logs_hourly', logicalDateOffset: '-2h', pokeInterval: '200ms', timeout: '1500ms', mode: 'skip' }));
d.task('summary', { upstream: [loaded, whole] }, fn(async (ctx) => [ctx.output(loaded), ctx.output(whole)]));
`,
        },
      });
      const harness = h;
      const report = await harness.trigger('report', { logicalDate: '2026-03-04T10:00:00Z' });
      // Nothing to see yet: both wait deferred, holding no slot.
      await harness.waitForTask('report', report.runId, 'whole', ['deferred']);
      await harness.waitForTask('report', report.runId, 'loaded', ['deferred']);
      const logs = await harness.trigger('logs_hourly', { logicalDate: '2026-03-04T09:00:00Z' });
      await harness.waitForTask('report', report.runId, 'loaded', ['success']);
      await harness.waitForTask('report', report.runId, 'missing', ['skipped']);
      // The run is not over (its gate pokes): the whole-run sensor still waits, between looks or in one.
      const waiting = await harness.getRun('report', report.runId);
      expect(['deferred', 'running']).toContain(waiting.taskInstances.find((t) => t.taskId === 'whole')?.state);
      expect((await harness.getRun('logs_hourly', logs.runId)).state).toBe('running');

      await writeFile(flag, '');
      const done = await harness.waitForRun('report', report.runId, ['success', 'failed'], 30_000);
      expect(done.state).toBe('success');
      expect(done.taskInstances.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
        ['loaded', 'success', 1],
        ['whole', 'success', 1],
        ['missing', 'skipped', 1],
        ['summary', 'success', 1],
      ]);
      expect((await detail(harness, 'report', report.runId, 'summary')).output).toEqual([
        { dagId: 'logs_hourly', runId: logs.runId, taskId: 'load', state: 'success' },
        { dagId: 'logs_hourly', runId: logs.runId, taskId: null, state: 'success' },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails at once when the other run fails', async () => {
    h = await startHarness({
      dags: {
        'up.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'upstream_team', schedule: null, start: '2026-01-01' });
d.task('load', fn(async () => { throw new Error('broken'); }));
`,
        'down.ts': `
import { dag, dagRunSensor } from '@sluice/sdk';
export const d = dag({ id: 'downstream_team', schedule: null, start: '2026-01-01' });
d.task('wait', { retries: 2 }, dagRunSensor({ dagId: 'upstream_team', pokeInterval: '200ms', timeout: '1m' }));
`,
      },
    });
    const harness = h;
    const down = await harness.trigger('downstream_team', { logicalDate: '2026-03-04T00:00:00Z' });
    await harness.waitForTask('downstream_team', down.runId, 'wait', ['deferred']);
    const up = await harness.trigger('upstream_team', { logicalDate: '2026-03-04T00:00:00Z' });
    await harness.waitForRun('downstream_team', down.runId, ['failed'], 30_000);
    const wait = await detail(harness, 'downstream_team', down.runId, 'wait');
    expect(wait.tries.map((t) => t.error?.message)).toEqual([`run "${up.runId}" of DAG "upstream_team" ended failed`]);
  });
});

describe('maxActiveTisPerDag', { timeout: 120_000 }, () => {
  it('three active runs never have two instances of the capped task active at once, and all finish', async () => {
    h = await startHarness({
      workerConcurrency: 4,
      dags: {
        'capped.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'capped', schedule: null, start: '2026-01-01', maxActiveRuns: 3 });
const load = d.task('load', { maxActiveTisPerDag: 1 }, fn(async () => {
  await new Promise((r) => setTimeout(r, 400));
  return 'loaded';
}));
d.task('free', fn(async () => {
  await new Promise((r) => setTimeout(r, 1000));
  return 'free';
}));
d.task('after', { upstream: [load] }, fn(async () => 'after'));
`,
      },
    });
    const harness = h;
    const runs = await Promise.all(
      ['01', '02', '03'].map((day) => harness.trigger('capped', { logicalDate: `2026-03-${day}T00:00:00Z` })),
    );
    let mostLoad = 0;
    let mostFree = 0;
    await waitFor(
      'all three runs to finish',
      async () => {
        const { rows } = await harness.db.db.pool.query<{ task_id: string; active: string; unfinished: string }>(
          `SELECT task_id,
             count(*) FILTER (WHERE state IN ('queued', 'running', 'deferred')) AS active,
             count(*) FILTER (WHERE state NOT IN ('success', 'failed', 'skipped', 'upstream_failed')) AS unfinished
           FROM task_instance WHERE dag_id = 'capped' GROUP BY task_id`,
        );
        for (const r of rows) {
          if (r.task_id === 'load') mostLoad = Math.max(mostLoad, Number(r.active));
          if (r.task_id === 'free') mostFree = Math.max(mostFree, Number(r.active));
        }
        return rows.length === 3 && rows.every((r) => r.unfinished === '0') ? true : undefined;
      },
      30_000,
    );
    expect(mostLoad).toBe(1);
    // The uncapped task of the same runs did run side by side.
    expect(mostFree).toBeGreaterThan(1);
    for (const run of runs) expect((await harness.getRun('capped', run.runId)).state).toBe('success');
  });
});
