/**
 * The EMR scenarios' DAG and emulator: create_cluster → add_steps (retries
 * 0) → terminate_cluster (all_done), against the AWS emulator in this
 * process, and how to read back what happened.
 */
import request from 'supertest';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type Emulator, startEmulatorWithEnv } from '../aws-support';
import { startHarness, waitFor, type Harness } from '../harness';

export type { Emulator } from '../aws-support';
import { startWorkerKilledOnAnswer, type DoomedWorker } from './kill-worker';

/** The step outlives the heartbeat timeout, so a lost worker is judged while it runs. */
export const STEP_RUN_MS = 5000;
export const HEARTBEAT_TIMEOUT_MS = 3000;

export function startEmulator(): Promise<{ aws: Emulator; restoreEnv: () => void }> {
  return startEmulatorWithEnv({
    clusterStartMs: 200,
    stepRunMs: STEP_RUN_MS,
    jobStartMs: 50,
    jobRunMs: 400,
    crawlMs: 200,
  });
}

export const clusterDag = `
import { dag, emr } from '@sluice/sdk';
export const d = dag({ id: 'emr_cluster', schedule: null, start: '2026-01-01' });
const cluster = d.task('create_cluster', emr.createCluster({
  name: 'daily', releaseLabel: 'emr-7.2.0', applications: ['Spark'],
  instances: { masterInstanceType: 'm5.xlarge', instanceCount: 1 },
}));
const steps = d.task('add_steps', { upstream: [cluster], retries: 0 },
  emr.addSteps({ cluster, steps: [{ name: 'aggregate', args: ['spark-submit', 'aggregate.py'] }] }));
d.task('terminate_cluster', { upstream: [cluster, steps], triggerRule: 'all_done' }, emr.terminateCluster({ cluster }));
`;

interface TryView {
  tryNumber: number;
  state: string;
}

/**
 * The outcome both kill scenarios must reach: every task succeeded on its
 * first try (the lost worker's try was resumed, not failed), the step ran
 * once and completed, terminate_cluster started only after add_steps had
 * ended, and no cluster is left running.
 */
export async function expectAdoptedAndCleanedUp(h: Harness, aws: Emulator, runId: string): Promise<void> {
  const done = await h.waitForRun('emr_cluster', runId, ['success', 'failed'], 60_000);
  const tries = async (taskId: string): Promise<TryView[]> => {
    const res = await request(h.app).get(`/api/v1/dags/emr_cluster/runs/${encodeURIComponent(runId)}/tasks/${taskId}`);
    return (res.body as { tries: TryView[] }).tries;
  };
  const byTask = new Map(done.taskInstances.map((t) => [t.taskId, t]));
  expect(
    done.taskInstances.map((t) => [t.taskId, t.state, t.tryNumber]),
    JSON.stringify({ create: await tries('create_cluster'), steps: await tries('add_steps') }),
  ).toEqual([
    ['create_cluster', 'success', 1],
    ['add_steps', 'success', 1],
    ['terminate_cluster', 'success', 1],
  ]);
  expect(done.state).toBe('success');
  expect((await tries('add_steps')).map((t) => t.state)).toEqual(['success']);
  expect(aws.control.calls('RunJobFlow')).toHaveLength(1);
  expect(aws.control.calls('AddJobFlowSteps')).toHaveLength(1);

  const clusters = aws.control.state().emr.clusters;
  expect(clusters.map((c) => c.state)).toEqual(['TERMINATED']);
  const step = clusters[0]?.steps[0];
  expect(step?.state).toBe('COMPLETED');

  const addSteps = byTask.get('add_steps');
  const terminate = byTask.get('terminate_cluster');
  expect(addSteps?.endedAt).not.toBeNull();
  expect(terminate?.startedAt).not.toBeNull();
  expect(Date.parse(terminate?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(addSteps?.endedAt ?? ''));
}

/**
 * The scenario both kill-on-answer files run: the DAG above on a harness
 * without a worker, a child worker SIGKILLed the moment the emulator has
 * answered `call` (before the answer reaches it), then a fresh worker that
 * must adopt what the dead one started and leave the cluster terminated.
 */
export function defineKillOnAnswerScenario(title: string, call: 'AddJobFlowSteps' | 'RunJobFlow'): void {
  let aws: Emulator;
  let restoreEnv: () => void;
  let h: Harness | null = null;
  let doomed: DoomedWorker | null = null;

  beforeAll(async () => {
    ({ aws, restoreEnv } = await startEmulator());
  });
  afterAll(async () => {
    await aws.close();
    restoreEnv();
  });
  afterEach(async () => {
    await doomed?.close();
    await h?.close();
  });

  it(title, async () => {
    h = await startHarness({ worker: false, heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS, dags: { 'emr.ts': clusterDag } });
    doomed = await startWorkerKilledOnAnswer(h, aws.url, call);
    const run = await h.trigger('emr_cluster');
    await waitFor(`the worker to be killed after ${call}`, async () => (doomed?.isKilled() ? true : undefined), 30_000);
    await h.startWorker();
    await expectAdoptedAndCleanedUp(h, aws, run.runId);
  }, 90_000);
}
