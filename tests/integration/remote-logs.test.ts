/**
 * SLUICE_REMOTE_LOGS: the worker writes a try's log to S3 (the AWS
 * emulator) when it ends, and the API reads an ended try's log from there,
 * even once Postgres no longer has its lines.
 */
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH, createApp } from '@sluice/api';
import type { TaskLog } from '@sluice/client';
import { openEngine } from '@sluice/engine';
import { RemoteLogStore, parseS3Url, s3ClientFromEnv } from '@sluice/remote-logs';
import { type Emulator, startEmulatorWithEnv } from './aws-support';
import { type Harness, startHarness, waitFor } from './harness';

let aws: Emulator;
let restoreEnv: () => void;
let h: Harness;
let closeEngine: (() => Promise<void>) | null = null;

beforeAll(async () => {
  ({ aws, restoreEnv } = await startEmulatorWithEnv({}));
  aws.s3.createBucket('task-logs');
  h = await startHarness({
    dags: {
      'echo.ts': `
import { dag, shell } from '@sluice/sdk';
const d = dag({ id: 'echo' });
d.task('say', shell({ command: 'echo hello; echo oops >&2' }));
`,
    },
    env: { SLUICE_REMOTE_LOGS: 's3://task-logs/prod' },
  });
}, 60_000);

afterAll(async () => {
  await closeEngine?.();
  await h?.close();
  await aws?.close();
  restoreEnv?.();
});

describe('remote task logs', () => {
  it('are written to S3 when a try ends and read back by the API', async () => {
    const { runId } = await h.trigger('echo');
    await h.waitForRun('echo', runId, ['success']);
    const key = `prod/echo/${encodeURIComponent(runId)}/say/try-1.jsonl`;
    const text = await waitFor('the log in S3', async () => aws.s3.text('task-logs', key));
    const lines = text.split('\n').map((l) => JSON.parse(l) as { stream: string; text: string });
    expect(lines.filter((l) => l.stream !== 'system').map((l) => `${l.stream}:${l.text}`)).toEqual([
      'stdout:hello\n',
      'stderr:oops\n',
    ]);

    // Postgres loses the lines; the API answers from S3.
    await h.db.db.pool.query(`DELETE FROM task_log`);
    const engine = openEngine({
      databaseUrl: h.databaseUrl,
      redisUrl: h.env.REDIS_URL ?? '',
      queuePrefix: h.prefix,
      logger: pino({ level: 'silent' }),
      name: 'sluice-remote-logs-test',
      db: h.db.db,
    });
    closeEngine = () => engine.close();
    const app = createApp({
      db: h.db.db,
      engine: engine.res,
      logger: pino({ level: 'silent' }),
      pingRedis: async () => true,
      auth: { ...DEFAULT_AUTH, mode: 'off' },
      remoteLogs: new RemoteLogStore(parseS3Url('s3://task-logs/prod'), s3ClientFromEnv(process.env)),
    });
    const res = await request(app).get(`/api/v1/dags/echo/runs/${encodeURIComponent(runId)}/tasks/say/logs`);
    expect(res.status).toBe(200);
    const log = res.body as TaskLog;
    expect(log.complete).toBe(true);
    expect(log.lines.filter((l) => l.stream !== 'system').map((l) => l.text)).toEqual(['hello\n', 'oops\n']);
  }, 60_000);
});
