/**
 * SmartNews' batch layer on EMR: a cluster per day, a Hive step that turns
 * the day's activity logs into an ORC table and a Spark step that
 * aggregates it, then the cluster is terminated whatever happened upstream
 * (trigger rule all_done), so no cluster is left running on a failure.
 * With `npm start` and no AWS configured, it runs against the local emulator.
 */
import { dag, emr, fn } from '@sluice/sdk';

export const emrDailyBatch = dag({
  id: 'emr_daily_batch',
  description: 'Daily Hive + Spark aggregation of activity logs on a transient EMR cluster',
  schedule: '0 3 * * *',
  start: '2026-11-01',
  timezone: 'Asia/Tokyo',
  catchup: false,
  maxActiveRuns: 1,
  tags: ['emr', 'batch', 'example'],
  owner: 'data-platform',
  defaultArgs: { retries: 1, retryDelay: '1m', executionTimeout: '3h' },
});

const cluster = emrDailyBatch.task(
  'create_cluster',
  emr.createCluster({
    name: 'daily-batch',
    releaseLabel: 'emr-7.2.0',
    applications: ['Hive', 'Spark'],
    instances: { masterInstanceType: 'm5.xlarge', slaveInstanceType: 'r5.2xlarge', instanceCount: 5 },
    logUri: 's3://smartnews-emr-logs/daily-batch/',
  }),
);

const hive = emrDailyBatch.task(
  'hive_to_orc',
  { upstream: [cluster] },
  emr.addSteps({
    cluster,
    steps: [
      {
        name: 'activity logs to ORC',
        args: [
          'hive-script',
          '--run-hive-script',
          '--args',
          '-f',
          's3://smartnews-etl/hive/user_activities.q',
          '-d',
          'DT={{ ds }}',
        ],
      },
    ],
  }),
);

const spark = emrDailyBatch.task(
  'spark_aggregate',
  { upstream: [cluster, hive] },
  emr.addSteps({
    cluster,
    steps: [
      {
        name: 'aggregate views',
        args: ['spark-submit', '--deploy-mode', 'cluster', 's3://smartnews-etl/spark/aggregate.py'],
      },
    ],
  }),
);

emrDailyBatch.task(
  'terminate_cluster',
  { upstream: [cluster, spark], triggerRule: 'all_done' },
  emr.terminateCluster({ cluster }),
);

emrDailyBatch.task(
  'report',
  { upstream: [spark] },
  fn(async (ctx) => {
    const { clusterId, stepIds } = ctx.output(spark);
    ctx.log(`aggregation finished on ${clusterId} (steps ${stepIds.join(', ')})`);
    return { clusterId, steps: stepIds.length };
  }),
);
