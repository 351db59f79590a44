/**
 * EMR and Glue tasks end to end, through the real AWS SDK over HTTP against
 * the local emulator: submit once, wait without a worker slot (deferred),
 * cancel on clear and on timeout, adopt the step after the worker is killed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulatorWithEnv } from './aws-support';
import { EMRClient, RunJobFlowCommand } from '@aws-sdk/client-emr';
import { repoRoot, startHarness, waitFor, type Harness } from './harness';

let aws: Emulator;
let restoreEnv: () => void;
let h: Harness | null = null;

beforeAll(async () => {
  ({ aws, restoreEnv } = await startEmulatorWithEnv({
    clusterStartMs: 200,
    stepRunMs: 400,
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
  aws.control.reset();
  aws.control.setDurations({ clusterStartMs: 200, stepRunMs: 400, jobStartMs: 50, jobRunMs: 400, crawlMs: 200 });
});

const steps = () => aws.control.state().emr.clusters.flatMap((c) => c.steps);

const emrDag = (opts: { stepTimeout?: string } = {}) => `
import { dag, emr, fn } from '@sluice/sdk';
export const d = dag({ id: 'emr_batch', schedule: null, start: '2026-01-01' });
const cluster = d.task('create_cluster', emr.createCluster({
  name: 'daily', releaseLabel: 'emr-7.2.0', applications: ['Hive', 'Spark'],
  instances: { masterInstanceType: 'm5.xlarge', instanceCount: 3 },
}));
const hive = d.task('hive', { upstream: [cluster]${opts.stepTimeout ? `, executionTimeout: '${opts.stepTimeout}'` : ''} },
  emr.addSteps({ cluster, steps: [{ name: 'hive to orc', args: ['hive-script', '-d', 'DT={{ ds }}'] }] }));
const spark = d.task('spark', { upstream: [cluster, hive] },
  emr.addSteps({ cluster, steps: [{ name: 'spark aggregate', args: ['spark-submit', 'aggregate.py'] }] }));
d.task('terminate', { upstream: [cluster, spark], triggerRule: 'all_done' }, emr.terminateCluster({ cluster }));
d.task('report', { upstream: [spark] }, fn(async (ctx) => ctx.output(spark).stepIds.length));
`;

describe('EMR tasks', () => {
  it('create a cluster, run a Hive and a Spark step, and terminate the cluster', async () => {
    h = await startHarness({ dags: { 'emr.ts': emrDag() } });
    const run = await h.trigger('emr_batch');
    const done = await h.waitForRun('emr_batch', run.runId, ['success', 'failed'], 30_000);
    expect(done.taskInstances.map((t) => [t.taskId, t.state])).toEqual([
      ['create_cluster', 'success'],
      ['hive', 'success'],
      ['spark', 'success'],
      ['terminate', 'success'],
      ['report', 'success'],
    ]);
    const [cluster] = aws.control.state().emr.clusters;
    expect(cluster?.state).toBe('TERMINATED');
    expect(cluster?.steps.map((s) => [s.name.replace(/ \[.*\]$/, ''), s.state])).toEqual([
      ['hive to orc', 'COMPLETED'],
      ['spark aggregate', 'COMPLETED'],
    ]);
    expect(cluster?.steps[0]?.args).toEqual(['hive-script', '-d', `DT=${done.logicalDate.slice(0, 10)}`]);
    const hive = await request(h.app).get(`/api/v1/dags/emr_batch/runs/${encodeURIComponent(run.runId)}/tasks/hive`);
    expect(hive.body.external).toMatchObject({ type: 'emr.step', clusterId: cluster?.id, awsState: 'COMPLETED' });
    // The emulator has no AWS console: no link to one.
    expect(hive.body.external).not.toHaveProperty('consoleUrl');
    // Each check the try waited through says what it saw and when it looks again.
    const log = await request(h.app).get(
      `/api/v1/dags/emr_batch/runs/${encodeURIComponent(run.runId)}/tasks/hive/logs?try=1`,
    );
    const lines = log.body.lines.map((l: { text: string }) => l.text).join('');
    expect(lines).toMatch(new RegExp(`step ${cluster?.steps[0]?.id} (PENDING|RUNNING), next check in \\d+ s\n`));
  });

  it('fail the try with the step failure reason, and still terminate the cluster', async () => {
    aws.control.addStepRule({
      name: 'spark aggregate',
      outcome: 'FAILED',
      failureDetails: { reason: 'OutOfMemory', message: 'Container killed by YARN', logFile: 's3://logs/stderr.gz' },
    });
    h = await startHarness({ dags: { 'emr.ts': emrDag() } });
    const run = await h.trigger('emr_batch');
    const done = await h.waitForRun('emr_batch', run.runId, ['success', 'failed'], 30_000);
    expect(done.state).toBe('failed');
    expect(Object.fromEntries(done.taskInstances.map((t) => [t.taskId, t.state]))).toMatchObject({
      spark: 'failed',
      terminate: 'success',
      report: 'upstream_failed',
    });
    const spark = await request(h.app).get(`/api/v1/dags/emr_batch/runs/${encodeURIComponent(run.runId)}/tasks/spark`);
    const message = spark.body.tries[0].error.message as string;
    expect(message).toContain('OutOfMemory');
    expect(message).toContain('Container killed by YARN');
    expect(spark.body.external.steps).toEqual([
      expect.objectContaining({ state: 'FAILED', reason: 'OutOfMemory: Container killed by YARN' }),
    ]);
    expect(aws.control.state().emr.clusters[0]?.state).toBe('TERMINATED');
  });

  it('cancel the step when a waiting task is cleared', async () => {
    aws.control.setDurations({ stepRunMs: 120_000 });
    h = await startHarness({ dags: { 'emr.ts': emrDag() } });
    const run = await h.trigger('emr_batch');
    await h.waitForTask('emr_batch', run.runId, 'hive', ['deferred'], 20_000);
    await waitFor('the step to run', async () => (steps()[0]?.state === 'RUNNING' ? true : undefined));
    const cleared = await request(h.app)
      .post(`/api/v1/dags/emr_batch/runs/${encodeURIComponent(run.runId)}/tasks/hive/clear`)
      .send({});
    expect(cleared.body.cleared).toEqual(['hive']);
    await waitFor(
      'the cleared step to be cancelled',
      async () => (steps()[0]?.state === 'CANCELLED' ? true : undefined),
      10_000,
    );
  });

  it('cancel the step when the task exceeds its executionTimeout', async () => {
    aws.control.setDurations({ stepRunMs: 120_000 });
    h = await startHarness({
      dags: { 'emr.ts': emrDag({ stepTimeout: '2s' }) },
      env: { SLUICE_TIMEOUT_GRACE_MS: '500' },
    });
    const run = await h.trigger('emr_batch');
    const done = await h.waitForTask('emr_batch', run.runId, 'hive', ['failed'], 20_000);
    expect(done.taskInstances.find((t) => t.taskId === 'terminate')?.state).not.toBe('upstream_failed');
    await waitFor(
      'the timed-out step to be cancelled',
      async () => (steps()[0]?.state === 'CANCELLED' ? true : undefined),
      10_000,
    );
    const hive = await request(h.app).get(`/api/v1/dags/emr_batch/runs/${encodeURIComponent(run.runId)}/tasks/hive`);
    expect(hive.body.tries[0].error.name).toBe('TaskTimeoutError');
    // Through the durable cancel request, attempted and logged on the try.
    const logOf = async (app: NonNullable<typeof h>['app']) => {
      const logs = await request(app)
        .get(`/api/v1/dags/emr_batch/runs/${encodeURIComponent(run.runId)}/tasks/hive/logs`)
        .query({ try: 1 });
      return (logs.body.lines as Array<{ text: string }>).map((l) => l.text).join('');
    };
    const app = h.app;
    const log = await waitFor('the cancel to be logged as done', async () => {
      const text = await logOf(app);
      return text.includes('cancel done') ? text : undefined;
    });
    expect(log).toMatch(/cancel attempt 1 \(timed out\)/);
  });

  it('submit the step once when the worker is killed right after submitting: the next worker adopts it', async () => {
    aws.control.setDurations({ stepRunMs: 3000 });
    const emr = new EMRClient({
      endpoint: aws.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const flow = await emr.send(
      new RunJobFlowCommand({
        Name: 'shared',
        ReleaseLabel: 'emr-7.2.0',
        Instances: { KeepJobFlowAliveWhenNoSteps: true, InstanceCount: 1, MasterInstanceType: 'm5.xlarge' },
      }),
    );
    h = await startHarness({
      worker: false,
      heartbeatTimeoutMs: 3000,
      dags: {
        'adopt.ts': `
import { dag, emr } from '@sluice/sdk';
export const d = dag({ id: 'adopt', schedule: null, start: '2026-01-01' });
d.task('step', { retries: 0 }, emr.addSteps({ clusterId: '${flow.JobFlowId}', steps: [{ name: 'long step', args: ['spark-submit', 'x.py'] }] }));
`,
      },
    });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/worker/src/main.ts')], {
      env: { ...process.env, ...h.env, SLUICE_HEARTBEAT_INTERVAL_MS: '200', SLUICE_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const run = await h.trigger('adopt');
    // Kill the worker the moment the emulator has answered AddJobFlowSteps.
    await waitFor(
      'the worker to submit the step',
      async () => (aws.control.calls('AddJobFlowSteps').length > 0 ? true : undefined),
      20_000,
    );
    child.kill('SIGKILL');
    await exited;
    expect(steps()).toHaveLength(1);

    await h.startWorker();
    const done = await h.waitForRun('adopt', run.runId, ['success', 'failed'], 30_000);
    const detail = await request(h.app).get(`/api/v1/dags/adopt/runs/${encodeURIComponent(run.runId)}/tasks/step`);
    expect(done.state, JSON.stringify(detail.body.tries)).toBe('success');
    expect(aws.control.calls('AddJobFlowSteps')).toHaveLength(1);
    expect(steps().map((s) => s.state)).toEqual(['COMPLETED']);
    // The step outlived its first worker without the task spending a retry.
    expect(done.taskInstances[0]?.tryNumber).toBe(1);
  });
});

describe('Glue tasks', () => {
  it('run a job and a crawler, recording execution time and DPU-seconds', async () => {
    aws.control.createJob({ Name: 'hourly-stats' });
    aws.control.createCrawler({ Name: 'stats-crawler' });
    h = await startHarness({
      dags: {
        'glue.ts': `
import { dag, fn, glue } from '@sluice/sdk';
export const d = dag({ id: 'glue_hourly', schedule: null, start: '2026-01-01' });
const job = d.task('job', glue.startJobRun({ jobName: 'hourly-stats', arguments: { '--hour': '{{ data_interval_start }}' }, workerType: 'G.1X', numberOfWorkers: 2 }));
const crawl = d.task('crawl', { upstream: [job] }, glue.crawler({ crawlerName: 'stats-crawler' }));
d.task('cost', { upstream: [job, crawl] }, fn(async (ctx) => ctx.output(job).dpuSeconds));
`,
      },
    });
    const run = await h.trigger('glue_hourly');
    const done = await h.waitForRun('glue_hourly', run.runId, ['success', 'failed'], 30_000);
    expect(done.taskInstances.map((t) => t.state)).toEqual(['success', 'success', 'success']);
    const [jobRun] = aws.control.state().glue.jobRuns;
    expect(jobRun?.state).toBe('SUCCEEDED');
    expect(jobRun?.arguments['--hour']).toBe(done.dataIntervalStart);
    const job = await request(h.app).get(`/api/v1/dags/glue_hourly/runs/${encodeURIComponent(run.runId)}/tasks/job`);
    expect(job.body.output).toMatchObject({ jobRunId: jobRun?.id });
    expect(job.body.output.executionTimeSeconds).toBeGreaterThan(0);
    const cost = await request(h.app).get(`/api/v1/dags/glue_hourly/runs/${encodeURIComponent(run.runId)}/tasks/cost`);
    expect(cost.body.output).toBe(job.body.output.dpuSeconds);
  });

  it("fail the try with Glue's ErrorMessage when the job run fails", async () => {
    aws.control.createJob({ Name: 'hourly-stats' });
    aws.control.addJobRunRule({
      outcome: 'FAILED',
      errorMessage: 'AnalysisException: Path does not exist: s3://events/raw',
    });
    h = await startHarness({
      dags: {
        'glue.ts': `
import { dag, glue } from '@sluice/sdk';
export const d = dag({ id: 'glue_fail', schedule: null, start: '2026-01-01' });
d.task('job', glue.startJobRun({ jobName: 'hourly-stats' }));
`,
      },
    });
    const run = await h.trigger('glue_fail');
    const done = await h.waitForRun('glue_fail', run.runId, ['success', 'failed'], 30_000);
    expect(done.state).toBe('failed');
    const job = await request(h.app).get(`/api/v1/dags/glue_fail/runs/${encodeURIComponent(run.runId)}/tasks/job`);
    expect(job.body.tries[0].error.message).toContain('Path does not exist');
  });
});

describe('waiting on AWS', () => {
  it('does not hold worker slots: 200 concurrent EMR step waits finish with worker concurrency 2', async () => {
    // The steps run until the test lets them finish, so every wait is seen waiting.
    aws.control.setDurations({ clusterStartMs: 0, stepRunMs: 600_000 });
    const emr = new EMRClient({
      endpoint: aws.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const ids: Array<{ cluster: string; step: string }> = [];
    for (let i = 0; i < 200; i++) {
      const flow = await emr.send(
        new RunJobFlowCommand({
          Name: `c${i}`,
          ReleaseLabel: 'emr-7.2.0',
          Instances: { KeepJobFlowAliveWhenNoSteps: true, InstanceCount: 1, MasterInstanceType: 'm5.xlarge' },
          Steps: [{ Name: `s${i}`, HadoopJarStep: { Jar: 'command-runner.jar', Args: ['true'] } }],
        }),
      );
      const cluster = aws.control.state().emr.clusters.find((c) => c.id === flow.JobFlowId);
      ids.push({ cluster: flow.JobFlowId ?? '', step: cluster?.steps[0]?.id ?? '' });
    }
    const tasks = ids
      .map((x, i) => `d.task('wait_${i}', emr.stepSensor({ clusterId: '${x.cluster}', stepId: '${x.step}' }));`)
      .join('\n');
    h = await startHarness({
      workerConcurrency: 2,
      dags: {
        'many.ts': `
import { dag, emr } from '@sluice/sdk';
export const d = dag({ id: 'many_waits', schedule: null, start: '2026-01-01', maxActiveTasks: 250 });
${tasks}
`,
      },
      env: { SLUICE_DEFER_CHECK_MIN_MS: '500', SLUICE_DEFER_CHECK_MAX_MS: '1000' },
    });
    const counts = async () => {
      const res = await h?.db.db.pool.query<{ state: string; n: string }>(
        `SELECT state, count(*) AS n FROM task_instance GROUP BY state`,
      );
      return new Map((res?.rows ?? []).map((r) => [r.state, Number(r.n)]));
    };
    const run = await h.trigger('many_waits');
    // With two worker slots, 200 waits can only all be under way if none holds a slot.
    await waitFor(
      'all 200 tasks to wait on their steps',
      async () => ((await counts()).get('deferred') === 200 ? true : undefined),
      60_000,
    );
    const steps = aws.control.state().emr.clusters.map((c) => c.steps[0]?.state);
    expect(steps.every((state) => state === 'RUNNING')).toBe(true);

    aws.control.setDurations({ stepRunMs: 100 });
    await waitFor(
      'all 200 waits to finish',
      async () => ((await counts()).get('success') === 200 ? true : undefined),
      60_000,
    );
    const final = await h.getRun('many_waits', run.runId);
    expect(final.state).toBe('success');
  }, 180_000);
});
