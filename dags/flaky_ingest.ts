/**
 * An ingest that fails on its first try and succeeds on the retry, the way a
 * throttled S3 listing or a late CloudFront log batch does (AudienceProject's
 * correction job re-reads late logs). Shows up_for_retry → success.
 */
import { dag, fn, shell } from '@sluice/sdk';

export const flakyIngest = dag({
  id: 'flaky_ingest',
  description: 'First try fails, the retry a few seconds later succeeds',
  schedule: '@hourly',
  start: '2026-01-01',
  catchup: false,
  tags: ['retries', 'example'],
  owner: 'data-platform',
});

const ingest = flakyIngest.task(
  'ingest',
  { retries: 2, retryDelay: '3s', executionTimeout: '1m', doc: 'Fails on try 1 (throttled), succeeds on try 2.' },
  fn(async (ctx) => {
    if (ctx.tryNumber === 1) {
      throw new Error('S3 ListObjectsV2 throttled (SlowDown); will retry');
    }
    ctx.log(`try ${ctx.tryNumber} of ${ctx.maxTries}: listing succeeded`);
    return { batches: 12, lateBatches: 1 };
  }),
);

const correct = flakyIngest.task(
  'correct_metrics',
  { upstream: [ingest] },
  fn(async (ctx) => {
    const { batches, lateBatches } = ctx.output(ingest);
    ctx.log(`re-aggregating ${lateBatches} late batch(es) out of ${batches}`);
    return { corrected: lateBatches };
  }),
);

flakyIngest.task(
  'publish',
  { upstream: [correct] },
  shell({ command: 'echo "metrics for $SLUICE_LOGICAL_DATE locked in"' }),
);
