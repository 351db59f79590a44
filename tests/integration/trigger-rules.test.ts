/**
 * The trigger rules Airflow has beyond the first eight, run for real: a
 * skipped, a succeeded and a failed upstream feed joins under each rule, and
 * the scheduler and worker decide them as the rules say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

const source = `
import { dag, fn, NonRetryableError, SkipTaskError } from '@sluice/sdk';
export const d = dag({ id: 'rules', schedule: null, start: '2026-01-01' });
const skipped = d.task('skipped', fn(async () => { throw new SkipTaskError('nothing to do'); }));
const ok = d.task('ok', fn(async () => 'fine'));
const broken = d.task('broken', fn(async () => { throw new NonRetryableError('bad input'); }));
d.task('none_skipped_join', { upstream: [skipped, ok], triggerRule: 'none_skipped' }, fn(async () => 'ran'));
d.task('none_skipped_ok', { upstream: [ok, broken], triggerRule: 'none_skipped' }, fn(async () => 'ran'));
d.task('all_skipped_join', { upstream: [skipped], triggerRule: 'all_skipped' }, fn(async () => 'ran'));
d.task('all_skipped_not', { upstream: [skipped, ok], triggerRule: 'all_skipped' }, fn(async () => 'ran'));
d.task('one_done_join', { upstream: [skipped, broken], triggerRule: 'one_done' }, fn(async () => 'ran'));
d.task('min_one_success', { upstream: [ok, broken, skipped], triggerRule: 'all_done_min_one_success' }, fn(async () => 'ran'));
d.task('min_one_success_none', { upstream: [broken, skipped], triggerRule: 'all_done_min_one_success' }, fn(async () => 'ran'));
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ dags: { 'rules.ts': source } });
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('trigger rules none_skipped, all_skipped, one_done, all_done_min_one_success', () => {
  it('decide each join as Airflow does', async () => {
    const run = await h.trigger('rules');
    const done = await h.waitForRun('rules', run.runId, ['success', 'failed'], 30_000);
    const states = Object.fromEntries(done.taskInstances.map((t) => [t.taskId, t.state]));
    expect(states).toEqual({
      skipped: 'skipped',
      ok: 'success',
      broken: 'failed',
      none_skipped_join: 'skipped',
      none_skipped_ok: 'success',
      all_skipped_join: 'success',
      all_skipped_not: 'skipped',
      one_done_join: 'success',
      min_one_success: 'success',
      min_one_success_none: 'upstream_failed',
    });
    expect(done.state).toBe('failed');
  });
});
