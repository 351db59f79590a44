/**
 * The serverless analytics pipeline's hourly statistics: a Glue Spark job
 * aggregates the last hour of game events into Parquet, then a crawler
 * updates the Data Catalog so Athena sees the new partition. The job gets
 * the data interval as arguments, so a rerun recomputes the same hour.
 */
import { dag, fn, glue } from '@sluice/sdk';

export const glueHourlyStats = dag({
  id: 'glue_hourly_stats',
  description: 'Hourly Glue statistics job, then a crawler for the new partition',
  schedule: '@hourly',
  start: '2026-11-01',
  catchup: false,
  maxActiveRuns: 2,
  tags: ['glue', 'hourly', 'example'],
  owner: 'analytics',
  defaultArgs: { retries: 2, retryDelay: '2m', executionTimeout: '45m' },
});

const stats = glueHourlyStats.task(
  'hourly_stats_job',
  glue.startJobRun({
    jobName: 'hourly-ad-stats',
    arguments: { '--source': 's3://game-events/raw/', '--target': 's3://game-events/stats/' },
    workerType: 'G.1X',
    numberOfWorkers: 10,
    timeoutMinutes: 40,
  }),
);

const crawl = glueHourlyStats.task(
  'update_catalog',
  { upstream: [stats] },
  glue.crawler({ crawlerName: 'game-events-stats' }),
);

glueHourlyStats.task(
  'record_cost',
  { upstream: [stats, crawl] },
  fn(async (ctx) => {
    const run = ctx.output(stats);
    ctx.log(`job run ${run.jobRunId}: ${run.executionTimeSeconds} s, ${run.dpuSeconds} DPU-seconds`);
    return { dpuHours: run.dpuSeconds / 3600 };
  }),
);
