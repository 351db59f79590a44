/**
 * Stopping external jobs end to end, through the real AWS SDK over HTTP
 * against the local emulator: a cleared try's job is cancelled for sure
 * (retried while AWS fails, every attempt in the try's log), the rerun never
 * adopts a job being cancelled, and a cancel uses the options the try
 * rendered and submitted with.
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
const DURATIONS = {
  clusterStartMs: 100,
  stepRunMs: 400,
  stepCancelMs: 50,
  jobStartMs: 50,
  jobRunMs: 400,
  jobStopMs: 50,
};

beforeAll(async () => {
  ({ aws, restoreEnv } = await startEmulatorWithEnv(DURATIONS));
});
afterAll(async () => {
  await aws.close();
  restoreEnv();
});
afterEach(async () => {
  await h?.close();
  h = null;
  aws.control.reset();
  aws.control.setDurations(DURATIONS);
});

const steps = () => aws.control.state().emr.clusters.flatMap((c) => c.steps);
const jobRuns = () => aws.control.state().glue.jobRuns;

async function sharedCluster(): Promise<string> {
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
  emr.destroy();
  if (flow.JobFlowId === undefined) throw new Error('RunJobFlow returned no id');
  return flow.JobFlowId;
}

const stepDag = (clusterId: string, aws_ = '') => `
import { dag, emr } from '@sluice/sdk';
export const d = dag({ id: 'steps', schedule: null, start: '2026-01-01' });
d.task('step', { retries: 0 }, emr.addSteps({ clusterId: '${clusterId}', steps: [{ name: 'long step', args: ['spark-submit', 'x.py'] }]${aws_} }));
`;

const runPath = (dagId: string, runId: string) => `/api/v1/dags/${dagId}/runs/${encodeURIComponent(runId)}`;

async function logText(dagId: string, runId: string, taskId: string, tryNumber: number): Promise<string> {
  if (!h) throw new Error('no harness');
  const res = await request(h.app)
    .get(`${runPath(dagId, runId)}/tasks/${taskId}/logs`)
    .query({ try: tryNumber });
  return (res.body.lines as Array<{ text: string }>).map((l) => l.text).join('');
}

describe('clearing a deferred EMR task', () => {
  it('reruns on a fresh step, never adopting the step being cancelled', async () => {
    // The first step runs long; cancelling it takes 3 s (CANCEL_PENDING meanwhile).
    aws.control.addStepRule({ name: 'long step', outcome: 'COMPLETED', durationMs: 120_000, times: 1 });
    aws.control.setDurations({ stepCancelMs: 3000 });
    const clusterId = await sharedCluster();
    h = await startHarness({ dags: { 'steps.ts': stepDag(clusterId) } });
    const run = await h.trigger('steps');
    await h.waitForTask('steps', run.runId, 'step', ['deferred'], 20_000);
    await waitFor('the step to run', async () => (steps()[0]?.state === 'RUNNING' ? true : undefined));

    const cleared = await request(h.app)
      .post(`${runPath('steps', run.runId)}/tasks/step/clear`)
      .send({});
    expect(cleared.body.cleared).toEqual(['step']);
    const done = await h.waitForRun('steps', run.runId, ['success', 'failed'], 30_000);
    const detail = await request(h.app).get(`${runPath('steps', run.runId)}/tasks/step`);
    expect(done.state, JSON.stringify(detail.body.tries)).toBe('success');
    expect(done.taskInstances[0]?.tryNumber).toBe(2);
    expect(detail.body.external.adoptedFrom).toBeUndefined();
    expect(aws.control.calls('AddJobFlowSteps')).toHaveLength(2);
    await waitFor(
      'the first step to be cancelled',
      async () => (steps()[0]?.state === 'CANCELLED' ? true : undefined),
      10_000,
    );
    expect(steps().map((s) => s.state)).toEqual(['CANCELLED', 'COMPLETED']);
  });

  it('cancels the step for sure while CancelSteps answers 500 for a few seconds, with every attempt in the log', async () => {
    aws.control.addStepRule({ name: 'long step', outcome: 'COMPLETED', durationMs: 120_000, times: 1 });
    const clusterId = await sharedCluster();
    // One call per attempt: the SDK does not ride out the outage inside a single attempt.
    h = await startHarness({ dags: { 'steps.ts': stepDag(clusterId, ', aws: { maxAttempts: 1 }') } });
    const run = await h.trigger('steps');
    await h.waitForTask('steps', run.runId, 'step', ['deferred'], 20_000);
    await waitFor('the step to run', async () => (steps()[0]?.state === 'RUNNING' ? true : undefined));
    const firstStep = steps()[0]?.id;

    aws.control.injectFault({ operation: 'CancelSteps', kind: 'internal', durationMs: 3000 });
    const cleared = await request(h.app)
      .post(`${runPath('steps', run.runId)}/tasks/step/clear`)
      .send({});
    expect(cleared.body.cleared).toEqual(['step']);

    await waitFor(
      'the first step to be cancelled',
      async () => (steps().find((s) => s.id === firstStep)?.state === 'CANCELLED' ? true : undefined),
      20_000,
    );
    const log = await waitFor('the cancel to be logged as done', async () => {
      const text = await logText('steps', run.runId, 'step', 1);
      return text.includes('cancel done') ? text : undefined;
    });
    expect(log).toMatch(/cancel attempt 1 \(cleared\) failed: InternalServerError/);
    expect(log).toMatch(/trying again in/);
    // Once AWS answers again, the request is done only when AWS shows the step ended (the rerun may have asked too).
    expect(log).toMatch(
      new RegExp(`cancel attempt \\d+ \\(cleared\\): .*${firstStep ?? '?'} (CANCEL_PENDING|CANCELLED)`),
    );
    const failedCalls = aws.control.calls('CancelSteps').filter((c) => c.status === 500);
    expect(failedCalls.length).toBeGreaterThanOrEqual(1);
    // The rerun ran on its own step.
    const done = await h.waitForRun('steps', run.runId, ['success', 'failed'], 30_000);
    expect(done.state).toBe('success');
  });
});

describe('a cancel whose job Redis lost', () => {
  it('is enqueued again by the scheduler from its request in Postgres, and the step is cancelled', async () => {
    aws.control.addStepRule({ name: 'long step', outcome: 'COMPLETED', durationMs: 120_000, times: 1 });
    const clusterId = await sharedCluster();
    h = await startHarness({ worker: false, reconcileAfterMs: 300, dags: { 'steps.ts': stepDag(clusterId) } });
    // A worker of its own process, to be killed once the step runs: nothing is left to take the cancel job.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/worker/src/main.ts')], {
      env: { ...process.env, ...h.env, SLUICE_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const run = await h.trigger('steps');
    await h.waitForTask('steps', run.runId, 'step', ['deferred'], 30_000);
    await waitFor('the step to run', async () => (steps()[0]?.state === 'RUNNING' ? true : undefined));
    child.kill('SIGKILL');
    await exited;

    const marked = await request(h.app)
      .patch(`${runPath('steps', run.runId)}/tasks/step`)
      .send({ state: 'failed' });
    expect(marked.status).toBe(200);
    // Everything Redis held for this Sluice is gone, the cancel job with it.
    const keys = await h.redis.keys(`${h.prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await h.redis.del(...keys);
    await h.startWorker();

    await waitFor(
      'the step to be cancelled',
      async () => (steps()[0]?.state === 'CANCELLED' ? true : undefined),
      20_000,
    );
    const log = await waitFor('the cancel to be logged as done', async () => {
      const text = await logText('steps', run.runId, 'step', 1);
      return text.includes('cancel done') ? text : undefined;
    });
    expect(log).toMatch(/cancel attempt 1 \(marked failed\): requested cancellation of steps/);
    expect(aws.control.calls('AddJobFlowSteps')).toHaveLength(1);
  });
});

describe('stopping a Glue task', () => {
  const glueDag = `
import { dag, glue } from '@sluice/sdk';
export const d = dag({ id: 'glue_conf', schedule: null, start: '2026-01-01' });
d.task('job', { retries: 0 }, glue.startJobRun({ jobName: '{{ conf.job }}' }));
`;

  it('stops the run of the job named by the rendered options when the task is marked failed', async () => {
    aws.control.createJob({ Name: 'hourly-stats' });
    aws.control.addJobRunRule({ name: 'hourly-stats', outcome: 'SUCCEEDED', durationMs: 120_000 });
    h = await startHarness({ dags: { 'glue.ts': glueDag } });
    const run = await h.trigger('glue_conf', { conf: { job: 'hourly-stats' } });
    await h.waitForTask('glue_conf', run.runId, 'job', ['deferred'], 20_000);
    await waitFor('the run to start', async () => (jobRuns()[0]?.state === 'RUNNING' ? true : undefined));

    const marked = await request(h.app)
      .patch(`${runPath('glue_conf', run.runId)}/tasks/job`)
      .send({ state: 'failed' });
    expect(marked.status).toBe(200);
    await waitFor('the run to be stopped', async () => (jobRuns()[0]?.state === 'STOPPED' ? true : undefined), 10_000);
    expect(aws.control.calls('BatchStopJobRun').map((c) => (c.input as { JobName?: string }).JobName)).toContain(
      'hourly-stats',
    );
  });

  it('reruns a cleared task on a fresh run while the old one cannot be stopped yet, never adopting it', async () => {
    aws.control.createJob({ Name: 'hourly-stats' });
    aws.control.addJobRunRule({ name: 'hourly-stats', outcome: 'SUCCEEDED', durationMs: 120_000, times: 1 });
    h = await startHarness({ dags: { 'glue.ts': glueDag } });
    const run = await h.trigger('glue_conf', { conf: { job: 'hourly-stats' } });
    await h.waitForTask('glue_conf', run.runId, 'job', ['deferred'], 20_000);
    await waitFor('the run to start', async () => (jobRuns()[0]?.state === 'RUNNING' ? true : undefined));

    // Glue refuses to stop anything for 2 s: the rerun finds try 1's run still RUNNING.
    aws.control.injectFault({ operation: 'BatchStopJobRun', kind: 'internal', durationMs: 2000 });
    const cleared = await request(h.app)
      .post(`${runPath('glue_conf', run.runId)}/tasks/job/clear`)
      .send({});
    expect(cleared.body.cleared).toEqual(['job']);
    const done = await h.waitForRun('glue_conf', run.runId, ['success', 'failed'], 30_000);
    const detail = await request(h.app).get(`${runPath('glue_conf', run.runId)}/tasks/job`);
    expect(done.state, JSON.stringify(detail.body.tries)).toBe('success');
    expect(detail.body.external.adoptedFrom).toBeUndefined();
    // The cancel goes on after the rerun succeeded: it is done when the worker has seen try 1's run stopped.
    await waitFor(
      "try 1's cancel to be done",
      async () => ((await logText('glue_conf', run.runId, 'job', 1)).includes('cancel done') ? true : undefined),
      20_000,
      () => logText('glue_conf', run.runId, 'job', 1),
    );
    expect(jobRuns().map((r) => r.state)).toEqual(['STOPPED', 'SUCCEEDED']);
  });
});
