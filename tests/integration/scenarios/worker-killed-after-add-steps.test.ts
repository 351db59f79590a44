/**
 * A worker dies (SIGKILL) right after AWS accepted add_steps' step, on the
 * task's last try. Its heartbeat stops; the try must be handed to another
 * worker, which adopts the step, and terminate_cluster (all_done) must not
 * run until the step has really finished.
 */
import { afterAll, afterEach, beforeAll, it } from 'vitest';
import { startHarness, waitFor, type Harness } from '../harness';
import {
  HEARTBEAT_TIMEOUT_MS,
  clusterDag,
  expectAdoptedAndCleanedUp,
  startEmulator,
  type Emulator,
} from './emr-cluster';
import { startWorkerKilledOnAnswer, type DoomedWorker } from './kill-worker';

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

it('the step is adopted and the cluster terminated only after it completed', async () => {
  h = await startHarness({ worker: false, heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS, dags: { 'emr.ts': clusterDag } });
  doomed = await startWorkerKilledOnAnswer(h, aws.url, 'AddJobFlowSteps');
  const run = await h.trigger('emr_cluster');
  await waitFor(
    'the worker to be killed after AddJobFlowSteps',
    async () => (doomed?.isKilled() ? true : undefined),
    30_000,
  );
  await h.startWorker();
  await expectAdoptedAndCleanedUp(h, aws, run.runId);
}, 90_000);
