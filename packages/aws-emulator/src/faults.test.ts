import { AddJobFlowStepsCommand, ListClustersCommand, RunJobFlowCommand } from '@aws-sdk/client-emr';
import { CreateJobCommand, GetJobCommand, StartJobRunCommand } from '@aws-sdk/client-glue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { type AwsEmulator, startAwsEmulator } from './server';
import { emrClient, glueClient, rejection } from './test-support';

let clock: ManualClock;
let emulator: AwsEmulator;

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await startAwsEmulator({ now: clock.now, durations: { clusterStartMs: 1000 } });
});

afterEach(async () => {
  await emulator.close();
});

const step = { Name: 'load', ActionOnFailure: 'CONTINUE' as const, HadoopJarStep: { Jar: 'command-runner.jar' } };

async function readyCluster(): Promise<string> {
  const emr = emrClient(emulator.url);
  const { JobFlowId } = await emr.send(
    new RunJobFlowCommand({ Name: 'c', Instances: { KeepJobFlowAliveWhenNoSteps: true } }),
  );
  emr.destroy();
  clock.advance(1000);
  return JobFlowId ?? '';
}

describe('throttling', () => {
  it('shows as ThrottlingException with HTTP 400 and leaves no trace of the call', async () => {
    const cluster = await readyCluster();
    emulator.control.injectFault({ operation: 'AddJobFlowSteps', kind: 'throttle', count: 1 });
    const emr = emrClient(emulator.url, 1);
    const error = await rejection(emr.send(new AddJobFlowStepsCommand({ JobFlowId: cluster, Steps: [step] })));
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(emulator.control.state().emr.clusters[0]?.steps).toHaveLength(0);

    await expect(emr.send(new AddJobFlowStepsCommand({ JobFlowId: cluster, Steps: [step] }))).resolves.toBeDefined();
    emr.destroy();
  });

  it('is retried by the SDK, which succeeds after N throttles when maxAttempts allows', async () => {
    const cluster = await readyCluster();
    emulator.control.injectFault({ operation: 'ElasticMapReduce.AddJobFlowSteps', kind: 'throttle', count: 2 });
    const emr = emrClient(emulator.url, 3);
    const { StepIds } = await emr.send(new AddJobFlowStepsCommand({ JobFlowId: cluster, Steps: [step] }));
    emr.destroy();
    expect(StepIds).toHaveLength(1);
    const calls = emulator.control.calls('AddJobFlowSteps');
    expect(calls.map((call) => call.errorCode ?? call.status)).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      200,
    ]);
    expect(emulator.control.state().emr.clusters[0]?.steps.map((s) => s.id)).toEqual(StepIds);
  });

  it('throttles only the named operation', async () => {
    emulator.control.injectFault({ operation: 'StartJobRun', kind: 'throttle', count: 5 });
    const glue = glueClient(emulator.url);
    await expect(
      glue.send(new CreateJobCommand({ Name: 'j', Role: 'r', Command: { Name: 'glueetl' } })),
    ).resolves.toBeDefined();
    const error = await rejection(glue.send(new StartJobRunCommand({ JobName: 'j' })));
    glue.destroy();
    expect(error.name).toBe('ThrottlingException');
    expect(emulator.control.state().faults).toMatchObject([{ operation: 'StartJobRun', remaining: 4 }]);
  });
});

describe('internal errors', () => {
  it('answers 500 with the service’s internal error code', async () => {
    emulator.control.injectFault({ operation: 'GetJob', kind: 'internal' });
    emulator.control.injectFault({ operation: 'ListClusters', kind: 'internal' });
    const glue = glueClient(emulator.url);
    const emr = emrClient(emulator.url);
    const glueError = await rejection(glue.send(new GetJobCommand({ JobName: 'x' })));
    const emrError = await rejection(emr.send(new ListClustersCommand({})));
    glue.destroy();
    emr.destroy();
    expect([glueError.name, glueError.$metadata?.httpStatusCode, glueError.$fault]).toEqual([
      'InternalServiceException',
      500,
      'server',
    ]);
    expect([emrError.name, emrError.$metadata?.httpStatusCode]).toEqual(['InternalServerError', 500]);
  });

  it('fails every call for durationMs (an outage), then answers again', async () => {
    emulator.control.injectFault({ operation: 'ListClusters', kind: 'internal', durationMs: 2000 });
    const emr = emrClient(emulator.url, 1);
    for (let i = 0; i < 3; i += 1)
      expect((await rejection(emr.send(new ListClustersCommand({})))).name).toBe('InternalServerError');
    clock.advance(1999);
    expect((await rejection(emr.send(new ListClustersCommand({})))).name).toBe('InternalServerError');
    clock.advance(1);
    expect((await emr.send(new ListClustersCommand({}))).Clusters).toEqual([]);
    expect(emulator.control.state().faults).toEqual([]);
    emr.destroy();
  });

  it('answers any error code asked for', async () => {
    emulator.control.injectFault({ operation: '*', kind: 'error', code: 'AccessDeniedException', status: 403 });
    const glue = glueClient(emulator.url);
    const error = await rejection(glue.send(new GetJobCommand({ JobName: 'x' })));
    glue.destroy();
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['AccessDeniedException', 403]);
  });
});
