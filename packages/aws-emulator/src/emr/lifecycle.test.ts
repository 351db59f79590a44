import {
  AddJobFlowStepsCommand,
  DescribeClusterCommand,
  DescribeStepCommand,
  type EMRClient,
  ListClustersCommand,
  RunJobFlowCommand,
  TerminateJobFlowsCommand,
} from '@aws-sdk/client-emr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import { type AwsEmulator, startAwsEmulator } from '../server';
import { emrClient, waitFor } from '../test-support';

const durations = { clusterStartMs: 1000, stepRunMs: 5000, clusterTerminateMs: 500 };

let clock: ManualClock;
let emulator: AwsEmulator;
let emr: EMRClient;

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await startAwsEmulator({ now: clock.now, durations });
  emr = emrClient(emulator.url);
});

afterEach(async () => {
  emr.destroy();
  await emulator.close();
});

const instances = { InstanceCount: 1, MasterInstanceType: 'm5.xlarge' };
const sparkStep = (name: string) => ({
  Name: name,
  ActionOnFailure: 'CONTINUE' as const,
  HadoopJarStep: { Jar: 'command-runner.jar', Args: ['spark-submit', `s3://jobs/${name}.py`] },
});

async function clusterState(id: string) {
  const { Cluster } = await emr.send(new DescribeClusterCommand({ ClusterId: id }));
  return Cluster?.Status;
}

describe('EMR cluster lifecycle', () => {
  it('moves a kept-alive cluster STARTING → BOOTSTRAPPING → WAITING, then TERMINATING → TERMINATED on request', async () => {
    const { JobFlowId } = await emr.send(
      new RunJobFlowCommand({
        Name: 'nightly',
        ReleaseLabel: 'emr-7.1.0',
        Instances: { ...instances, KeepJobFlowAliveWhenNoSteps: true },
      }),
    );
    expect(JobFlowId).toMatch(/^j-[A-Z0-9]{13}$/);
    const id = JobFlowId ?? '';
    const created = clock.now();

    expect((await clusterState(id))?.State).toBe('STARTING');
    clock.advance(500);
    expect((await clusterState(id))?.State).toBe('BOOTSTRAPPING');
    clock.advance(500);
    const ready = await clusterState(id);
    expect(ready?.State).toBe('WAITING');
    expect(ready?.Timeline?.CreationDateTime).toEqual(new Date(created));
    expect(ready?.Timeline?.ReadyDateTime).toEqual(new Date(created + 1000));

    await emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [id] }));
    const terminating = await clusterState(id);
    expect(terminating?.State).toBe('TERMINATING');
    expect(terminating?.StateChangeReason).toEqual({ Code: 'USER_REQUEST', Message: 'Terminated by user request' });
    clock.advance(500);
    const terminated = await clusterState(id);
    expect(terminated?.State).toBe('TERMINATED');
    expect(terminated?.Timeline?.EndDateTime).toEqual(new Date(created + 1500));
  });

  it('runs the steps given at creation in order, then shuts an auto-terminating cluster down', async () => {
    const { JobFlowId } = await emr.send(
      new RunJobFlowCommand({
        Name: 'batch',
        Instances: { ...instances, KeepJobFlowAliveWhenNoSteps: false },
        Steps: [sparkStep('extract'), sparkStep('load')],
      }),
    );
    const id = JobFlowId ?? '';
    clock.advance(1000 + 5000 + 5000 + 500);
    const status = await clusterState(id);
    expect(status?.State).toBe('TERMINATED');
    expect(status?.StateChangeReason?.Code).toBe('ALL_STEPS_COMPLETED');

    const { steps } = emulator.control.state().emr.clusters[0] ?? { steps: [] };
    expect(steps.map((step) => [step.name, step.state, step.startedAt, step.endedAt])).toEqual([
      ['extract', 'COMPLETED', clock.now() - 10_500, clock.now() - 5500],
      ['load', 'COMPLETED', clock.now() - 5500, clock.now() - 500],
    ]);
  });

  it('is RUNNING while a step runs and back to WAITING when it is done', async () => {
    const { JobFlowId } = await emr.send(
      new RunJobFlowCommand({ Name: 'warm', Instances: { ...instances, KeepJobFlowAliveWhenNoSteps: true } }),
    );
    const id = JobFlowId ?? '';
    clock.advance(1000);
    const { StepIds } = await emr.send(new AddJobFlowStepsCommand({ JobFlowId: id, Steps: [sparkStep('a')] }));
    expect(StepIds).toHaveLength(1);
    expect(StepIds?.[0]).toMatch(/^s-[A-Z0-9]{13}$/);
    expect((await clusterState(id))?.State).toBe('RUNNING');
    clock.advance(5000);
    expect((await clusterState(id))?.State).toBe('WAITING');
  });

  it('lists clusters filtered by state, newest first', async () => {
    const run = async (name: string, keepAlive: boolean) =>
      (
        await emr.send(
          new RunJobFlowCommand({ Name: name, Instances: { ...instances, KeepJobFlowAliveWhenNoSteps: keepAlive } }),
        )
      ).JobFlowId;
    const first = await run('first', true);
    clock.advance(10);
    const second = await run('second', true);
    clock.advance(10);
    const doomed = await run('doomed', false);
    clock.advance(2000);

    const active = await emr.send(new ListClustersCommand({ ClusterStates: ['WAITING', 'RUNNING'] }));
    expect(active.Clusters?.map((cluster) => cluster.Id)).toEqual([second, first]);
    const ended = await emr.send(new ListClustersCommand({ ClusterStates: ['TERMINATED'] }));
    expect(ended.Clusters?.map((cluster) => cluster.Id)).toEqual([doomed]);
    const all = await emr.send(new ListClustersCommand({}));
    expect(all.Clusters).toHaveLength(3);
  });
});

describe('EMR on the real clock', () => {
  it('completes a step with the default durations', async () => {
    const live = await startAwsEmulator();
    const client = emrClient(live.url);
    try {
      const { JobFlowId } = await client.send(
        new RunJobFlowCommand({ Name: 'live', Instances: { ...instances, KeepJobFlowAliveWhenNoSteps: true } }),
      );
      const id = JobFlowId ?? '';
      const { StepIds } = await client.send(new AddJobFlowStepsCommand({ JobFlowId: id, Steps: [sparkStep('quick')] }));
      const stepId = StepIds?.[0] ?? '';
      const state = await waitFor(async () => {
        const { Step } = await client.send(new DescribeStepCommand({ ClusterId: id, StepId: stepId }));
        return Step?.Status?.State === 'COMPLETED' ? Step.Status.State : undefined;
      });
      expect(state).toBe('COMPLETED');
    } finally {
      client.destroy();
      await live.close();
    }
  });
});
