import { AddJobFlowStepsCommand, TerminateJobFlowsCommand } from '@aws-sdk/client-emr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, readyCluster, startHarness } from '../aws/testing';
import { createClusterOperator as create, MARKER_TAG } from './create-cluster';
import { clusterSensorOperator, stepSensorOperator } from './sensors';
import { terminateClusterOperator as terminate } from './terminate-cluster';

const START = 1000;
const TERMINATE = 100;
let h: Harness;

beforeEach(async () => {
  h = await startHarness({ clusterStartMs: START, clusterTerminateMs: TERMINATE, stepRunMs: 500 });
});
afterEach(() => h.close());

const createOptions = create.compile({
  name: 'daily-batch',
  releaseLabel: 'emr-7.2.0',
  instances: { masterInstanceType: 'm5.xlarge', slaveInstanceType: 'r5.2xlarge', instanceCount: 3 },
  applications: ['Hive', 'Spark'],
  tags: { team: 'news' },
});
const clusters = () => h.emulator.control.state().emr.clusters;

describe('emr.createCluster', () => {
  it('creates a kept-alive cluster tagged with the marker and outputs its id once it is WAITING', async () => {
    const ctx = h.ctx();
    const started = await create.start(createOptions, ctx);
    expect(started).toMatchObject({ state: 'waiting', ref: { type: 'emr.cluster', awsState: 'STARTING' } });
    const [cluster] = clusters();
    expect(cluster).toMatchObject({
      name: `daily-batch [${ctx.marker}]`,
      keepAlive: true,
      applications: ['Hive', 'Spark'],
    });
    expect(cluster?.tags).toEqual([
      { Key: 'team', Value: 'news' },
      { Key: MARKER_TAG, Value: ctx.marker },
    ]);
    expect((await create.poll(createOptions, started.ref, ctx)).state).toBe('waiting');
    h.clock.advance(START);
    expect(await create.poll(createOptions, started.ref, ctx)).toMatchObject({
      state: 'succeeded',
      output: { clusterId: cluster?.id },
      ref: { awsState: 'WAITING' },
    });
  });

  it("adopts the cluster of a crashed worker, and an earlier try's cluster still starting", async () => {
    await create.start(createOptions, h.ctx(1));
    h.records.splice(
      0,
      h.records.findIndex((r) => r['phase'] === 'submitting'),
    );
    const again = await create.start(createOptions, h.ctx(1));
    const retry = await create.start(createOptions, h.ctx(2));
    expect(clusters()).toHaveLength(1);
    expect(again.ref['clusterId']).toBe(clusters()[0]?.id);
    expect(retry.ref).toMatchObject({ clusterId: clusters()[0]?.id, adoptedFrom: h.ctx(1).marker });
  });

  it('fails with the StateChangeReason when the cluster ends before it is ready', async () => {
    const started = await create.start(createOptions, h.ctx());
    await h.emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [String(started.ref['clusterId'])] }));
    const failed = await create.poll(createOptions, started.ref, h.ctx());
    expect(failed).toMatchObject({ state: 'failed', retryable: true, error: { name: 'EmrClusterTerminated' } });
    if (failed.state === 'failed')
      expect(failed.error.message).toMatch(
        /is TERMINATING before it was ready: USER_REQUEST: Terminated by user request/,
      );
  });

  it('cancel terminates the cluster', async () => {
    const started = await create.start(createOptions, h.ctx());
    await create.cancel(createOptions, started.ref, h.ctx());
    h.clock.advance(TERMINATE);
    expect(clusters()[0]?.state).toBe('TERMINATED');
  });
});

describe('emr.terminateCluster', () => {
  it('terminates the upstream cluster and succeeds once it is TERMINATED', async () => {
    const clusterId = await readyCluster(h);
    const options = terminate.compile({ clusterFrom: 'create_cluster' });
    const ctx = h.ctx(1, { upstreamOutputs: new Map([['create_cluster', { clusterId }]]) });
    const started = await terminate.start(options, ctx);
    expect(started).toMatchObject({ state: 'waiting', ref: { awsState: 'TERMINATING' } });
    h.clock.advance(TERMINATE);
    expect(await terminate.poll(options, started.ref, ctx)).toMatchObject({
      state: 'succeeded',
      output: { clusterId, finalState: 'TERMINATED' },
    });
  });

  it('succeeds at once for a terminated cluster or an upstream that created none', async () => {
    const clusterId = await readyCluster(h);
    await h.emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [clusterId] }));
    h.clock.advance(TERMINATE);
    expect((await terminate.start(terminate.compile({ clusterId }), h.ctx())).state).toBe('succeeded');
    const none = await terminate.start(terminate.compile({ clusterFrom: 'create_cluster' }), h.ctx());
    expect(none).toMatchObject({ state: 'succeeded', output: { clusterId: null } });
    expect(h.emulator.control.calls('TerminateJobFlows')).toHaveLength(1);
  });
});

describe('EMR sensors', () => {
  it('stepSensor waits for the steps an upstream task submitted, and fails when one fails', async () => {
    const clusterId = await readyCluster(h);
    h.emulator.control.addStepRule({ name: 'bad', failureDetails: { reason: 'Exit 2', message: 'hive error' } });
    const { StepIds = [] } = await h.emr.send(
      new AddJobFlowStepsCommand({
        JobFlowId: clusterId,
        Steps: [
          { Name: 'good', HadoopJarStep: { Jar: 'command-runner.jar', Args: [] } },
          { Name: 'bad', ActionOnFailure: 'CONTINUE', HadoopJarStep: { Jar: 'command-runner.jar', Args: [] } },
        ],
      }),
    );
    const ctx = h.ctx(1, { upstreamOutputs: new Map([['add_steps', { clusterId, stepIds: StepIds }]]) });
    const options = stepSensorOperator.compile({ stepFrom: 'add_steps' });
    const first = await stepSensorOperator.start(options, ctx);
    expect(first.state).toBe('waiting');
    h.clock.advance(1000);
    const ended = await stepSensorOperator.poll(options, first.ref, ctx);
    expect(ended).toMatchObject({
      state: 'failed',
      retryable: false,
      error: { message: expect.stringContaining('Exit 2: hive error') },
    });
    const one = stepSensorOperator.compile({ clusterId, stepId: StepIds[0] });
    expect(await stepSensorOperator.start(one, h.ctx())).toMatchObject({
      state: 'succeeded',
      output: { clusterId, stepIds: [StepIds[0]] },
    });
  });

  it('clusterSensor waits for a target state and fails when the cluster ends elsewhere', async () => {
    const started = await create.start(createOptions, h.ctx());
    const clusterId = String(started.ref['clusterId']);
    const ready = clusterSensorOperator.compile({ clusterId });
    expect((await clusterSensorOperator.start(ready, h.ctx())).state).toBe('waiting');
    h.clock.advance(START);
    expect(await clusterSensorOperator.start(ready, h.ctx())).toMatchObject({
      state: 'succeeded',
      output: { clusterId, state: 'WAITING' },
    });
    const done = clusterSensorOperator.compile({ clusterId, targetStates: ['RUNNING'] });
    await h.emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [clusterId] }));
    h.clock.advance(TERMINATE);
    expect(await clusterSensorOperator.start(done, h.ctx())).toMatchObject({
      state: 'failed',
      retryable: false,
      error: { name: 'EmrClusterTerminated' },
    });
  });
});
