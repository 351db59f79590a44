/**
 * A Redshift delivery driver: waits for a batch manifest, stages it, and runs
 * COPY. Here the COPY always fails (as when a vacuum or a full disk blocks
 * it), so after its retries `load_to_redshift` is failed, `mark_delivered`
 * becomes upstream_failed, and `cleanup_staging` (trigger rule all_done)
 * still runs.
 */
import { dag, fn, shell } from '@sluice/sdk';

export const failingDelivery = dag({
  id: 'failing_delivery',
  description: 'Delivery whose load always fails: shows retries, upstream_failed and an all_done cleanup',
  schedule: '@daily',
  start: '2026-01-01',
  catchup: false,
  tags: ['delivery', 'redshift', 'example'],
  owner: 'delivery',
  defaultArgs: { retryDelay: '2s', executionTimeout: '1m' },
});

const waitForManifest = failingDelivery.task(
  'wait_for_manifest',
  fn(async (ctx) => {
    const day = ctx.logicalDate.toISOString().slice(0, 10);
    return { manifest: `s3://delivery/manifests/${day}/batch-0001.json`, files: 6 };
  }),
);

const stage = failingDelivery.task(
  'stage_batch',
  { upstream: [waitForManifest] },
  shell({ command: 'mkdir -p /tmp/sluice-demo/staging/$SLUICE_DS && echo "staged 6 files for $SLUICE_DS"' }),
);

const loadToRedshift = failingDelivery.task(
  'load_to_redshift',
  { upstream: [waitForManifest, stage], retries: 2 },
  fn(async (ctx) => {
    const { manifest } = ctx.output(waitForManifest);
    ctx.log(`COPY events FROM '${manifest}' MANIFEST (try ${ctx.tryNumber}/${ctx.maxTries})`);
    throw new Error('Redshift COPY failed: disk full while a VACUUM is running');
  }),
);

failingDelivery.task(
  'mark_delivered',
  { upstream: [loadToRedshift] },
  shell({ command: 'echo "delivered $SLUICE_DS"' }),
);

failingDelivery.task(
  'cleanup_staging',
  { upstream: [loadToRedshift], triggerRule: 'all_done', doc: 'Runs whether the load succeeded or not.' },
  shell({ command: 'rm -rf /tmp/sluice-demo/staging/$SLUICE_DS && echo "staging for $SLUICE_DS removed"' }),
);
