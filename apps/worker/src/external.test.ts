/**
 * The worker's cancel of an external job renders the task's options with the
 * try's run values, as the submit did, against the AWS emulator through the
 * real SDK.
 */
import { AddJobFlowStepsCommand, EMRClient, RunJobFlowCommand } from '@aws-sdk/client-emr';
import { type AwsEmulator, startAwsEmulator } from '@sluice/aws-emulator';
import { makeDag, makeTask } from '@sluice/core/test-fixtures';
import { indexDagVersion } from '@sluice/engine';
import { externalOperators, markerFor } from '@sluice/operators';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExternalRunner } from './external';

let emulator: AwsEmulator;
let emr: EMRClient;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

beforeEach(async () => {
  emulator = await startAwsEmulator({ durations: { clusterStartMs: 0, stepRunMs: 120_000, stepCancelMs: 60_000 } });
  emr = new EMRClient({ endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 });
});
afterEach(async () => {
  emr.destroy();
  await emulator.close();
});

describe('cancel', () => {
  it('finds the steps on the cluster the rendered options name, when only the intent was recorded', async () => {
    const flow = await emr.send(
      new RunJobFlowCommand({ Name: 'shared', Instances: { KeepJobFlowAliveWhenNoSteps: true, InstanceCount: 1 } }),
    );
    const clusterId = flow.JobFlowId ?? '';
    const run = { dagId: 'nightly', runId: 'manual__1', taskId: 'load' };
    const marker = markerFor(run, 1);
    // The try submitted its step and died before recording the step id.
    await emr.send(
      new AddJobFlowStepsCommand({
        JobFlowId: clusterId,
        Steps: [
          { Name: `load [${marker}]`, HadoopJarStep: { Jar: 'command-runner.jar', Args: ['spark-submit', 'load.py'] } },
        ],
      }),
    );
    const task = makeTask('load', {
      operator: {
        kind: 'emr.addSteps',
        options: { clusterId: '{{ conf.cluster }}', steps: [{ name: 'load', args: ['spark-submit', 'load.py'] }] },
      },
    });
    const runner = createExternalRunner({
      operators: externalOperators,
      resolveAws: async () => ({ endpoint: emulator.url, region: 'us-east-1', credentials }),
    });
    const lines: string[] = [];
    const when = new Date('2026-01-01T00:00:00Z');
    const outcome = await runner.cancel({
      taskInstanceId: '00000000-0000-4000-8000-000000000001',
      tryNumber: 1,
      task,
      version: indexDagVersion('v1', 'h1', makeDag({ dagId: 'nightly', tasks: [task] }), ''),
      run: {
        ...run,
        tryNumber: 1,
        logicalDate: when,
        dataIntervalStart: when,
        dataIntervalEnd: when,
        conf: { cluster: clusterId },
      },
      external: { type: 'emr.step', marker, phase: 'submitting', intentAt: new Date(Date.now() - 1000).toISOString() },
      log: (line) => lines.push(line),
    });
    expect(outcome).toEqual({ ended: false });
    expect(emulator.control.state().emr.clusters[0]?.steps.map((s) => s.state)).toEqual(['CANCEL_PENDING']);
    expect(lines.join('\n')).toContain(
      `requested cancellation of steps ${emulator.control.state().emr.clusters[0]?.steps[0]?.id ?? '?'} on ${clusterId}`,
    );
  });
});
