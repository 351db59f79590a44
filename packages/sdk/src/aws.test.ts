import { describe, expect, expectTypeOf, it } from 'vitest';
import { InvalidOptionsError } from '@sluice/core';
import { emr, glue } from './aws';
import { createTaskContext, type OutputOf } from './context';
import { dag } from './dag';
import { fn } from './operator';

let seq = 0;
const uniqueId = (name: string): string => `${name}_${++seq}`;

describe('emr builders', () => {
  it('store a cluster ref as clusterFrom and type the outputs downstream', () => {
    const d = dag({ id: uniqueId('smartnews_batch'), schedule: '@daily' });
    const cluster = d.task(
      'create_cluster',
      emr.createCluster({
        name: 'daily',
        releaseLabel: 'emr-7.2.0',
        instances: { masterInstanceType: 'm5.xlarge', instanceCount: 3 },
        applications: ['Hive', 'Spark'],
      }),
    );
    const steps = d.task(
      'aggregate',
      { upstream: [cluster] },
      emr.addSteps({
        cluster,
        steps: [{ name: 'hive', args: ['hive-script', '--run-hive-script', '--args', '-f', 's3://b/q.hql'] }],
      }),
    );
    d.task('terminate', { upstream: [cluster, steps], triggerRule: 'all_done' }, emr.terminateCluster({ cluster }));
    d.task(
      'report',
      { upstream: [steps] },
      fn((ctx) => {
        expectTypeOf(ctx.output(steps)).toEqualTypeOf<{ clusterId: string; stepIds: string[] }>();
        return ctx.output(steps).stepIds.length;
      }),
    );
    const count = d.task(
      'count',
      fn(() => 1),
    );
    // @ts-expect-error a task whose output has no clusterId cannot name the cluster
    expect(() => emr.addSteps({ cluster: count, steps: [{ name: 'x', args: [] }] })).not.toThrow();
    // @ts-expect-error cluster and clusterId are exclusive
    expect(() => emr.terminateCluster({ cluster, clusterId: 'j-1' })).toThrow(
      'emr.terminateCluster() option cluster: give cluster or clusterId, not both',
    );
    const spec = d.toSpec();
    expect(spec.tasks.map((t) => t.operator)).toEqual([
      {
        kind: 'emr.createCluster',
        options: {
          name: 'daily',
          releaseLabel: 'emr-7.2.0',
          instances: { masterInstanceType: 'm5.xlarge', instanceCount: 3 },
          applications: ['Hive', 'Spark'],
        },
      },
      {
        kind: 'emr.addSteps',
        options: {
          clusterFrom: 'create_cluster',
          steps: [{ name: 'hive', args: ['hive-script', '--run-hive-script', '--args', '-f', 's3://b/q.hql'] }],
        },
      },
      { kind: 'emr.terminateCluster', options: { clusterFrom: 'create_cluster' } },
      { kind: 'fn', options: {} },
      { kind: 'fn', options: {} },
    ]);
    const report = d.getTaskFunction('report');
    const ctx = createTaskContext({
      run: {
        dagId: d.dagId,
        runId: 'r',
        taskId: 'report',
        logicalDate: new Date(0),
        dataInterval: { start: new Date(0), end: new Date(0) },
        conf: {},
        tryNumber: 1,
        maxTries: 1,
      },
      upstream: ['aggregate'],
      outputs: new Map([['aggregate', { clusterId: 'j-1', stepIds: ['s-1', 's-2'] }]]),
      writeLog: () => undefined,
      readVariable: async (name) => Promise.reject(new Error(`no variable ${name} in this test`)),
      signal: new AbortController().signal,
    });
    expect(report?.(ctx)).toBe(2);
  });

  it('store sensors and per-task AWS settings', () => {
    expect(
      emr.stepSensor({ clusterId: 'j-ABC', stepId: 's-XYZ', aws: { region: 'ap-northeast-1', maxAttempts: 10 } })
        .options,
    ).toEqual({
      stepId: 's-XYZ',
      clusterId: 'j-ABC',
      aws: { region: 'ap-northeast-1', maxAttempts: 10 },
    });
    expect(emr.clusterSensor({ clusterId: 'j-ABC', targetStates: ['WAITING'], connection: 'prod' }).options).toEqual({
      clusterId: 'j-ABC',
      targetStates: ['WAITING'],
      connection: 'prod',
    });
  });

  it('reject bad options naming the option', () => {
    const bad = (f: () => unknown) => expect(f).toThrow(InvalidOptionsError);
    bad(() => emr.addSteps({ clusterId: 'j-1', steps: [] }));
    expect(() => emr.addSteps({ clusterId: 'j-1', steps: [{ name: 'x', args: [1] as unknown as string[] }] })).toThrow(
      'emr.addSteps() option steps[0].args must be an array of strings, got an array',
    );
    expect(() => emr.addSteps({ clusterId: 'cluster-1', steps: [{ name: 'x', args: [] }] })).toThrow(
      'emr.addSteps() option clusterId "cluster-1" is invalid: an EMR cluster id looks like j-2AXXXXXXGAPLF',
    );
    expect(() => emr.terminateCluster({} as never)).toThrow(
      'emr.terminateCluster() option cluster is required: a create_cluster task ref, or clusterId',
    );
    expect(() =>
      emr.createCluster({ name: 'c', releaseLabel: '7.2', instances: { masterInstanceType: 'm5', instanceCount: 1 } }),
    ).toThrow('emr.createCluster() option releaseLabel "7.2" is invalid: a release label looks like emr-7.2.0');
    expect(() =>
      emr.addSteps({ clusterId: 'j-1', steps: [{ name: 'x', args: [] }], aws: { region: 'Tokyo' } }),
    ).toThrow('emr.addSteps() option aws.region "Tokyo" is invalid: a region looks like us-east-1');
    expect(() => emr.clusterSensor({ clusterId: 'j-1', targetStates: ['READY' as never] })).toThrow(
      'emr.clusterSensor() option targetStates[0] must be one of STARTING, BOOTSTRAPPING, RUNNING, WAITING, TERMINATING, TERMINATED, TERMINATED_WITH_ERRORS, got "READY"',
    );
  });
});

describe('glue builders', () => {
  it('store job runs, crawlers and sensors as JSON', () => {
    const d = dag({ id: uniqueId('hourly_stats'), schedule: '@hourly' });
    const run = d.task(
      'stats',
      glue.startJobRun({
        jobName: 'hourly-stats',
        arguments: { '--hour': '2026-01-01T06' },
        workerType: 'G.1X',
        numberOfWorkers: 10,
        timeoutMinutes: 60,
      }),
    );
    d.task('crawl', { upstream: [run] }, glue.crawler({ crawlerName: 'stats-tables' }));
    d.task('watch', { upstream: [run] }, glue.jobRunSensor({ jobName: 'hourly-stats', run }));
    expect(d.toSpec().tasks.map((t) => t.operator.options)).toEqual([
      {
        jobName: 'hourly-stats',
        arguments: { '--hour': '2026-01-01T06' },
        workerType: 'G.1X',
        numberOfWorkers: 10,
        timeoutMinutes: 60,
      },
      { crawlerName: 'stats-tables' },
      { jobName: 'hourly-stats', runFrom: 'stats' },
    ]);
    expectTypeOf<OutputOf<typeof run>>().toEqualTypeOf<{
      jobRunId: string;
      executionTimeSeconds: number;
      dpuSeconds: number;
    }>();
  });

  it('reject bad options naming the option', () => {
    expect(() => glue.startJobRun({ jobName: 'j', arguments: { hour: '6' } })).toThrow(
      'glue.startJobRun() option arguments key "hour" is invalid: Glue argument names start with --',
    );
    expect(() => glue.startJobRun({ jobName: 'j', workerType: 'G.1X' })).toThrow(
      'glue.startJobRun() option workerType: give workerType and numberOfWorkers together',
    );
    expect(() => glue.jobRunSensor({ jobName: 'j' } as never)).toThrow(
      'glue.jobRunSensor() option run: give run (a task ref) or runId',
    );
    expect(() => glue.crawler({ crawlerName: 'c', region: 'x' } as never)).toThrow(
      'glue.crawler() option region is not a known option (known: crawlerName, aws, connection)',
    );
  });
});
