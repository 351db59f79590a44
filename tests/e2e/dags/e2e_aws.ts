import { dag, emr, glue } from '@sluice/sdk';

// An EMR step that fails and a Glue job run, against the AWS emulator serve.ts starts: the task panel's job fields.
export const awsJobs = dag({
  id: 'e2e_aws',
  schedule: null,
  start: '2026-01-01',
  description: 'an EMR cluster and step, and a Glue job run, on the AWS emulator',
  tags: ['e2e'],
});
const cluster = awsJobs.task(
  'create_cluster',
  emr.createCluster({
    name: 'e2e',
    releaseLabel: 'emr-7.2.0',
    applications: ['Spark'],
    instances: { masterInstanceType: 'm5.xlarge', instanceCount: 1 },
  }),
);
awsJobs.task(
  'spark',
  { upstream: [cluster], retries: 0 },
  emr.addSteps({ cluster, steps: [{ name: 'spark aggregate', args: ['spark-submit', 'aggregate.py'] }] }),
);
awsJobs.task('stats', glue.startJobRun({ jobName: 'e2e-hourly', workerType: 'G.1X', numberOfWorkers: 2 }));
