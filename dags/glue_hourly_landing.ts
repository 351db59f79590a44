/**
 * The hourly Glue pipeline, started by its data rather than by the clock
 * alone: each hour waits for the game servers' export of that hour to land
 * in S3 (a Hive-style partition with at least one non-empty file), then runs
 * the Glue job on that partition and updates the catalog. The waits hold no
 * worker slot. An hour whose export never comes is skipped after 3 hours
 * (the job and crawler with it) rather than failed: a quiet hour is not an
 * incident, and the alert task reports it.
 */
import { dag, fn, glue, s3 } from '@sluice/sdk';

export const glueHourlyLanding = dag({
  id: 'glue_hourly_landing',
  description: 'Hourly Glue job on the hour of events, once its S3 partition has landed',
  schedule: '@hourly',
  start: '2026-11-01',
  catchup: false,
  maxActiveRuns: 4,
  tags: ['glue', 's3', 'sensor', 'hourly', 'example'],
  owner: 'analytics',
  defaultArgs: { retries: 2, retryDelay: '2m' },
});

const landed = glueHourlyLanding.task(
  'wait_for_events',
  s3.partitionSensor({
    bucket: 'game-events',
    prefix: 'raw/events',
    partition: { dt: '{{ ds }}', hour: '{{ hour }}' },
    minSize: 1,
    pokeInterval: '2m',
    timeout: '3h',
    mode: 'skip',
  }),
);

const stats = glueHourlyLanding.task(
  'hourly_stats_job',
  { upstream: [landed], executionTimeout: '45m' },
  glue.startJobRun({
    jobName: 'hourly-ad-stats',
    arguments: {
      '--source': 's3://game-events/raw/events/dt={{ ds }}/hour={{ hour }}/',
      '--target': 's3://game-events/stats/',
    },
    workerType: 'G.1X',
    numberOfWorkers: 10,
    timeoutMinutes: 40,
  }),
);

glueHourlyLanding.task('update_catalog', { upstream: [stats] }, glue.crawler({ crawlerName: 'game-events-stats' }));

// Runs whether the export landed or the hour was skipped.
glueHourlyLanding.task(
  'report',
  { upstream: [landed], triggerRule: 'all_done' },
  fn(async (ctx) => {
    if (!ctx.hasOutput(landed)) {
      ctx.log('no events landed for this hour within 3 hours; the hour was skipped');
      return { files: 0 };
    }
    const { count } = ctx.output(landed);
    ctx.log(`${count} event files landed`);
    return { files: count };
  }),
);
