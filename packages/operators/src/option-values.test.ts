/**
 * The values the AWS operators' options accept, one by one: every enum
 * member, every pattern anchored at both ends, every optional string given
 * explicitly, and which AWS error names and network codes are transient.
 */
import { describe, expect, it } from 'vitest';
import { classifyAwsError, isAwsError } from './aws/errors';
import { AwsOptions, compileOptions } from './aws/settings';
import { ActionOnFailure, AddStepsOptions, ClusterState, CreateClusterOptions, StepSensorOptions } from './emr/options';
import { CrawlerOptions, StartJobRunOptions, WorkerType } from './glue/options';

const accepts = (schema: Parameters<typeof compileOptions>[1], value: unknown) =>
  expect(() => compileOptions('op', schema, value), JSON.stringify(value)).not.toThrow();
const refuses = (schema: Parameters<typeof compileOptions>[1], value: unknown, path: string) =>
  expect(() => compileOptions('op', schema, value), JSON.stringify(value)).toThrow(`op: ${path}: `);

describe('enums', () => {
  it('accept each EMR step failure action, cluster state and Glue worker type', () => {
    for (const action of ActionOnFailure.options)
      accepts(AddStepsOptions, { clusterId: 'j-A', steps: [{ name: 's', args: [], actionOnFailure: action }] });
    expect(ActionOnFailure.options).toEqual(['CONTINUE', 'CANCEL_AND_WAIT', 'TERMINATE_CLUSTER']);
    expect(ClusterState.options).toEqual([
      'STARTING',
      'BOOTSTRAPPING',
      'RUNNING',
      'WAITING',
      'TERMINATING',
      'TERMINATED',
      'TERMINATED_WITH_ERRORS',
    ]);
    for (const workerType of WorkerType.options)
      accepts(StartJobRunOptions, { jobName: 'j', workerType, numberOfWorkers: 2 });
    expect(WorkerType.options).toEqual([
      'Standard',
      'G.1X',
      'G.2X',
      'G.4X',
      'G.8X',
      'G.12X',
      'G.16X',
      'G.025X',
      'Z.2X',
      'R.1X',
      'R.2X',
      'R.4X',
      'R.8X',
    ]);
  });
});

describe('patterns', () => {
  it('match EMR cluster and step ids whole', () => {
    accepts(AddStepsOptions, { clusterId: 'j-2AXXXXXXGAPLF', steps: [{ name: 's', args: [] }] });
    refuses(AddStepsOptions, { clusterId: 'xj-ABC', steps: [{ name: 's', args: [] }] }, 'clusterId');
    refuses(AddStepsOptions, { clusterId: 'j-ABC!', steps: [{ name: 's', args: [] }] }, 'clusterId');
    accepts(StepSensorOptions, { stepId: 's-1ABC', clusterId: 'j-A' });
    refuses(StepSensorOptions, { stepId: 'xs-1ABC', clusterId: 'j-A' }, 'stepId');
    refuses(StepSensorOptions, { stepId: 's-1ABC?', clusterId: 'j-A' }, 'stepId');
  });

  it('match release labels with numbers of any length, whole', () => {
    const cluster = (releaseLabel: string) => ({
      name: 'c',
      releaseLabel,
      instances: { masterInstanceType: 'm5', instanceCount: 1 },
    });
    accepts(CreateClusterOptions, cluster('emr-17.12.10'));
    refuses(CreateClusterOptions, cluster('xemr-7.2.0'), 'releaseLabel');
    refuses(CreateClusterOptions, cluster('emr-7.2.0-beta'), 'releaseLabel');
    accepts(CreateClusterOptions, { ...cluster('emr-7.2.0'), logUri: 's3://logs/' });
    refuses(CreateClusterOptions, { ...cluster('emr-7.2.0'), logUri: 'x-s3://logs/' }, 'logUri');
  });

  it('match regions and role ARNs whole', () => {
    for (const region of ['us-east-1', 'us-gov-west-12', 'eu-central-2'])
      expect(AwsOptions.parse({ region }).region, region).toBe(region);
    for (const region of ['xus-east-1', 'us-east-1x', 'us-1', 'us-east-'])
      expect(AwsOptions.safeParse({ region }).success, region).toBe(false);
    for (const roleArn of ['arn:aws:iam::123456789012:role/etl', 'arn:aws-cn:iam::123456789012:role/etl'])
      expect(AwsOptions.safeParse({ roleArn }).success, roleArn).toBe(true);
    for (const roleArn of ['x-arn:aws:iam::123456789012:role/etl', 'arn:aws9:iam::123456789012:role/etl'])
      expect(AwsOptions.safeParse({ roleArn }).success, roleArn).toBe(false);
  });

  it('take Glue arguments named with a leading --, and keep them', () => {
    expect(compileOptions('op', StartJobRunOptions, { jobName: 'j', arguments: { '--hour': '6' } }).arguments).toEqual({
      '--hour': '6',
    });
    refuses(StartJobRunOptions, { jobName: 'j', arguments: { 'a--b': '1' } }, 'arguments.a--b');
  });
});

describe('optional strings given explicitly', () => {
  it('are taken when long, and refused when empty', () => {
    const full = {
      name: 'etl',
      releaseLabel: 'emr-7.2.0',
      instances: {
        masterInstanceType: 'm5.xlarge',
        slaveInstanceType: 'm5.2xlarge',
        instanceCount: 256,
        ec2SubnetId: 'subnet-0abc',
        ec2KeyName: 'ops-key',
      },
      applications: ['Spark', 'Hive'],
      tags: { team: 'data' },
      serviceRole: 'EMR_Custom',
      jobFlowRole: 'EMR_EC2_Custom',
      connection: 'prod-aws',
    };
    expect(compileOptions('op', CreateClusterOptions, full)).toMatchObject(full);
    refuses(
      CreateClusterOptions,
      { ...full, instances: { ...full.instances, instanceCount: 0 } },
      'instances.instanceCount',
    );
    refuses(CreateClusterOptions, { ...full, applications: [''] }, 'applications.0');
    refuses(CreateClusterOptions, { ...full, serviceRole: '' }, 'serviceRole');
    refuses(CreateClusterOptions, { ...full, connection: '' }, 'connection');
    const step = { name: 'rank', jar: 's3://jars/rank.jar', mainClass: 'com.example.Rank', args: [] };
    expect(compileOptions('op', AddStepsOptions, { clusterId: 'j-A', steps: [step] }).steps[0]).toMatchObject(step);
    refuses(AddStepsOptions, { clusterId: 'j-A', steps: [{ ...step, jar: '' }] }, 'steps.0.jar');
    accepts(CrawlerOptions, { crawlerName: 'c'.repeat(255) });
    refuses(CrawlerOptions, { crawlerName: '' }, 'crawlerName');
  });
});

describe('which AWS errors are transient', () => {
  const names = [
    'ThrottlingException',
    'Throttling',
    'ThrottledException',
    'RequestLimitExceeded',
    'RequestThrottled',
    'RequestThrottledException',
    'TooManyRequests',
    'TooManyRequestsException',
    'ProvisionedThroughputExceededException',
    'SlowDown',
    'InternalServerError',
    'InternalServerException',
    'InternalServiceException',
    'InternalFailure',
    'InternalError',
    'ServiceUnavailable',
    'ServiceUnavailableException',
    'OperationTimeoutException',
    'RequestTimeout',
    'RequestTimeoutException',
    'TimeoutError',
    'ConcurrentRunsExceededException',
  ];
  const codes = [
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'ENOTFOUND',
    'ENETUNREACH',
    'EHOSTUNREACH',
  ];

  it('knows each throttling, server and timeout name without an HTTP status', () => {
    for (const name of names) {
      const err = { name, message: 'm' };
      expect(classifyAwsError(err).transient, name).toBe(true);
      expect(isAwsError(err), name).toBe(true);
    }
  });

  it('knows each network code on a plain Error', () => {
    for (const code of codes) {
      const err = Object.assign(new Error('m'), { code });
      expect(classifyAwsError(err), code).toEqual({ transient: true, name: code, message: 'm' });
      expect(isAwsError(err), code).toBe(true);
    }
  });

  it('takes a name or code it does not list, without a status, as permanent and not AWS', () => {
    const err = Object.assign(new Error('m'), { name: 'Unlisted', code: 'EUNLISTED' });
    expect(classifyAwsError(err).transient).toBe(false);
    expect(isAwsError(err)).toBe(false);
    expect(isAwsError({ code: 5, name: 7 })).toBe(false);
  });
});
