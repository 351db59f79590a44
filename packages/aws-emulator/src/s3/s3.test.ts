import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulator, startAwsEmulator } from '../index';
import { applySeed } from '../seed';

let emulator: AwsEmulator;
let s3: S3Client;

beforeAll(async () => {
  emulator = await startAwsEmulator();
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: emulator.url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

describe('S3', () => {
  it('stores and returns an object under a nested key', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'logs' }));
    await s3.send(new PutObjectCommand({ Bucket: 'logs', Key: 'a/b c/try-1.log', Body: 'line 1\nline 2\n' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'logs', Key: 'a/b c/try-1.log' }));
    expect(await got.Body?.transformToString()).toBe('line 1\nline 2\n');
    expect(emulator.s3.text('logs', 'a/b c/try-1.log')).toBe('line 1\nline 2\n');
  });

  it('answers NoSuchKey for an object that does not exist', async () => {
    await expect(s3.send(new GetObjectCommand({ Bucket: 'logs', Key: 'nope' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  it('lists the keys under a prefix in order, with sizes, a page at a time', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
    for (const key of ['t/dt=2/b', 't/dt=1/a', 't/dt=1/c&d', 'other/x'])
      await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: 'abc' }));
    const first = await s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: 't/', MaxKeys: 2 }));
    expect(first.Contents?.map((o) => [o.Key, o.Size])).toEqual([
      ['t/dt=1/a', 3],
      ['t/dt=1/c&d', 3],
    ]);
    expect(first.IsTruncated).toBe(true);
    const second = await s3.send(
      new ListObjectsV2Command({ Bucket: 'lake', Prefix: 't/', ContinuationToken: first.NextContinuationToken }),
    );
    expect(second.Contents?.map((o) => o.Key)).toEqual(['t/dt=2/b']);
    expect(second.IsTruncated).toBe(false);
  });

  it('answers NoSuchBucket when listing a bucket that does not exist', async () => {
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'missing' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });

  it('creates the buckets a seed file names', async () => {
    applySeed(emulator, { jobs: [], crawlers: [], buckets: ['seeded-events'] });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'seeded-events' }));
    expect(listed.KeyCount).toBe(0);
  });
});
