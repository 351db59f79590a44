/** The SDK's sensors, terminate and crawler builders: kinds, stored options and refusals. */
import { describe, expect, it } from 'vitest';
import { emr, glue } from './aws';
import { dag } from './dag';
import { fn } from './operator';

// Built inside each test: code a test file runs at import counts for every test, so
// the mutation run would try each DAG-building mutant against all the tests.
function refs() {
  const d = dag({ id: 'aws_sensor_refs' });
  const steps = d.task(
    'steps',
    fn(() => ({ clusterId: 'j-A', stepIds: ['s-1'] })),
  );
  const cluster = d.task(
    'cluster',
    fn(() => ({ clusterId: 'j-A' })),
  );
  const run = d.task(
    'run',
    fn(() => ({ jobRunId: 'jr_1' })),
  );
  return { steps, cluster, run };
}

describe('kinds', () => {
  it('name each operator', () => {
    const { steps } = refs();
    expect(
      [
        emr.terminateCluster({ clusterId: 'j-A' }),
        emr.stepSensor({ steps }),
        emr.clusterSensor({ clusterId: 'j-A' }),
        glue.startJobRun({ jobName: 'j' }),
        glue.crawler({ crawlerName: 'c' }),
        glue.jobRunSensor({ jobName: 'j', runId: 'jr_1' }),
        emr.addSteps({ clusterId: 'j-A', steps: [{ name: 's', args: [] }] }),
      ].map((op) => op.kind),
    ).toEqual([
      'emr.terminateCluster',
      'emr.stepSensor',
      'emr.clusterSensor',
      'glue.startJobRun',
      'glue.crawler',
      'glue.jobRunSensor',
      'emr.addSteps',
    ]);
  });
});

describe('emr.stepSensor', () => {
  it('follows the steps task, with the cluster optional, or a step id with a cluster', () => {
    const { steps, cluster } = refs();
    expect(emr.stepSensor({ steps }).options).toEqual({ stepFrom: 'steps' });
    expect(emr.stepSensor({ steps, cluster }).options).toEqual({ stepFrom: 'steps', clusterFrom: 'cluster' });
    expect(emr.stepSensor({ stepId: 's-1ABC', cluster }).options).toEqual({ stepId: 's-1ABC', clusterFrom: 'cluster' });
  });

  it('refuses both or neither, a step id of the wrong shape, and a step id without a cluster', () => {
    const { steps } = refs();
    expect(() => emr.stepSensor({} as never)).toThrow(
      'emr.stepSensor() option steps: give steps (a task ref) or stepId',
    );
    expect(() => emr.stepSensor({ steps, stepId: 's-1' } as never)).toThrow('give steps (a task ref) or stepId');
    expect(() => emr.stepSensor({ stepId: 'xs-1', clusterId: 'j-A' })).toThrow(
      'emr.stepSensor() option stepId "xs-1" is invalid: an EMR step id looks like s-1XXXXXXXXXXXX',
    );
    expect(() => emr.stepSensor({ stepId: 's-1x', clusterId: 'j-A' })).toThrow('option stepId "s-1x" is invalid');
    expect(() => emr.stepSensor({ stepId: 's-1' } as never)).toThrow(
      'emr.stepSensor() option cluster is required: a create_cluster task ref, or clusterId',
    );
  });
});

describe('emr.clusterSensor', () => {
  it('refuses an empty list of target states', () => {
    const { cluster } = refs();
    expect(() => emr.clusterSensor({ clusterId: 'j-A', targetStates: [] })).toThrow(
      'emr.clusterSensor() option targetStates must not be empty',
    );
    expect(emr.clusterSensor({ cluster }).options).toEqual({ clusterFrom: 'cluster' });
  });
});

describe('emr.addSteps', () => {
  it('takes 1 to 256 steps', () => {
    const step = { name: 's', args: [] };
    expect(emr.addSteps({ clusterId: 'j-A', steps: Array(256).fill(step) }).options).toMatchObject({
      clusterId: 'j-A',
    });
    expect(() => emr.addSteps({ clusterId: 'j-A', steps: Array(257).fill(step) })).toThrow(
      'emr.addSteps() option steps must be an array of 1 to 256 steps, got an array',
    );
  });
});

describe('glue', () => {
  it('refuses the marker argument, an argument name that is just --, and bad worker settings', () => {
    expect(() => glue.startJobRun({ jobName: 'j', arguments: { '--sluice-marker': 'x' } })).toThrow(
      'glue.startJobRun() option arguments: --sluice-marker is set by Sluice',
    );
    expect(() => glue.startJobRun({ jobName: 'j', arguments: { '--': 'x' } })).toThrow(
      'option arguments key "--" is invalid',
    );
    expect(() => glue.startJobRun({ jobName: 'j', numberOfWorkers: 2 } as never)).toThrow(
      'glue.startJobRun() option workerType: give workerType and numberOfWorkers together',
    );
    expect(() => glue.startJobRun({ jobName: 'j', workerType: 'G.3X' as never, numberOfWorkers: 2 })).toThrow(
      'glue.startJobRun() option workerType must be one of Standard, G.1X',
    );
    expect(() => glue.startJobRun({ jobName: 'j', workerType: 'G.1X', numberOfWorkers: 0 })).toThrow(
      'glue.startJobRun() option numberOfWorkers must be an integer >= 1',
    );
    expect(() => glue.startJobRun({ jobName: 'j', timeoutMinutes: 10_081 })).toThrow(
      'glue.startJobRun() option timeoutMinutes must be an integer between 1 and 10080',
    );
    expect(() => glue.startJobRun({ jobName: '' })).toThrow(
      'glue.startJobRun() option jobName must be a non-empty string',
    );
    expect(() => glue.crawler({ crawlerName: '' })).toThrow(
      'glue.crawler() option crawlerName must be a non-empty string',
    );
  });

  it('follows a job run by ref or id, not both, not neither', () => {
    const { run } = refs();
    expect(glue.jobRunSensor({ jobName: 'j', run }).options).toEqual({ jobName: 'j', runFrom: 'run' });
    expect(glue.jobRunSensor({ jobName: 'j', runId: 'jr_1' }).options).toEqual({ jobName: 'j', runId: 'jr_1' });
    expect(() => glue.jobRunSensor({ jobName: 'j', run, runId: 'jr_1' } as never)).toThrow(
      'glue.jobRunSensor() option run: give run (a task ref) or runId',
    );
    expect(() => glue.jobRunSensor({ jobName: '', runId: 'x' })).toThrow(
      'glue.jobRunSensor() option jobName must be a non-empty string',
    );
    expect(() => glue.jobRunSensor({ jobName: 'j', runId: '' })).toThrow(
      'glue.jobRunSensor() option runId must be a non-empty string',
    );
  });
});

describe('emr.terminateCluster', () => {
  it('names its cluster by ref or id', () => {
    const { cluster } = refs();
    expect(emr.terminateCluster({ cluster }).options).toEqual({ clusterFrom: 'cluster' });
    expect(emr.terminateCluster({ clusterId: 'j-A', connection: 'prod' }).options).toEqual({
      clusterId: 'j-A',
      connection: 'prod',
    });
  });
});
