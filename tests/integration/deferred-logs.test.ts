/**
 * A deferred try's log goes on after each check: lines written by a later
 * check of the same try — its end, a failure's stack — are kept, not
 * dropped as repeats of the first check's line numbers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulatorWithEnv } from './aws-support';
import { startHarness, type Harness } from './harness';

let aws: Emulator;
let restoreEnv: () => void;
let h: Harness | null = null;

beforeAll(async () => {
  ({ aws, restoreEnv } = await startEmulatorWithEnv({
    clusterStartMs: 600,
    stepRunMs: 600,
    jobStartMs: 50,
    jobRunMs: 400,
    crawlMs: 200,
  }));
});
afterAll(async () => {
  await aws.close();
  restoreEnv();
});
afterEach(async () => {
  await h?.close();
  h = null;
});

async function logOf(harness: Harness, taskId: string): Promise<Array<{ seq: number; text: string }>> {
  const res = await harness.db.db.pool.query<{ seq: number; text: string }>(
    `SELECT l.seq, l.text FROM task_log l JOIN task_instance ti ON ti.id = l.task_instance_id WHERE ti.task_id = $1 AND l.try_number = 1 ORDER BY l.seq`,
    [taskId],
  );
  return res.rows;
}

describe('the log of a deferred try', () => {
  it('keeps the lines written after the first deferral: the end of the try and the failure', async () => {
    aws.control.addStepRule({
      name: 'spark',
      outcome: 'FAILED',
      failureDetails: { reason: 'OutOfMemory', message: 'Container killed by YARN', logFile: 's3://logs/stderr.gz' },
    });
    h = await startHarness({
      dags: {
        'emr.ts': `
import { dag, emr } from '@sluice/sdk';
export const d = dag({ id: 'deferred_logs', schedule: null, start: '2026-01-01' });
const cluster = d.task('cluster', emr.createCluster({ name: 'c', releaseLabel: 'emr-7.2.0', instances: { masterInstanceType: 'm5.xlarge', instanceCount: 1 } }));
d.task('spark', { upstream: [cluster], retries: 0 }, emr.addSteps({ cluster, steps: [{ name: 'spark', args: ['spark-submit', 'x.py'] }] }));
`,
      },
    });
    const run = await h.trigger('deferred_logs');
    const done = await h.waitForRun('deferred_logs', run.runId, ['success', 'failed'], 30_000);
    expect(done.taskInstances.map((t) => [t.taskId, t.state])).toEqual([
      ['cluster', 'success'],
      ['spark', 'failed'],
    ]);

    const cluster = await logOf(h, 'cluster');
    expect(cluster[0]?.text).toMatch(/^try 1 of /);
    expect(cluster.map((l) => l.text).join('')).toContain('try 1 ended: success');

    const spark = (await logOf(h, 'spark')).map((l) => l.text).join('');
    expect(spark).toMatch(/^try 1 of /);
    expect(spark).toContain('OutOfMemory');
    expect(spark).toContain('try 1 ended: failed');
  });
});
