/**
 * A cluster per run, always released: `create_cluster` is a setup task and
 * `terminate_cluster` its teardown, which runs once the cluster exists
 * whatever the steps did (a failed step still fails the run; a failed
 * termination does not). `choose_load` branches: Mondays reload the whole
 * table, other days add the day's partition; the load not taken is skipped
 * and `publish` (none_failed_min_one_success) runs after the one that was.
 * With `npm start` and no AWS configured, it runs against the local emulator.
 */
import { dag, emr, fn } from '@sluice/sdk';

export const emrClusterPerRun = dag({
  id: 'emr_cluster_per_run',
  description: 'Daily load on a cluster made for the run and terminated after it, full reload on Mondays',
  schedule: '0 4 * * *',
  start: '2026-11-01',
  catchup: false,
  maxActiveRuns: 1,
  tags: ['emr', 'batch', 'example'],
  owner: 'data-platform',
  defaultArgs: { retries: 1, retryDelay: '1m', executionTimeout: '3h' },
});

const cluster = emrClusterPerRun.setup(
  'create_cluster',
  emr.createCluster({
    name: 'load-per-run',
    releaseLabel: 'emr-7.2.0',
    applications: ['Spark'],
    instances: { masterInstanceType: 'm5.xlarge', slaveInstanceType: 'r5.2xlarge', instanceCount: 3 },
  }),
);

const choose = emrClusterPerRun.branch(
  'choose_load',
  { upstream: [cluster], choices: ['full_reload', 'daily_partition'] },
  fn((ctx) => (ctx.logicalDate.getUTCDay() === 1 ? 'full_reload' : 'daily_partition')),
);

const full = emrClusterPerRun.task(
  'full_reload',
  { upstream: [choose, cluster] },
  emr.addSteps({
    cluster,
    steps: [{ name: 'reload events', args: ['spark-submit', 's3://etl/spark/load.py', '--full'] }],
  }),
);

const daily = emrClusterPerRun.task(
  'daily_partition',
  { upstream: [choose, cluster] },
  emr.addSteps({
    cluster,
    steps: [{ name: 'load the day', args: ['spark-submit', 's3://etl/spark/load.py', '--day', '{{ ds }}'] }],
  }),
);

const publish = emrClusterPerRun.task(
  'publish',
  { upstream: [full, daily], triggerRule: 'none_failed_min_one_success' },
  fn((ctx) => {
    const loaded = ctx.hasOutput(full) ? ctx.output(full) : ctx.output(daily);
    ctx.log(`loaded on ${loaded.clusterId} by step ${loaded.stepIds.join(', ')}`);
    return { clusterId: loaded.clusterId };
  }),
);

emrClusterPerRun.teardown(
  'terminate_cluster',
  { setup: cluster, upstream: [publish] },
  emr.terminateCluster({ cluster }),
);
