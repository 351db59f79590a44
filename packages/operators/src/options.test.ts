/**
 * Option compilation of the AWS operators, without AWS: what each schema
 * accepts and fills in, and the one message naming the first bad option.
 */
import { InvalidOptionsError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { compileOptions, resolveAwsSettings } from './aws/settings';
import {
  AddStepsOptions,
  ClusterSensorOptions,
  CreateClusterOptions,
  MAX_NAME_LENGTH,
  StepSensorOptions,
  TerminateClusterOptions,
} from './emr/options';
import { CrawlerOptions, JobRunSensorOptions, MARKER_ARGUMENT, StartJobRunOptions } from './glue/options';

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (raw) {
    expect(raw).toBeInstanceOf(InvalidOptionsError);
    return raw instanceof Error ? raw.message : String(raw);
  }
  throw new Error('expected the options to be refused');
};

describe('compileOptions', () => {
  it('returns the parsed options with their defaults', () => {
    expect(
      compileOptions('emr.addSteps', AddStepsOptions, { clusterId: 'j-ABC', steps: [{ name: 's', args: [] }] }),
    ).toEqual({
      clusterId: 'j-ABC',
      steps: [{ name: 's', jar: 'command-runner.jar', args: [], actionOnFailure: 'CONTINUE' }],
    });
  });

  it('names the kind, the path of the first bad option and what is wrong', () => {
    expect(message(() => compileOptions('emr.addSteps', AddStepsOptions, { clusterId: 'cluster-1', steps: [] }))).toBe(
      'emr.addSteps: clusterId: must be an EMR cluster id such as j-2AXXXXXXGAPLF',
    );
    expect(
      message(() =>
        compileOptions('emr.addSteps', AddStepsOptions, { clusterId: 'j-A', steps: [{ name: '', args: [] }] }),
      ),
    ).toMatch(/^emr\.addSteps: steps\.0\.name: /);
  });

  it('says "options" when the whole value is wrong', () => {
    expect(message(() => compileOptions('glue.crawler', CrawlerOptions, 'crawl'))).toMatch(/^glue\.crawler: options: /);
  });

  it('refuses an option it does not know', () => {
    expect(message(() => compileOptions('glue.crawler', CrawlerOptions, { crawlerName: 'c', crawler: 'c' }))).toMatch(
      /^glue\.crawler: options: .*crawler/,
    );
  });
});

describe('the aws option', () => {
  const compile = (aws: unknown) => compileOptions('glue.crawler', CrawlerOptions, { crawlerName: 'c', aws });

  it('takes a region, an endpoint, a role and attempts between 1 and 20', () => {
    const aws = {
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      roleArn: 'arn:aws:iam::123456789012:role/etl',
      maxAttempts: 20,
    };
    expect(compile(aws).aws).toEqual(aws);
    expect(compile({ maxAttempts: 1 }).aws).toEqual({ maxAttempts: 1 });
  });

  it('refuses each malformed field with what it must be', () => {
    expect(message(() => compile({ region: 'Europe' }))).toBe(
      'glue.crawler: aws.region: must be a region such as us-east-1',
    );
    expect(message(() => compile({ endpoint: 'localhost' }))).toBe(
      'glue.crawler: aws.endpoint: must be a URL such as http://127.0.0.1:4566',
    );
    expect(message(() => compile({ roleArn: 'etl' }))).toBe('glue.crawler: aws.roleArn: must be an IAM role ARN');
    expect(message(() => compile({ maxAttempts: 0 }))).toMatch(/^glue\.crawler: aws\.maxAttempts: /);
    expect(message(() => compile({ maxAttempts: 21 }))).toMatch(/^glue\.crawler: aws\.maxAttempts: /);
  });
});

describe('resolveAwsSettings', () => {
  it("lays the task's aws option over the worker's settings field by field", () => {
    const base = { region: 'us-east-1', endpoint: 'http://aws.local', roleArn: 'arn:aws:iam::1:role/base' };
    expect(resolveAwsSettings(base, undefined)).toEqual(base);
    expect(resolveAwsSettings(base, { region: 'eu-west-1', maxAttempts: 3 })).toEqual({
      ...base,
      region: 'eu-west-1',
      maxAttempts: 3,
    });
    expect(
      resolveAwsSettings(base, { endpoint: 'http://other', roleArn: 'arn:aws:iam::123456789012:role/task' }),
    ).toEqual({ region: 'us-east-1', endpoint: 'http://other', roleArn: 'arn:aws:iam::123456789012:role/task' });
  });

  it("leaves the worker's settings as they were", () => {
    const base = { region: 'us-east-1' };
    resolveAwsSettings(base, { region: 'eu-west-1' });
    expect(base).toEqual({ region: 'us-east-1' });
  });
});

describe('EMR options', () => {
  const step = { name: 'rank', args: ['spark-submit'] };

  it('need exactly one of clusterId and clusterFrom', () => {
    for (const schema of [AddStepsOptions, TerminateClusterOptions, ClusterSensorOptions]) {
      const extra = schema === AddStepsOptions ? { steps: [step] } : {};
      expect(message(() => compileOptions('emr', schema, { ...extra }))).toBe(
        'emr: clusterId: give exactly one of clusterId and clusterFrom',
      );
      expect(message(() => compileOptions('emr', schema, { ...extra, clusterId: 'j-A', clusterFrom: 'c' }))).toBe(
        'emr: clusterId: give exactly one of clusterId and clusterFrom',
      );
      expect(compileOptions('emr', schema, { ...extra, clusterFrom: 'create' })).toMatchObject({
        clusterFrom: 'create',
      });
    }
  });

  it('take a step name up to the room left for the marker, and 1 to 256 steps', () => {
    const named = (name: string) => ({ clusterId: 'j-A', steps: [{ name, args: [] }] });
    expect(compileOptions('emr', AddStepsOptions, named('x'.repeat(MAX_NAME_LENGTH))).steps).toHaveLength(1);
    expect(() => compileOptions('emr', AddStepsOptions, named('x'.repeat(MAX_NAME_LENGTH + 1)))).toThrow(
      /steps\.0\.name/,
    );
    expect(
      compileOptions('emr', AddStepsOptions, { clusterId: 'j-A', steps: Array(256).fill(step) }).steps,
    ).toHaveLength(256);
    expect(() => compileOptions('emr', AddStepsOptions, { clusterId: 'j-A', steps: Array(257).fill(step) })).toThrow(
      /steps/,
    );
  });

  it('create a cluster with defaults that keep it alive for later steps', () => {
    const options = compileOptions('emr.createCluster', CreateClusterOptions, {
      name: 'etl',
      releaseLabel: 'emr-7.2.0',
      instances: { masterInstanceType: 'm5.xlarge', instanceCount: 1 },
    });
    expect(options).toMatchObject({
      instances: { keepAlive: true, terminationProtected: false },
      applications: [],
      tags: {},
      serviceRole: 'EMR_DefaultRole',
      jobFlowRole: 'EMR_EC2_DefaultRole',
    });
  });

  it('refuse a release label, instance count or log URI of the wrong shape', () => {
    const base = { name: 'etl', releaseLabel: 'emr-7.2.0', instances: { masterInstanceType: 'm5', instanceCount: 1 } };
    expect(message(() => compileOptions('c', CreateClusterOptions, { ...base, releaseLabel: '7.2.0' }))).toBe(
      'c: releaseLabel: must be a release label such as emr-7.2.0',
    );
    expect(message(() => compileOptions('c', CreateClusterOptions, { ...base, logUri: 'https://x' }))).toBe(
      'c: logUri: must be an s3:// URI',
    );
    expect(compileOptions('c', CreateClusterOptions, { ...base, logUri: 's3n://logs/' }).logUri).toBe('s3n://logs/');
    expect(() =>
      compileOptions('c', CreateClusterOptions, {
        ...base,
        instances: { masterInstanceType: 'm5', instanceCount: 257 },
      }),
    ).toThrow(/instances\.instanceCount/);
  });

  it('watch a step by id with a cluster, or by the upstream that added it', () => {
    expect(message(() => compileOptions('s', StepSensorOptions, {}))).toBe(
      's: stepId: give exactly one of stepId and stepFrom',
    );
    expect(message(() => compileOptions('s', StepSensorOptions, { stepId: 's-ABC' }))).toBe(
      's: clusterId: stepId needs clusterId or clusterFrom',
    );
    expect(
      message(() => compileOptions('s', StepSensorOptions, { stepFrom: 'add', clusterId: 'j-A', clusterFrom: 'c' })),
    ).toBe('s: clusterId: give at most one of clusterId and clusterFrom');
    expect(message(() => compileOptions('s', StepSensorOptions, { stepId: 'step-1', clusterId: 'j-A' }))).toBe(
      's: stepId: must be an EMR step id such as s-1XXXXXXXXXXXX',
    );
    expect(compileOptions('s', StepSensorOptions, { stepFrom: 'add' })).toEqual({ stepFrom: 'add' });
    expect(compileOptions('s', StepSensorOptions, { stepId: 's-ABC', clusterFrom: 'c' })).toEqual({
      stepId: 's-ABC',
      clusterFrom: 'c',
    });
  });

  it('wait for a cluster to be WAITING or RUNNING unless told otherwise', () => {
    expect(compileOptions('c', ClusterSensorOptions, { clusterId: 'j-A' }).targetStates).toEqual([
      'WAITING',
      'RUNNING',
    ]);
    expect(() => compileOptions('c', ClusterSensorOptions, { clusterId: 'j-A', targetStates: [] })).toThrow(
      /targetStates/,
    );
  });
});

describe('Glue options', () => {
  it('leave the marker argument to Sluice and refuse an argument name without --', () => {
    expect(
      message(() => compileOptions('g', StartJobRunOptions, { jobName: 'j', arguments: { [MARKER_ARGUMENT]: 'x' } })),
    ).toBe(`g: arguments: ${MARKER_ARGUMENT} is set by Sluice`);
    expect(message(() => compileOptions('g', StartJobRunOptions, { jobName: 'j', arguments: { hour: '1' } }))).toMatch(
      // zod reports a bad record key as "Invalid key in record": the path names the argument.
      /^g: arguments\.hour: /,
    );
    expect(compileOptions('g', StartJobRunOptions, { jobName: 'j' }).arguments).toEqual({});
  });

  it('take a worker type and a number of workers together or not at all', () => {
    expect(message(() => compileOptions('g', StartJobRunOptions, { jobName: 'j', workerType: 'G.1X' }))).toBe(
      'g: workerType: give workerType and numberOfWorkers together',
    );
    expect(message(() => compileOptions('g', StartJobRunOptions, { jobName: 'j', numberOfWorkers: 2 }))).toBe(
      'g: workerType: give workerType and numberOfWorkers together',
    );
    expect(
      compileOptions('g', StartJobRunOptions, { jobName: 'j', workerType: 'G.1X', numberOfWorkers: 2 }),
    ).toMatchObject({
      workerType: 'G.1X',
      numberOfWorkers: 2,
    });
  });

  it('bound the timeout to a week and the job name to 255 characters', () => {
    expect(compileOptions('g', StartJobRunOptions, { jobName: 'j'.repeat(255), timeoutMinutes: 10_080 })).toMatchObject(
      {
        timeoutMinutes: 10_080,
      },
    );
    expect(() => compileOptions('g', StartJobRunOptions, { jobName: 'j', timeoutMinutes: 10_081 })).toThrow(
      /timeoutMinutes/,
    );
    expect(() => compileOptions('g', StartJobRunOptions, { jobName: 'j'.repeat(256) })).toThrow(/jobName/);
  });

  it('watch a job run by id or by the upstream that started it, not both', () => {
    expect(message(() => compileOptions('g', JobRunSensorOptions, { jobName: 'j' }))).toBe(
      'g: runId: give exactly one of runId and runFrom',
    );
    expect(
      message(() => compileOptions('g', JobRunSensorOptions, { jobName: 'j', runId: 'jr_1', runFrom: 'start' })),
    ).toBe('g: runId: give exactly one of runId and runFrom');
    expect(compileOptions('g', JobRunSensorOptions, { jobName: 'j', runFrom: 'start' })).toEqual({
      jobName: 'j',
      runFrom: 'start',
    });
  });
});
