/**
 * A worker dies (SIGKILL) right after AWS accepted create_cluster's
 * RunJobFlow, before it could write the cluster id down. The try must be
 * handed to another worker, which adopts the cluster by its marker; nothing
 * downstream may be marked upstream_failed meanwhile, and the cluster is
 * terminated at the end, not left WAITING.
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

it('the cluster is adopted, the step runs on it, and it is terminated', async () => {
  h = await startHarness({ worker: false, heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS, dags: { 'emr.ts': clusterDag } });
  doomed = await startWorkerKilledOnAnswer(h, aws.url, 'RunJobFlow');
  const run = await h.trigger('emr_cluster');
  await waitFor(
    'the worker to be killed after RunJobFlow',
    async () => (doomed?.isKilled() ? true : undefined),
    30_000,
  );
  await h.startWorker();
  await expectAdoptedAndCleanedUp(h, aws, run.runId);
}, 90_000);
