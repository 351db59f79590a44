import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulator, startAwsEmulator } from '../index';

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
});
