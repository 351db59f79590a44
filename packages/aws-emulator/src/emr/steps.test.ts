import {
  AddJobFlowStepsCommand,
  CancelStepsCommand,
  DescribeClusterCommand,
  DescribeStepCommand,
  type EMRClient,
  ListStepsCommand,
  RunJobFlowCommand,
  type StepConfig,
  TerminateJobFlowsCommand,
} from '@aws-sdk/client-emr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import { type AwsEmulator, startAwsEmulator } from '../server';
import { emrClient, rejection } from '../test-support';

const START = 1000;
const RUN = 5000;
const CANCEL = 200;

let clock: ManualClock;
let emulator: AwsEmulator;
let emr: EMRClient;

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await startAwsEmulator({
    now: clock.now,
    durations: { clusterStartMs: START, stepRunMs: RUN, stepCancelMs: CANCEL, clusterTerminateMs: 100 },
  });
  emr = emrClient(emulator.url);
});

afterEach(async () => {
  emr.destroy();
  await emulator.close();
});

type Action = StepConfig['ActionOnFailure'];
const step = (name: string, ActionOnFailure: Action = 'CONTINUE', args: string[] = []): StepConfig => ({
  Name: name,
  ActionOnFailure,
  HadoopJarStep: { Jar: 'command-runner.jar', Args: ['spark-submit', ...args] },
});

/** A kept-alive cluster that is ready (WAITING). */
async function readyCluster(): Promise<string> {
  const { JobFlowId } = await emr.send(
    new RunJobFlowCommand({ Name: 'c', Instances: { KeepJobFlowAliveWhenNoSteps: true, InstanceCount: 1 } }),
  );
  clock.advance(START);
  return JobFlowId ?? '';
}

async function addSteps(clusterId: string, steps: StepConfig[]): Promise<string[]> {
  const { StepIds } = await emr.send(new AddJobFlowStepsCommand({ JobFlowId: clusterId, Steps: steps }));
  return StepIds ?? [];
}

async function getStep(clusterId: string, stepId: string) {
  const { Step } = await emr.send(new DescribeStepCommand({ ClusterId: clusterId, StepId: stepId }));
  return Step;
}

async function states(clusterId: string, ids: string[]): Promise<Array<string | undefined>> {
  return Promise.all(ids.map(async (id) => (await getStep(clusterId, id))?.Status?.State));
}

describe('EMR steps', () => {
  it('runs one step at a time in submission order, PENDING → RUNNING → COMPLETED', async () => {
    const cluster = await readyCluster();
    const ids = await addSteps(cluster, [step('one'), step('two')]);
    expect(await states(cluster, ids)).toEqual(['RUNNING', 'PENDING']);
    clock.advance(RUN);
    expect(await states(cluster, ids)).toEqual(['COMPLETED', 'RUNNING']);
    clock.advance(RUN);
    expect(await states(cluster, ids)).toEqual(['COMPLETED', 'COMPLETED']);

    const second = await getStep(cluster, ids[1] ?? '');
    expect(second?.Status?.Timeline?.StartDateTime).toEqual(new Date(clock.now() - RUN));
    expect(second?.Status?.Timeline?.EndDateTime).toEqual(new Date(clock.now()));
    expect(second?.Config?.Args).toEqual(['spark-submit']);
  });

  it('fails a step matched by a rule with the FailureDetails it sets, and CONTINUE runs the next', async () => {
    emulator.control.addStepRule({
      name: /^transform/,
      failureDetails: { reason: 'Spark OOM', message: 'Container killed', logFile: 's3://logs/stderr.gz' },
    });
    const cluster = await readyCluster();
    const ids = await addSteps(cluster, [step('transform-day'), step('publish')]);
    clock.advance(RUN);
    const failed = await getStep(cluster, ids[0] ?? '');
    expect(failed?.Status?.State).toBe('FAILED');
    expect(failed?.Status?.FailureDetails).toEqual({
      Reason: 'Spark OOM',
      Message: 'Container killed',
      LogFile: 's3://logs/stderr.gz',
    });
    expect(await states(cluster, ids)).toEqual(['FAILED', 'RUNNING']);
  });

  it('gives a failed step default FailureDetails pointing at its log', async () => {
    emulator.control.addStepRule({ args: 'bad\\.py' });
    const cluster = await readyCluster();
    const [id = ''] = await addSteps(cluster, [step('x', 'CONTINUE', ['s3://jobs/bad.py'])]);
    clock.advance(RUN);
    const details = (await getStep(cluster, id))?.Status?.FailureDetails;
    expect(details?.Reason).toBe('Unknown Error.');
    expect(details?.LogFile).toContain(`${cluster}/steps/${id}/stderr.gz`);
  });

  it('applies a rule limited by times only to that many submissions, so a retry succeeds', async () => {
    emulator.control.addStepRule({ name: 'flaky', times: 1 });
    const cluster = await readyCluster();
    const [first = ''] = await addSteps(cluster, [step('flaky')]);
    clock.advance(RUN);
    const [retry = ''] = await addSteps(cluster, [step('flaky')]);
    clock.advance(RUN);
    expect(await states(cluster, [first, retry])).toEqual(['FAILED', 'COMPLETED']);
  });

  it('cancels the pending steps and waits when a CANCEL_AND_WAIT step fails', async () => {
    emulator.control.addStepRule({ name: 'breaks' });
    const cluster = await readyCluster();
    const ids = await addSteps(cluster, [step('breaks', 'CANCEL_AND_WAIT'), step('after')]);
    clock.advance(RUN);
    expect(await states(cluster, ids)).toEqual(['FAILED', 'CANCELLED']);
    const { Cluster } = await emr.send(new DescribeClusterCommand({ ClusterId: cluster }));
    expect(Cluster?.Status?.State).toBe('WAITING');
  });

  it('terminates the cluster with errors when a TERMINATE_CLUSTER step fails', async () => {
    emulator.control.addStepRule({ name: 'breaks' });
    const cluster = await readyCluster();
    const ids = await addSteps(cluster, [step('breaks', 'TERMINATE_CLUSTER'), step('after')]);
    clock.advance(RUN + 100);
    expect(await states(cluster, ids)).toEqual(['FAILED', 'CANCELLED']);
    const { Cluster } = await emr.send(new DescribeClusterCommand({ ClusterId: cluster }));
    expect(Cluster?.Status?.State).toBe('TERMINATED_WITH_ERRORS');
    expect(Cluster?.Status?.StateChangeReason?.Code).toBe('STEP_FAILURE');
  });

  it('rejects steps for a terminated cluster with ValidationException', async () => {
    const cluster = await readyCluster();
    await emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [cluster] }));
    const error = await rejection(addSteps(cluster, [step('late')]));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('A job flow that is shutting down, terminated, or finished may not be modified.');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

describe('CancelSteps', () => {
  it('moves a running and a pending step through CANCEL_PENDING to CANCELLED and frees the cluster', async () => {
    const cluster = await readyCluster();
    const ids = await addSteps(cluster, [step('running'), step('pending'), step('kept')]);
    const { CancelStepsInfoList } = await emr.send(
      new CancelStepsCommand({ ClusterId: cluster, StepIds: [ids[0] ?? '', ids[1] ?? ''] }),
    );
    expect(CancelStepsInfoList).toEqual([
      { StepId: ids[0], Status: 'SUBMITTED' },
      { StepId: ids[1], Status: 'SUBMITTED' },
    ]);
    expect(await states(cluster, ids)).toEqual(['CANCEL_PENDING', 'CANCEL_PENDING', 'PENDING']);
    clock.advance(CANCEL);
    expect(await states(cluster, ids)).toEqual(['CANCELLED', 'CANCELLED', 'RUNNING']);
    const kept = await getStep(cluster, ids[2] ?? '');
    expect(kept?.Status?.Timeline?.StartDateTime).toEqual(new Date(clock.now()));
  });

  it('answers FAILED for a step that already finished and for an unknown id', async () => {
    const cluster = await readyCluster();
    const [done = ''] = await addSteps(cluster, [step('done')]);
    clock.advance(RUN);
    const { CancelStepsInfoList } = await emr.send(
      new CancelStepsCommand({ ClusterId: cluster, StepIds: [done, 's-NOPE'] }),
    );
    expect(CancelStepsInfoList?.map((info) => info.Status)).toEqual(['FAILED', 'FAILED']);
    expect(await states(cluster, [done])).toEqual(['COMPLETED']);
  });
});

describe('ListSteps', () => {
  it('lists newest first and filters by StepStates and StepIds', async () => {
    emulator.control.addStepRule({ name: 'bad' });
    const cluster = await readyCluster();
    const [ok = '', bad = '', waiting = ''] = await addSteps(cluster, [step('ok'), step('bad'), step('waiting')]);
    clock.advance(2 * RUN);

    const all = await emr.send(new ListStepsCommand({ ClusterId: cluster }));
    expect(all.Steps?.map((s) => s.Id)).toEqual([waiting, bad, ok]);
    const failed = await emr.send(new ListStepsCommand({ ClusterId: cluster, StepStates: ['FAILED'] }));
    expect(failed.Steps?.map((s) => s.Id)).toEqual([bad]);
    expect(failed.Steps?.[0]?.Status?.FailureDetails?.Reason).toBe('Unknown Error.');
    const byId = await emr.send(new ListStepsCommand({ ClusterId: cluster, StepIds: [ok, waiting] }));
    expect(byId.Steps?.map((s) => [s.Id, s.Status?.State])).toEqual([
      [waiting, 'RUNNING'],
      [ok, 'COMPLETED'],
    ]);
  });
});

describe('EMR errors', () => {
  it('answers InvalidRequestException for an unknown cluster or step', async () => {
    const unknownCluster = await rejection(emr.send(new DescribeClusterCommand({ ClusterId: 'j-MISSING' })));
    expect(unknownCluster.name).toBe('InvalidRequestException');
    expect(unknownCluster.message).toBe("Cluster id 'j-MISSING' is not valid.");
    const cluster = await readyCluster();
    const unknownStep = await rejection(emr.send(new DescribeStepCommand({ ClusterId: cluster, StepId: 's-MISSING' })));
    expect(unknownStep.name).toBe('InvalidRequestException');
    expect(unknownStep.$metadata?.httpStatusCode).toBe(400);
  });

  it('answers ValidationException naming the member a RunJobFlow input lacks', async () => {
    const error = await rejection(emr.send(new RunJobFlowCommand({ Name: undefined, Instances: {} })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain("'name'");
    expect(emulator.control.state().emr.clusters).toHaveLength(0);
  });

  it('refuses to terminate a termination-protected cluster', async () => {
    const { JobFlowId } = await emr.send(
      new RunJobFlowCommand({
        Name: 'prod',
        Instances: { KeepJobFlowAliveWhenNoSteps: true, TerminationProtected: true },
      }),
    );
    const error = await rejection(emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [JobFlowId ?? ''] })));
    expect(error.name).toBe('ValidationException');
  });
});
