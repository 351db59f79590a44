import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListClustersCommand } from '@aws-sdk/client-emr';
import { afterEach, describe, expect, it } from 'vitest';
import { externalOperators } from '../registry';
import { assumeRoleCredentials, createEmrClient } from './clients';
import { classifyAwsError } from './errors';
import { emrClusterConsoleUrl, glueCrawlerConsoleUrl, glueJobRunConsoleUrl } from './refs';
import { startHarness } from './testing';

describe('classifyAwsError', () => {
  const aws = (name: string, status: number, message = 'm') =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it.each([
    ['ThrottlingException', 400],
    ['RequestLimitExceeded', 400],
    ['TooManyRequestsException', 429],
    ['InternalServerError', 500],
    ['InternalFailure', 500],
    ['ServiceUnavailable', 503],
    ['SomethingNew', 502],
    ['ConcurrentRunsExceededException', 400],
  ])('%s (%i) is transient', (name, status) => {
    expect(classifyAwsError(aws(name, status))).toEqual({ transient: true, name, message: 'm' });
  });

  it.each([
    'ValidationException',
    'InvalidRequestException',
    'AccessDeniedException',
    'AccessDenied',
    'EntityNotFoundException',
    'ResourceNotFoundException',
  ])('%s is permanent, with AWS message', (name) => {
    expect(classifyAwsError(aws(name, 400, 'AWS says no'))).toEqual({ transient: false, name, message: 'AWS says no' });
  });

  it('network errors are transient', () => {
    expect(classifyAwsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toEqual({
      transient: true,
      name: 'ECONNRESET',
      message: 'socket hang up',
    });
    expect(classifyAwsError(Object.assign(new Error('timed out'), { name: 'TimeoutError' })).transient).toBe(true);
  });
});

describe('console links', () => {
  it('point at the cluster, the job run and the crawler', () => {
    expect(emrClusterConsoleUrl('eu-west-1', 'j-ABC')).toBe(
      'https://eu-west-1.console.aws.amazon.com/emr/home?region=eu-west-1#/clusterDetails/j-ABC',
    );
    expect(glueJobRunConsoleUrl('eu-west-1', 'hourly stats', 'jr_1')).toBe(
      'https://eu-west-1.console.aws.amazon.com/gluestudio/home?region=eu-west-1#/job/hourly%20stats/run/jr_1',
    );
    expect(glueCrawlerConsoleUrl('eu-west-1', 'c')).toBe(
      'https://eu-west-1.console.aws.amazon.com/glue/home?region=eu-west-1#/v2/data-catalog/crawlers/view/c',
    );
  });
});

describe('externalOperators', () => {
  it('has every EMR, Glue, S3 and time kind, and re-validates options it is given raw', async () => {
    expect([...externalOperators.keys()].sort()).toEqual([
      'emr.addSteps',
      'emr.clusterSensor',
      'emr.createCluster',
      'emr.stepSensor',
      'emr.terminateCluster',
      'glue.catalogPartitionSensor',
      'glue.crawler',
      'glue.jobRunSensor',
      'glue.startJobRun',
      's3.keySensor',
      'time.delta',
      'time.until',
    ]);
    const h = await startHarness();
    try {
      const op = externalOperators.get('emr.addSteps');
      await expect(op?.start({ steps: [] }, h.ctx()) ?? Promise.resolve()).rejects.toThrow(/^emr\.addSteps: steps: /);
    } finally {
      await h.close();
    }
  });
});

describe('options stored by the @sluice/sdk builders', () => {
  // The JSON that packages/sdk/src/aws.test.ts shows emr.* and glue.* storing.
  it.each([
    [
      'emr.createCluster',
      {
        name: 'daily',
        releaseLabel: 'emr-7.2.0',
        instances: { masterInstanceType: 'm5.xlarge', instanceCount: 3 },
        applications: ['Hive', 'Spark'],
      },
    ],
    [
      'emr.addSteps',
      {
        clusterFrom: 'create_cluster',
        steps: [{ name: 'hive', args: ['hive-script', '--run-hive-script', '--args', '-f', 's3://b/q.hql'] }],
      },
    ],
    ['emr.terminateCluster', { clusterFrom: 'create_cluster' }],
    ['emr.stepSensor', { stepId: 's-XYZ', clusterId: 'j-ABC', aws: { region: 'ap-northeast-1', maxAttempts: 10 } }],
    ['emr.clusterSensor', { clusterId: 'j-ABC', targetStates: ['WAITING'], connection: 'prod' }],
    [
      'glue.startJobRun',
      {
        jobName: 'hourly-stats',
        arguments: { '--hour': '2026-01-01T06' },
        workerType: 'G.1X',
        numberOfWorkers: 10,
        timeoutMinutes: 60,
      },
    ],
    ['glue.crawler', { crawlerName: 'stats-tables' }],
    ['glue.jobRunSensor', { jobName: 'hourly-stats', runFrom: 'stats' }],
  ])('%s compiles them', (kind, options) => {
    expect(() => externalOperators.get(kind)?.compile(options)).not.toThrow();
    const compiled = externalOperators.get(kind)?.compile(options);
    expect(compiled).toMatchObject(options);
    // The registry re-validates what the worker already compiled: compiling must be idempotent.
    expect(externalOperators.get(kind)?.compile(compiled)).toEqual(compiled);
  });
});

describe('roleArn', () => {
  let sts: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (sts ? sts.close(() => resolve()) : resolve())));

  /** A fake STS answering AssumeRole (query protocol, XML) with credentials expiring at `expiresAt()`. */
  async function fakeSts(expiresAt: () => Date): Promise<{ url: string; bodies: string[] }> {
    const bodies: string[] = [];
    sts = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.setHeader('content-type', 'text/xml');
        res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
          <AccessKeyId>ASIA${bodies.length}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>
          <Expiration>${expiresAt().toISOString()}</Expiration></Credentials>
          <AssumedRoleUser><AssumedRoleId>AROA:sluice</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/etl/sluice</Arn></AssumedRoleUser>
          </AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`);
      });
    });
    await new Promise<void>((resolve) => sts?.listen(0, '127.0.0.1', resolve));
    const address = sts?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the STS stand-in is not listening');
    return { url: `http://127.0.0.1:${address.port}`, bodies };
  }

  const base = {
    region: 'us-east-1',
    roleArn: 'arn:aws:iam::123456789012:role/etl',
    credentials: { accessKeyId: 'base', secretAccessKey: 'base' },
  };

  it('assumes the role once and reuses the credentials until shortly before they expire', async () => {
    let expiry = new Date(Date.now() + 3_600_000);
    const fake = await fakeSts(() => expiry);
    const provider = assumeRoleCredentials({ ...base, stsEndpoint: fake.url });
    expect(await provider()).toMatchObject({ accessKeyId: 'ASIA1', sessionToken: 'token' });
    expect(await provider()).toMatchObject({ accessKeyId: 'ASIA1' });
    expect(fake.bodies).toHaveLength(1);
    expect(fake.bodies[0]).toContain('RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fetl');
    expect(fake.bodies[0]).toContain('RoleSessionName=sluice');

    const soon = assumeRoleCredentials({ ...base, stsEndpoint: fake.url });
    expiry = new Date(Date.now() + 60_000); // inside the refresh window
    await soon();
    expect(await soon()).toMatchObject({ accessKeyId: 'ASIA3' });
  });

  it('signs EMR calls with the assumed credentials', async () => {
    const fake = await fakeSts(() => new Date(Date.now() + 3_600_000));
    const h = await startHarness();
    const emr = createEmrClient({ ...base, endpoint: h.emulator.url, stsEndpoint: fake.url });
    try {
      await emr.send(new ListClustersCommand({}));
      await emr.send(new ListClustersCommand({}));
      expect(fake.bodies).toHaveLength(1);
      expect(h.emulator.control.calls('ListClusters')).toHaveLength(2);
    } finally {
      emr.destroy();
      await h.close();
    }
  });
});
