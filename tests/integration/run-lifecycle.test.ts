/**
 * A DAG written with the SDK runs end to end: scheduler, BullMQ worker,
 * Postgres, the API. Each test starts its own Sluice in its own schema.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskQueue } from '@sluice/queue';
import { startHarness, waitFor, type Harness } from './harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const chainDag = `
import { dag, fn, shell } from '@sluice/sdk';
export const chain = dag({ id: 'chain', schedule: null, start: '2026-01-01' });
const extract = chain.task('extract', fn(async (ctx) => {
  ctx.log('extracting for', ctx.logicalDate.toISOString());
  return { rows: 21, conf: ctx.conf };
}));
const double = chain.task('double', { upstream: [extract] }, fn(async (ctx) => ctx.output(extract).rows * 2));
chain.task('report', { upstream: [double] }, shell({ command: 'echo "report for $SLUICE_DAG_ID"; echo oops >&2' }));
`;

describe('a DAG run', () => {
  it('runs every task in dependency order to success, passing outputs downstream', async () => {
    h = await startHarness({ dags: { 'chain.ts': chainDag } });
    const run = await h.trigger('chain', { conf: { region: 'eu' } });
    expect(run.state).toBe('running');
    const done = await h.waitForRun('chain', run.runId, ['success', 'failed']);
    expect(done.state).toBe('success');
    expect(done.taskInstances.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['extract', 'success', 1],
      ['double', 'success', 1],
      ['report', 'success', 1],
    ]);
    const byId = new Map(done.taskInstances.map((t) => [t.taskId, t]));
    const extractEnd = Date.parse(byId.get('extract')?.endedAt ?? '');
    const doubleStart = Date.parse(byId.get('double')?.startedAt ?? '');
    expect(doubleStart).toBeGreaterThanOrEqual(extractEnd);

    const double = await request(h.app).get(`/api/v1/dags/chain/runs/${encodeURIComponent(run.runId)}/tasks/double`);
    expect(double.body.output).toBe(42);
    const extract = await request(h.app).get(`/api/v1/dags/chain/runs/${encodeURIComponent(run.runId)}/tasks/extract`);
    expect(extract.body.output).toEqual({ rows: 21, conf: { region: 'eu' } });

    const logs = await request(h.app).get(`/api/v1/dags/chain/runs/${encodeURIComponent(run.runId)}/tasks/report/logs`);
    expect(logs.status).toBe(200);
    const text = logs.body.lines.map((l: { text: string }) => l.text).join('');
    expect(text).toContain('report for chain');
    expect(
      logs.body.lines.some((l: { stream: string; text: string }) => l.stream === 'stderr' && l.text.includes('oops')),
    ).toBe(true);
    expect(logs.body.complete).toBe(true);
  });

  it('evaluates downstream tasks as soon as a task ends, without waiting for the scheduler pass', async () => {
    h = await startHarness({ dags: { 'chain.ts': chainDag } });
    // Stop the safety-net loop: only the worker's fast path can move the chain on.
    await h.scheduler.close();
    const run = await h.trigger('chain');
    const done = await h.waitForRun('chain', run.runId, ['success', 'failed'], 10_000);
    expect(done.state).toBe('success');
  });

  it('runs the next task of a chain in the slot the finished one held, without a trip through the queue', async () => {
    const gateFile = path.join(os.tmpdir(), `sluice-handoff-${process.pid}-${Date.now()}`);
    h = await startHarness({
      dags: {
        'handoff.ts': `
import { dag, fn, shell } from '@sluice/sdk';
export const d = dag({ id: 'handoff', schedule: null, start: '2026-01-01' });
const gate = d.task('gate', shell({ command: 'while [ ! -f ${gateFile} ]; do sleep 0.05; done' }));
const second = d.task('second', { upstream: [gate] }, fn(async () => 2));
d.task('third', { upstream: [second] }, fn(async (ctx) => ctx.output(second) + 1));
`,
      },
    });
    await h.scheduler.close();
    const run = await h.trigger('handoff');
    await h.waitForTask('handoff', run.runId, 'gate', ['running']);
    // No worker takes a job from a paused queue: what runs next must not need one.
    const queue = new TaskQueue({ connection: h.redis, prefix: h.prefix });
    try {
      await queue.queue.pause();
      await fs.writeFile(gateFile, 'go');
      const done = await h.waitForRun('handoff', run.runId, ['success', 'failed']);
      expect(done.state).toBe('success');
      const third = await request(h.app).get(`/api/v1/dags/handoff/runs/${encodeURIComponent(run.runId)}/tasks/third`);
      expect(third.body.output).toBe(3);
      expect(await queue.queue.getWaitingCount()).toBe(0);
    } finally {
      await queue.queue.resume();
      await queue.close();
      await fs.rm(gateFile, { force: true });
    }
  });

  it('runs a join of 40 parallel upstreams exactly once from the fast path alone', async () => {
    const upstream = Array.from({ length: 40 }, (_, i) => `const t${i} = d.task('t${i}', fn(async () => ${i}));`).join(
      '\n',
    );
    const refs = Array.from({ length: 40 }, (_, i) => `t${i}`).join(', ');
    h = await startHarness({
      workerConcurrency: 8,
      dags: {
        'fanin.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'fanin', schedule: null, start: '2026-01-01', maxActiveTasks: 64 });
${upstream}
d.task('join', { upstream: [${refs}] }, fn(async (ctx) => [${refs}].reduce((sum, ref) => sum + ctx.output(ref), 0)));
`,
      },
    });
    // Only the workers' fast path moves tasks on: two upstreams finishing at
    // the same moment must not both leave the join for the other.
    await h.scheduler.close();
    const run = await h.trigger('fanin');
    const done = await h.waitForRun('fanin', run.runId, ['success', 'failed'], 30_000);
    expect(done.state).toBe('success');
    const join = await request(h.app).get(`/api/v1/dags/fanin/runs/${encodeURIComponent(run.runId)}/tasks/join`);
    expect(join.body.tries).toHaveLength(1);
    expect(join.body.output).toBe((39 * 40) / 2);
  });

  it('retries a failing task, then fails it and marks its downstream upstream_failed', async () => {
    h = await startHarness({
      dags: {
        'flaky.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'always_fails', schedule: null, start: '2026-01-01' });
const load = d.task('load', { retries: 2, retryDelay: 50 }, fn(async (ctx) => { throw new Error('warehouse refused try ' + ctx.tryNumber); }));
const publish = d.task('publish', { upstream: [load] }, fn(async () => 'published'));
d.task('notify', { upstream: [publish] }, fn(async () => 'notified'));
d.task('cleanup', { upstream: [load], triggerRule: 'all_done' }, fn(async () => 'cleaned'));
`,
      },
    });
    const run = await h.trigger('always_fails');
    const done = await h.waitForRun('always_fails', run.runId, ['success', 'failed']);
    expect(done.state).toBe('failed');
    const states = Object.fromEntries(done.taskInstances.map((t) => [t.taskId, [t.state, t.tryNumber]]));
    expect(states).toEqual({
      load: ['failed', 3],
      publish: ['upstream_failed', 0],
      notify: ['upstream_failed', 0],
      cleanup: ['success', 1],
    });
    const detail = await request(h.app).get(
      `/api/v1/dags/always_fails/runs/${encodeURIComponent(run.runId)}/tasks/load`,
    );
    expect(
      detail.body.tries.map((t: { state: string; error: { message: string } | null }) => [t.state, t.error?.message]),
    ).toEqual([
      ['up_for_retry', 'warehouse refused try 1'],
      ['up_for_retry', 'warehouse refused try 2'],
      ['failed', 'warehouse refused try 3'],
    ]);
  });

  it('kills a shell task that exceeds its executionTimeout, with everything it started', async () => {
    const pidFile = path.join(os.tmpdir(), `sluice-timeout-${process.pid}-${Date.now()}`);
    h = await startHarness({
      dags: {
        'slow.ts': `
import { dag, shell } from '@sluice/sdk';
export const d = dag({ id: 'slow', schedule: null, start: '2026-01-01' });
d.task('sleepy', { executionTimeout: 1500 }, shell({ command: 'sleep 300 & echo $! > ${pidFile}; wait' }));
`,
      },
    });
    const run = await h.trigger('slow');
    const started = Date.now();
    const done = await h.waitForRun('slow', run.runId, ['success', 'failed'], 15_000);
    expect(done.state).toBe('failed');
    expect(Date.now() - started).toBeLessThan(10_000);
    const grandchild = Number((await fs.readFile(pidFile, 'utf8')).trim());
    await waitFor(
      'the background sleep to be killed',
      async () => {
        try {
          process.kill(grandchild, 0);
          return undefined;
        } catch {
          return true;
        }
      },
      5_000,
    );
    const detail = await request(h.app).get(`/api/v1/dags/slow/runs/${encodeURIComponent(run.runId)}/tasks/sleepy`);
    expect(detail.body.tries[0].error.name).toBe('TaskTimeoutError');
    await fs.rm(pidFile, { force: true });
  });

  it('keeps a task that prints megabytes, and survives a command that kills itself', async () => {
    h = await startHarness({
      dags: {
        'noisy.ts': `
import { dag, fn, shell } from '@sluice/sdk';
export const d = dag({ id: 'noisy', schedule: null, start: '2026-01-01' });
const loud = d.task('loud', shell({ command: 'head -c 6000000 /dev/zero | tr "\\\\0" x | fold -w 99; echo done' }));
const crash = d.task('crash', shell({ command: 'echo about to die; kill -9 $$' }));
d.task('after', { upstream: [loud, crash], triggerRule: 'all_done' }, fn(async () => 'still working'));
`,
      },
    });
    const run = await h.trigger('noisy');
    const done = await h.waitForRun('noisy', run.runId, ['success', 'failed'], 30_000);
    expect(Object.fromEntries(done.taskInstances.map((t) => [t.taskId, t.state]))).toEqual({
      loud: 'success',
      crash: 'failed',
      after: 'success',
    });

    const base = `/api/v1/dags/noisy/runs/${encodeURIComponent(run.runId)}/tasks`;
    let after = 0;
    let bytes = 0;
    let text = '';
    for (;;) {
      const page = await request(h.app).get(`${base}/loud/logs?after=${after}&limit=5000`);
      for (const l of page.body.lines as Array<{ text: string }>) bytes += l.text.length;
      text =
        (page.body.lines as Array<{ text: string }>)
          .map((l) => l.text)
          .join('')
          .slice(-200) || text;
      if (page.body.complete) break;
      after = page.body.nextSeq;
    }
    expect(bytes).toBeGreaterThan(6_000_000);
    expect(text).toContain('done');
    const crash = await request(h.app).get(`${base}/crash`);
    expect(crash.body.tries[0].error.message).toBe('Command was killed by SIGKILL');
  });

  it('reruns a cleared failed task and its downstream, and the run turns success', async () => {
    const marker = path.join(os.tmpdir(), `sluice-clear-${process.pid}-${Date.now()}`);
    h = await startHarness({
      dags: {
        'gate.ts': `
import { dag, fn, shell } from '@sluice/sdk';
export const d = dag({ id: 'gate', schedule: null, start: '2026-01-01' });
const check = d.task('check', shell({ command: 'test -f ${marker}' }));
d.task('after', { upstream: [check] }, fn(async () => 'ran'));
`,
      },
    });
    const run = await h.trigger('gate');
    const failed = await h.waitForRun('gate', run.runId, ['success', 'failed']);
    expect(failed.state).toBe('failed');
    expect(failed.taskInstances.map((t) => t.state)).toEqual(['failed', 'upstream_failed']);

    await fs.writeFile(marker, 'ready');
    const cleared = await request(h.app)
      .post(`/api/v1/dags/gate/runs/${encodeURIComponent(run.runId)}/tasks/check/clear`)
      .send({ downstream: true });
    expect(cleared.status).toBe(200);
    expect(cleared.body.cleared).toEqual(['after', 'check']);
    const done = await h.waitForRun('gate', run.runId, ['success']);
    expect(done.taskInstances.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['check', 'success', 2],
      ['after', 'success', 1],
    ]);
    await fs.rm(marker, { force: true });
  });

  it('keeps a run on the DAG version it started with when the file changes', async () => {
    const gateFile = path.join(os.tmpdir(), `sluice-pin-${process.pid}-${Date.now()}`);
    const version = (label: string) => `
import { dag, fn, shell } from '@sluice/sdk';
export const d = dag({ id: 'pinned', schedule: null, start: '2026-01-01' });
const wait = d.task('wait', shell({ command: 'while [ ! -f ${gateFile} ]; do sleep 0.05; done' }));
d.task('label', { upstream: [wait] }, fn(async () => '${label}'));
`;
    h = await startHarness({ dags: { 'pinned.ts': version('v1') } });
    const run = await h.trigger('pinned');
    await h.waitForTask('pinned', run.runId, 'wait', ['running']);
    await h.writeDag('pinned.ts', version('v2'));
    await h.scheduler.parse();
    await fs.writeFile(gateFile, 'go');
    const done = await h.waitForRun('pinned', run.runId, ['success', 'failed']);
    expect(done.state).toBe('success');
    expect(done.versionHash).toBe(run.versionHash);
    const label = await request(h.app).get(`/api/v1/dags/pinned/runs/${encodeURIComponent(run.runId)}/tasks/label`);
    expect(label.body.output).toBe('v1');
    const second = await h.trigger('pinned');
    expect(second.versionHash).not.toBe(run.versionHash);
    const done2 = await h.waitForRun('pinned', second.runId, ['success', 'failed']);
    const label2 = await request(h.app).get(`/api/v1/dags/pinned/runs/${encodeURIComponent(done2.runId)}/tasks/label`);
    expect(label2.body.output).toBe('v2');
    await fs.rm(gateFile, { force: true });
  });
});
