/**
 * A task fails its first try and succeeds on its retry; its downstream runs
 * once, after the success. The retry waits the delay core's tryOutcome
 * names, with the jitter stable for that try (tryJitter): the same time
 * the scheduler would give it, not a random draw of the worker's own.
 */
import request from 'supertest';
import { afterEach, expect, it } from 'vitest';
import { retryDelayMs, tryJitter, type RetrySpec } from '@sluice/core';
import { startHarness, waitFor, type Harness } from '../harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

// A minute, give or take 10%: a random draw would land seconds away from the
// stable one, far outside the half second the check allows.
const retry: RetrySpec = { retries: 1, retryDelayMs: 60_000, exponentialBackoff: true, maxRetryDelayMs: null };
/** How long a worker may take from the try's failure to its finish being written. */
const FINISH_WITHIN_MS = 500;

it('retries after the stable-jittered delay, then succeeds and runs the downstream once', async () => {
  h = await startHarness({
    dags: {
      'flaky.ts': `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'flaky', schedule: null, start: '2026-01-01' });
const load = d.task('load', { retries: ${retry.retries}, retryDelay: ${retry.retryDelayMs}, retryExponentialBackoff: true },
  fn(async (ctx) => { if (ctx.tryNumber === 1) throw new Error('warehouse busy'); return 'loaded'; }));
d.task('publish', { upstream: [load] }, fn(async (ctx) => ctx.output(load) + ' and published'));
`,
    },
  });
  const run = await h.trigger('flaky');
  const pool = h.db.db.pool;
  const waiting = await waitFor('load to wait for its retry', async () => {
    const res = await pool.query<{ runUuid: string; nextRetryAt: Date; startedAt: Date; endedAt: Date }>(
      `SELECT r.id AS "runUuid", ti.next_retry_at AS "nextRetryAt", tt.started_at AS "startedAt", tt.ended_at AS "endedAt"
       FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id
       JOIN task_try tt ON tt.task_instance_id = ti.id AND tt.try_number = 1
       WHERE r.run_id = $1 AND ti.task_id = 'load' AND ti.state = 'up_for_retry'`,
      [run.runId],
    );
    return res.rows[0];
  });
  // The worker named nextRetryAt as (its clock when the try failed) + delay;
  // with the try's own jitter, that clock reading falls within the try.
  const delay = retryDelayMs(retry, 1, tryJitter('flaky', waiting.runUuid, 'load', 1));
  const failedAt = waiting.nextRetryAt.getTime() - delay;
  expect(failedAt).toBeGreaterThanOrEqual(
    Math.max(waiting.startedAt.getTime(), waiting.endedAt.getTime() - FINISH_WITHIN_MS),
  );
  expect(failedAt).toBeLessThanOrEqual(waiting.endedAt.getTime());

  // Rather than wait the minute: the retry falls due now.
  await pool.query(
    `UPDATE task_instance SET next_retry_at = now() WHERE dag_run_id = $1 AND task_id = 'load' AND state = 'up_for_retry'`,
    [waiting.runUuid],
  );

  const done = await h.waitForRun('flaky', run.runId, ['success', 'failed'], 30_000);
  expect(done.taskInstances.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
    ['load', 'success', 2],
    ['publish', 'success', 1],
  ]);
  expect(done.state).toBe('success');
  const load = await request(h.app).get(`/api/v1/dags/flaky/runs/${encodeURIComponent(run.runId)}/tasks/load`);
  const tries = load.body.tries as Array<{ state: string; error: { message: string } | null }>;
  expect(tries.map((t) => [t.state, t.error?.message ?? null])).toEqual([
    ['up_for_retry', 'warehouse busy'],
    ['success', null],
  ]);
  const publish = await request(h.app).get(`/api/v1/dags/flaky/runs/${encodeURIComponent(run.runId)}/tasks/publish`);
  expect(publish.body.output).toBe('loaded and published');
}, 60_000);
