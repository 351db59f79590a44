import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { Emulator } from './emulator';
import { ServiceError } from './protocol';

const durations = { clusterStartMs: 300, stepRunMs: 700, stepCancelMs: 50, clusterTerminateMs: 100 };

/** A cluster with three steps, the second failing, the third cancelled; summarised without ids. */
function scenario(observeEveryMs: number | undefined) {
  const clock = new ManualClock();
  const emulator = new Emulator({ now: clock.now, durations });
  emulator.stepRules.add({ name: 'two' });
  const { JobFlowId } = emulator.dispatch(
    'ElasticMapReduce.RunJobFlow',
    {
      Name: 'c',
      Instances: {},
      Steps: ['one', 'two', 'three'].map((Name) => ({
        Name,
        ActionOnFailure: 'CONTINUE',
        HadoopJarStep: { Jar: 'a.jar' },
      })),
    },
    'us-east-1',
  ) as { JobFlowId: string };
  const move = (ms: number) => {
    if (observeEveryMs === undefined) {
      clock.advance(ms);
      return;
    }
    for (let left = ms; left > 0; left -= observeEveryMs) {
      clock.advance(Math.min(observeEveryMs, left));
      emulator.advance();
    }
  };
  move(1500);
  const third = emulator.emr.list()[0]?.steps[2]?.id ?? '';
  emulator.dispatch('ElasticMapReduce.CancelSteps', { ClusterId: JobFlowId, StepIds: [third] }, 'us-east-1');
  move(5000);
  emulator.advance();
  return emulator.emr.list().map((cluster) => ({
    state: cluster.state,
    reason: cluster.reason,
    readyAt: cluster.readyAt,
    endedAt: cluster.endedAt,
    steps: cluster.steps.map((step) => [step.name, step.state, step.startedAt, step.endedAt]),
  }));
}

describe('lazy advancement', () => {
  it('reaches the same states and timestamps however often it is observed', () => {
    const once = scenario(undefined);
    expect(scenario(1)).toEqual(once);
    expect(scenario(37)).toEqual(once);
    expect(once[0]?.state).toBe('TERMINATED_WITH_ERRORS');
    expect(once[0]?.steps.map((step) => step[1])).toEqual(['COMPLETED', 'FAILED', 'CANCELLED']);
  });
});

describe('dispatch', () => {
  it('rejects an unknown service or operation with UnknownOperationException and records the call', () => {
    const emulator = new Emulator();
    expect(() => emulator.dispatch('AmazonS3.ListBuckets', {}, 'us-east-1')).toThrow(ServiceError);
    expect(() => emulator.dispatch('AWSGlue.DeleteJob', {}, 'us-east-1')).toThrow(
      /does not implement AWSGlue.DeleteJob/,
    );
    expect(emulator.calls.map((call) => [call.operation, call.errorCode])).toEqual([
      ['DeleteJob', 'UnknownOperationException'],
    ]);
  });

  it('takes the region for ARNs from the request', () => {
    const emulator = new Emulator();
    const result = emulator.dispatch('ElasticMapReduce.RunJobFlow', { Name: 'c', Instances: {} }, 'eu-west-1') as {
      ClusterArn: string;
    };
    expect(result.ClusterArn).toMatch(/^arn:aws:elasticmapreduce:eu-west-1:/);
  });
});
