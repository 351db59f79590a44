/** `sluice db clean --archive-logs` against Postgres and S3 in the AWS emulator. */
import { type AwsEmulator, startAwsEmulator } from '@sluice/aws-emulator';
import { createTestDatabase, generateFinishedRuns, type TestDatabase } from '@sluice/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanDbWith } from './db-clean';

let t: TestDatabase;
let aws: AwsEmulator;

beforeAll(async () => {
  t = await createTestDatabase({ max: 2 });
  aws = await startAwsEmulator();
  aws.s3.createBucket('sluice-archive');
});
afterAll(async () => {
  await aws?.close();
  await t?.drop();
});

describe('sluice db clean --archive-logs', () => {
  it("writes each try's log to S3 before deleting it", async () => {
    await generateFinishedRuns(t.db.pool, {
      dagId: 'etl',
      runs: 3,
      tasksPerRun: 2,
      logLinesPerTry: 2,
      endedBefore: new Date(Date.now() - 10 * 86_400_000),
    });
    const url = `${t.databaseUrl}${t.databaseUrl.includes('?') ? '&' : '?'}schema=${t.schema}`;
    const deleted = await cleanDbWith(
      url,
      {
        before: new Date(),
        dagIds: null,
        dryRun: false,
        batchRuns: 2,
        archiveLogs: { bucket: 'sluice-archive', prefix: 'history/v1' },
      },
      {
        AWS_ENDPOINT_URL: aws.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
    );
    expect(deleted).toMatchObject({ runs: 3, taskInstances: 6, logLines: 12 });
    const keys = [...(aws.s3.buckets.get('sluice-archive')?.keys() ?? [])].sort();
    expect(keys).toHaveLength(6);
    expect(keys[0]).toBe('history/v1/etl/generated_1/t1/try-1.log');
    expect(aws.s3.text('sluice-archive', 'history/v1/etl/generated_1/t1/try-1.log')).toBe('line 1\nline 2\n');
  });
});
