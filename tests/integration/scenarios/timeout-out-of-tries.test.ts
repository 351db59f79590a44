/**
 * A task that outlives its executionTimeout on every try: the first try's
 * worker is killed, so the scheduler ends it (cause execution_timeout,
 * retried as core's tryOutcome says); the second try's worker ends it
 * itself. Out of tries, the task fails, its downstream is upstream_failed,
 * an all_done cleanup still runs, and the run fails. Each try's row says
 * what became of it, whoever ended it.
 */
import request from 'supertest';
import { afterEach, expect, it } from 'vitest';
import { startHarness, type Harness } from '../harness';
import { startChildWorker, type ChildWorker } from './kill-worker';

let h: Harness | null = null;
let child: ChildWorker | null = null;
afterEach(async () => {
  await child?.kill();
  child = null;
  await h?.close();
  h = null;
});

it('fails the last timed-out try, marks the downstream upstream_failed and fails the run', async () => {
  h = await startHarness({
    worker: false,
    // The scheduler must judge the lost try by its timeout, long before its heartbeat.
    heartbeatTimeoutMs: 60_000,
    env: { SLUICE_TIMEOUT_GRACE_MS: '300' },
    dags: {
      'slow.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'slow', schedule: null, start: '2026-01-01' });
const load = d.task('load', { retries: 1, retryDelay: 0, executionTimeout: 1000 }, 
  fn((ctx) => new Promise((resolve) => { const t = setTimeout(resolve, 60_000); ctx.signal.addEventListener('abort', () => clearTimeout(t)); })));
d.task('publish', { upstream: [load] }, fn(async () => 'published'));
d.task('cleanup', { upstream: [load], triggerRule: 'all_done' }, fn(async () => 'cleaned'));
`,
    },
  });
  child = startChildWorker(h);
  const run = await h.trigger('slow');
  await h.waitForTask('slow', run.runId, 'load', ['running'], 20_000);
  await child.kill();
  child = null;
  // Try 1 is now the scheduler's to end; try 2 runs on this worker.
  await h.waitForTask('slow', run.runId, 'load', ['up_for_retry', 'queued', 'running'], 20_000);
  await h.startWorker();

  const done = await h.waitForRun('slow', run.runId, ['success', 'failed'], 30_000);
  expect(done.state).toBe('failed');
  expect(done.taskInstances.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
    ['load', 'failed', 2],
    ['publish', 'upstream_failed', 0],
    ['cleanup', 'success', 1],
  ]);
  const load = await request(h.app).get(`/api/v1/dags/slow/runs/${encodeURIComponent(run.runId)}/tasks/load`);
  const tries = load.body.tries as Array<{ state: string; error: { name: string; message: string } | null }>;
  expect(tries.map((t) => [t.state, t.error?.name])).toEqual([
    ['up_for_retry', 'TaskTimeoutError'],
    ['failed', 'TaskTimeoutError'],
  ]);
  expect(tries[0]?.error?.message).toMatch(/^try 1 exceeded its executionTimeout of 1 s /);
  // Try 2's worker is alive: its own timer or the scheduler's timeout check, whichever comes first, ends it.
  expect(tries[1]?.error?.message).toMatch(
    /^(Task exceeded its executionTimeout of 1000 ms|try 2 exceeded its executionTimeout of 1 s )/,
  );
}, 60_000);
