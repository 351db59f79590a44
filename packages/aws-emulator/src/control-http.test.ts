import { AddJobFlowStepsCommand, DescribeStepCommand, RunJobFlowCommand } from '@aws-sdk/client-emr';
import { GetJobCommand, StartJobRunCommand } from '@aws-sdk/client-glue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import type { EmulatorState } from './control';
import { type AwsEmulator, startAwsEmulator } from './server';
import { emrClient, glueClient, rejection } from './test-support';

let clock: ManualClock;
let emulator: AwsEmulator;

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await startAwsEmulator({ now: clock.now, durations: { clusterStartMs: 1000, stepRunMs: 1000 } });
});

afterEach(async () => {
  await emulator.close();
});

async function post(path: string, body: unknown = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${emulator.url}/_emulator${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function getState(): Promise<EmulatorState> {
  const response = await fetch(`${emulator.url}/_emulator/state`);
  return (await response.json()) as EmulatorState;
}

describe('HTTP control API', () => {
  it('arms a throttle the SDK then sees', async () => {
    expect((await post('/faults', { operation: 'GetJob', kind: 'throttle' })).status).toBe(200);
    const glue = glueClient(emulator.url);
    const error = await rejection(glue.send(new GetJobCommand({ JobName: 'x' })));
    glue.destroy();
    expect(error.name).toBe('ThrottlingException');
  });

  it('scripts a failing step with a pattern given as text', async () => {
    await post('/rules/steps', { name: '^load-', failureDetails: { message: 'exit 2' } });
    const emr = emrClient(emulator.url);
    const { JobFlowId = '' } = await emr.send(
      new RunJobFlowCommand({ Name: 'c', Instances: { KeepJobFlowAliveWhenNoSteps: true } }),
    );
    const { StepIds = [] } = await emr.send(
      new AddJobFlowStepsCommand({
        JobFlowId,
        Steps: [{ Name: 'load-users', ActionOnFailure: 'CONTINUE', HadoopJarStep: { Jar: 'x.jar' } }],
      }),
    );
    clock.advance(2000);
    const { Step } = await emr.send(new DescribeStepCommand({ ClusterId: JobFlowId, StepId: StepIds[0] ?? '' }));
    emr.destroy();
    expect(Step?.Status?.State).toBe('FAILED');
    expect(Step?.Status?.FailureDetails?.Message).toBe('exit 2');
  });

  it('rejects a bad body with 400 naming the field, and keeps nothing of it', async () => {
    const bad = await post('/rules/job-runs', { name: '(', outcome: 'EXPLODED' });
    expect(bad.status).toBe(400);
    const paths = (bad.body as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path);
    expect(paths.sort()).toEqual(['name', 'outcome']);
    expect((await getState()).rules.jobRuns).toEqual([]);
  });

  it('seeds a Glue job the SDK can run', async () => {
    await post('/jobs', { Name: 'seeded', ExecutionProperty: { MaxConcurrentRuns: 2 } });
    const glue = glueClient(emulator.url);
    const { Job } = await glue.send(new GetJobCommand({ JobName: 'seeded' }));
    const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: 'seeded' }));
    glue.destroy();
    expect(Job?.ExecutionProperty?.MaxConcurrentRuns).toBe(2);
    expect((await getState()).glue.jobRuns.map((run) => run.id)).toEqual([JobRunId]);
  });

  it('sets durations and returns the full set', async () => {
    const { body } = await post('/durations', { jobRunMs: 42 });
    expect(body).toMatchObject({ jobRunMs: 42, stepRunMs: 1000 });
    expect((await post('/durations', { jobRunMs: -1 })).status).toBe(400);
  });

  it('lists calls and resets everything', async () => {
    await post('/crawlers', { Name: 'c' });
    await post('/faults', { operation: 'GetCrawler', kind: 'throttle', count: 3 });
    const glue = glueClient(emulator.url);
    await rejection(glue.send(new GetJobCommand({ JobName: 'none' })));
    glue.destroy();
    const calls = (await (await fetch(`${emulator.url}/_emulator/calls?operation=GetJob`)).json()) as unknown[];
    expect(calls).toMatchObject([
      { service: 'glue', operation: 'GetJob', status: 400, errorCode: 'EntityNotFoundException' },
    ]);

    await post('/reset');
    const state = await getState();
    expect([state.glue.crawlers, state.faults, emulator.control.calls()]).toEqual([[], [], []]);
    expect(state.durations.stepRunMs).toBe(1000);
  });

  it('answers 404 for an unknown control route', async () => {
    expect((await post('/nope')).status).toBe(404);
  });
});
