/**
 * The SDK's AWS builders with every option given: what they store, exactly,
 * and the message naming each option they refuse.
 */
import { describe, expect, it } from 'vitest';
import { emr, glue } from './aws';
import { dag } from './dag';
import { fn } from './operator';

const aws = {
  region: 'eu-west-1',
  endpoint: 'http://127.0.0.1:4566',
  roleArn: 'arn:aws:iam::123456789012:role/etl',
  maxAttempts: 20,
};
const step = { name: 'rank', jar: 's3://jars/rank.jar', args: ['a'], mainClass: 'com.example.Rank' };

describe('emr.createCluster', () => {
  const full = {
    name: 'nightly',
    releaseLabel: 'emr-17.12.10',
    instances: {
      masterInstanceType: 'm5.xlarge',
      slaveInstanceType: 'm5.2xlarge',
      instanceCount: 256,
      keepAlive: false,
      terminationProtected: true,
      ec2SubnetId: 'subnet-1',
      ec2KeyName: 'ops',
    },
    applications: ['Spark'],
    tags: { team: 'data' },
    logUri: 's3://logs/emr/',
    serviceRole: 'EMR_Custom',
    jobFlowRole: 'EMR_EC2_Custom',
    aws,
    connection: 'prod',
  };

  it('stores every option it is given as given', () => {
    const op = emr.createCluster(full);
    expect(op.kind).toBe('emr.createCluster');
    expect(op.options).toEqual(full);
  });

  it('refuses each malformed option, naming it', () => {
    const bad = (over: object, message: string) =>
      expect(() => emr.createCluster({ ...full, ...over } as never)).toThrow(`emr.createCluster() option ${message}`);
    bad({ name: 'n'.repeat(221) }, 'name must be at most 220 characters, got 221');
    bad({ releaseLabel: 'emr-7.2.0-x' }, 'releaseLabel "emr-7.2.0-x" is invalid');
    bad({ releaseLabel: 'xemr-7.2.0' }, 'releaseLabel "xemr-7.2.0" is invalid');
    bad({ instances: { ...full.instances, spot: true } }, 'instances.spot is not a known option');
    bad(
      { instances: { ...full.instances, masterInstanceType: '' } },
      'instances.masterInstanceType must be a non-empty string',
    );
    bad(
      { instances: { ...full.instances, instanceCount: 257 } },
      'instances.instanceCount must be an integer between 1 and 256',
    );
    bad({ instances: { ...full.instances, ec2KeyName: 3 } }, 'instances.ec2KeyName must be a non-empty string');
    bad({ instances: { ...full.instances, keepAlive: 'no' } }, 'instances.keepAlive must be true or false, got "no"');
    bad({ tags: { team: 1 } }, 'tags.team must be a string, got number 1');
    bad({ serviceRole: '' }, 'serviceRole must be a non-empty string');
    bad({ connection: '' }, 'connection must be a non-empty string');
    bad(
      { aws: { ...aws, profile: 'x' } },
      'aws.profile is not a known option (known: region, endpoint, roleArn, maxAttempts)',
    );
    bad({ aws: { endpoint: 'localhost:4566' } }, 'aws.endpoint "localhost:4566" is invalid: use an http(s) URL');
    bad({ aws: { endpoint: 'xhttp://a' } }, 'aws.endpoint "xhttp://a" is invalid');
    bad({ aws: { roleArn: 'etl' } }, 'aws.roleArn "etl" is invalid: use an IAM role ARN');
    bad({ aws: { region: 'us-east-1x' } }, 'aws.region "us-east-1x" is invalid: a region looks like us-east-1');
    bad({ aws: { maxAttempts: 21 } }, 'aws.maxAttempts must be an integer between 1 and 20');
    bad({ aws: 'eu' }, 'aws must be an object');
  });

  it('takes a name of exactly 220 characters, and endpoints over https', () => {
    expect(emr.createCluster({ ...full, name: 'n'.repeat(220) }).options).toMatchObject({ name: 'n'.repeat(220) });
    expect(emr.createCluster({ ...full, aws: { endpoint: 'https://emr.local' } }).options).toMatchObject({
      aws: { endpoint: 'https://emr.local' },
    });
  });
});

describe('emr.addSteps', () => {
  it('stores each step option and each failure action', () => {
    for (const actionOnFailure of ['CONTINUE', 'CANCEL_AND_WAIT', 'TERMINATE_CLUSTER'] as const) {
      const op = emr.addSteps({ clusterId: 'j-ABC', steps: [{ ...step, actionOnFailure }] });
      expect(op.options).toEqual({ clusterId: 'j-ABC', steps: [{ ...step, actionOnFailure }] });
    }
  });

  it('refuses an unknown step option, a bad action, a cluster id of the wrong shape and a ref that is not one', () => {
    const bad = (input: object, message: string) => expect(() => emr.addSteps(input as never)).toThrow(message);
    bad(
      { clusterId: 'j-A', steps: [{ ...step, retries: 1 }] },
      'emr.addSteps() option steps[0].retries is not a known option',
    );
    bad(
      { clusterId: 'j-A', steps: [{ ...step, actionOnFailure: 'STOP' }] },
      'emr.addSteps() option steps[0].actionOnFailure must be one of CONTINUE, CANCEL_AND_WAIT, TERMINATE_CLUSTER, got "STOP"',
    );
    bad(
      { clusterId: 'j-A', steps: [{ ...step, jar: '' }] },
      'emr.addSteps() option steps[0].jar must be a non-empty string',
    );
    bad(
      { clusterId: 'j-A', steps: [{ ...step, mainClass: 1 }] },
      'emr.addSteps() option steps[0].mainClass must be a non-empty string',
    );
    bad(
      { clusterId: 'j-A', steps: [{ ...step, name: '' }] },
      'emr.addSteps() option steps[0].name must be a non-empty string',
    );
    bad({ clusterId: 'xj-A', steps: [step] }, 'emr.addSteps() option clusterId "xj-A" is invalid');
    bad({ clusterId: 'j-A!', steps: [step] }, 'emr.addSteps() option clusterId "j-A!" is invalid');
    bad(
      { cluster: { taskId: 'c' }, steps: [step] },
      'emr.addSteps() option cluster must be a task ref returned by dag.task(), got an object',
    );
    bad(
      { cluster: { dagId: 'd' }, steps: [step] },
      'emr.addSteps() option cluster must be a task ref returned by dag.task()',
    );
    bad(
      { cluster: 'c', steps: [step] },
      'emr.addSteps() option cluster must be a task ref returned by dag.task(), got "c"',
    );
  });

  it('stores a cluster ref as the task it names', () => {
    const d = dag({ id: 'aws_options_ref' });
    const cluster = d.task(
      'create',
      fn(() => ({ clusterId: 'j-A' })),
    );
    expect(emr.addSteps({ cluster, steps: [step] }).options).toEqual({ clusterFrom: 'create', steps: [step] });
  });
});

describe('glue.startJobRun', () => {
  it('stores every option, and each worker type', () => {
    const full = {
      jobName: 'stats',
      arguments: { '--hour': '6' },
      numberOfWorkers: 2,
      timeoutMinutes: 60,
      aws,
      connection: 'prod',
    };
    for (const workerType of [
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
    ] as const) {
      expect(glue.startJobRun({ ...full, workerType }).options).toEqual({ ...full, workerType });
    }
  });
});
