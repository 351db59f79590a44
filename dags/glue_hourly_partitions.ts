/**
 * The hourly Glue pipeline for whatever arrived: each game region's servers
 * export their hour of events under their own S3 partition
 * (`raw/events/dt=…/hour=…/region=…/`), and how many regions report in an
 * hour is known only when it has passed. Once the first export of the hour
 * has landed, the partitions there are listed and the Glue job runs once
 * per partition (a mapped task: one task instance, one Glue job run, per
 * region), at most four at a time; the report reads every run's outcome as
 * one array, in partition order.
 */
import { dag, fn, glue, items, s3 } from '@sluice/sdk';

export const glueHourlyPartitions = dag({
  id: 'glue_hourly_partitions',
  description: 'Hourly Glue job run per S3 partition that landed in the hour',
  schedule: '@hourly',
  start: '2026-11-01',
  catchup: false,
  maxActiveRuns: 2,
  tags: ['glue', 's3', 'mapping', 'hourly', 'example'],
  owner: 'analytics',
  defaultArgs: { retries: 2, retryDelay: '2m' },
});

const landed = glueHourlyPartitions.task(
  'wait_for_exports',
  s3.keySensor({
    bucket: 'game-events',
    prefix: 'raw/events/dt={{ ds }}/hour={{ hour }}/',
    minSize: 1,
    pokeInterval: '2m',
    timeout: '3h',
    mode: 'skip',
  }),
);

/** One partition a region's export landed in. */
interface Partition {
  region: string;
  path: string;
}

const partitions = glueHourlyPartitions.task(
  'list_partitions',
  { upstream: [landed] },
  fn(async (ctx) => {
    const { bucket, keys } = ctx.output(landed);
    const byRegion = new Map<string, Partition>();
    for (const key of keys) {
      const dir = key.slice(0, key.lastIndexOf('/') + 1);
      const region = /(?:^|\/)region=([^/]+)\//.exec(dir)?.[1];
      if (region !== undefined && !byRegion.has(region))
        byRegion.set(region, { region, path: `s3://${bucket}/${dir}` });
    }
    const found = [...byRegion.values()].sort((a, b) => a.region.localeCompare(b.region));
    ctx.log(`${found.length} partitions landed: ${found.map((p) => p.region).join(', ')}`);
    return { partitions: found };
  }),
);

const stats = glueHourlyPartitions.task(
  'partition_stats_job',
  {
    upstream: [partitions],
    map: items(partitions, (o) => o.partitions),
    maxActiveTisPerDagrun: 4,
    executionTimeout: '45m',
  },
  glue.startJobRun({
    jobName: 'hourly-ad-stats',
    arguments: {
      '--source': '{{ item.path }}',
      '--target': 's3://game-events/stats/dt={{ ds }}/hour={{ hour }}/region={{ item.region }}/',
    },
    workerType: 'G.1X',
    numberOfWorkers: 2,
    timeoutMinutes: 40,
  }),
);

glueHourlyPartitions.task(
  'report',
  { upstream: [partitions, stats] },
  fn(async (ctx) => {
    const runs = ctx.output(stats);
    const regions = ctx.output(partitions).partitions.map((p) => p.region);
    ctx.log(`${runs.length} Glue job runs for ${regions.join(', ')}`);
    return { regions, jobRuns: runs.map((r) => r.jobRunId) };
  }),
);
