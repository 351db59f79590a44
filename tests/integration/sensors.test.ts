/**
 * Sensors end to end, with S3 reached through the real SDK over HTTP on the
 * local emulator: a waiting sensor holds no worker slot (one S3 key sensor
 * finishes while 200 pokers wait with two slots), a poke spends no retry,
 * and a timeout fails the task or, in `skip` mode, skips it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulatorWithEnv } from './aws-support';
import { startHarness, waitFor, type Harness } from './harness';

let aws: Emulator;
let restoreEnv: () => void;
let s3: S3Client;
let h: Harness | null = null;

beforeAll(async () => {
  ({ aws, restoreEnv } = await startEmulatorWithEnv({}));
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: aws.url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
});
afterAll(async () => {
  s3.destroy();
  await aws.close();
  restoreEnv();
});
afterEach(async () => {
  await h?.close();
  h = null;
});

const CROWD = 200;

const crowdDag = `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'crowd', schedule: null, start: '2026-01-01', maxActiveTasks: ${CROWD + 10} });
for (let i = 0; i < ${CROWD}; i++)
  d.task(\`wait_\${i}\`, { retries: 2 }, fn(async (ctx) => ctx.poke({ again: '1m' }), { sensor: { timeout: '10m' } }));
`;

const landingDag = `
import { dag, fn, s3 } from '@sluice/sdk';
export const d = dag({ id: 'landing', schedule: null, start: '2026-01-01' });
const landed = d.task('landed', { retries: 2 }, s3.partitionSensor({
  bucket: 'lake', prefix: 'events', partition: { dt: '{{ ds }}' }, minSize: 2, pokeInterval: '300ms', timeout: '5m',
}));
d.task('report', { upstream: [landed] }, fn(async (ctx) => ctx.output(landed).keys));
`;

const statesOf = (run: { taskInstances: Array<{ state: string }> }, state: string) =>
  run.taskInstances.filter((t) => t.state === state).length;

describe('sensors', () => {
  it('an S3 key sensor finishes while 200 sensors wait deferred on 2 worker slots', async () => {
    h = await startHarness({ dags: { 'crowd.ts': crowdDag, 'landing.ts': landingDag }, workerConcurrency: 2 });
    const harness = h;
    const crowd = await harness.trigger('crowd');
    await waitFor(
      `all ${CROWD} pokers deferred`,
      async () => (statesOf(await harness.getRun('crowd', crowd.runId), 'deferred') === CROWD ? true : undefined),
      90_000,
    );

    const landing = await harness.trigger('landing');
    const ds = landing.logicalDate.slice(0, 10);
    await harness.waitForTask('landing', landing.runId, 'landed', ['deferred'], 30_000);
    // Too small to count (minSize 2): the sensor keeps waiting.
    await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: `events/dt=${ds}/_SUCCESS`, Body: 'x' }));
    await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: `events/dt=${ds}/part-0.json`, Body: '{"a":1}' }));

    const done = await harness.waitForRun('landing', landing.runId, ['success', 'failed'], 30_000);
    expect(done.state).toBe('success');
    expect(done.taskInstances.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['landed', 'success', 1],
      ['report', 'success', 1],
    ]);
    const report = await request(harness.app).get(
      `/api/v1/dags/landing/runs/${encodeURIComponent(landing.runId)}/tasks/report`,
    );
    expect(report.body.output).toEqual([`events/dt=${ds}/part-0.json`]);

    // Every poker still waits in its first try, holding no slot.
    const still = await harness.getRun('crowd', crowd.runId);
    expect(statesOf(still, 'deferred')).toBe(CROWD);
    expect(still.taskInstances.every((t) => t.tryNumber === 1)).toBe(true);
  });

  it('a poke spends no retry: the function is called again in the same try until it returns', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-poke-'));
    const flag = path.join(dir, 'ready');
    h = await startHarness({
      dags: {
        'poker.ts': `
import { existsSync } from 'node:fs';
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'poker', schedule: null, start: '2026-01-01' });
d.task('wait', { retries: 1 }, fn(async (ctx) => {
  if (!existsSync(${JSON.stringify(flag)})) return ctx.poke({ again: '100ms' });
  return { ready: true };
}, { sensor: { timeout: '5m', mode: 'fail' } }));
`,
      },
    });
    const harness = h;
    try {
      const run = await harness.trigger('poker');
      const logOf = async () =>
        (
          await request(harness.app).get(
            `/api/v1/dags/poker/runs/${encodeURIComponent(run.runId)}/tasks/wait/logs?try=1`,
          )
        ).text;
      await waitFor('three looks', async () =>
        (await logOf()).split('condition not met').length > 3 ? true : undefined,
      );
      await writeFile(flag, '');
      const done = await harness.waitForRun('poker', run.runId, ['success', 'failed']);
      expect(done.taskInstances.map((t) => [t.state, t.tryNumber])).toEqual([['success', 1]]);
      const detail = await request(harness.app).get(
        `/api/v1/dags/poker/runs/${encodeURIComponent(run.runId)}/tasks/wait`,
      );
      expect(detail.body.output).toEqual({ ready: true });
      expect(detail.body.tries).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a timeout in skip mode skips the task and its downstream follows trigger rules; in fail mode it fails without a retry; time.until wakes on time', async () => {
    h = await startHarness({
      dags: {
        'timeouts.ts': `
import { dag, fn, s3, time } from '@sluice/sdk';
export const d = dag({ id: 'timeouts', schedule: null, start: '2026-01-01' });
const optional = d.task('optional_feed', { retries: 2 }, fn(async (ctx) => ctx.poke({ again: '200ms' }),
  { sensor: { timeout: '1s', mode: 'skip' } }));
d.task('load', { upstream: [optional] }, fn(async () => 'loaded'));
d.task('cleanup', { upstream: [optional], triggerRule: 'all_done' }, fn(async () => 'cleaned'));
d.task('required_feed', { retries: 2 }, s3.keySensor({
  bucket: 'lake', pattern: 'never/*/part-*.json', pokeInterval: '200ms', timeout: '1s', mode: 'fail',
}));
d.task('settle', time.until({ at: '{{ conf.at }}', timeout: '1m' }));
`,
      },
    });
    const at = new Date(Date.now() + 2000).toISOString();
    const run = await h.trigger('timeouts', { conf: { at } });
    const done = await h.waitForRun('timeouts', run.runId, ['success', 'failed'], 30_000);
    expect(done.taskInstances.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['optional_feed', 'skipped', 1],
      ['load', 'skipped', 0],
      ['cleanup', 'success', 1],
      ['required_feed', 'failed', 1],
      ['settle', 'success', 1],
    ]);
    const settle = await request(h.app).get(`/api/v1/dags/timeouts/runs/${encodeURIComponent(run.runId)}/tasks/settle`);
    expect(settle.body.output).toEqual({ until: at });
    expect(new Date(settle.body.endedAt).getTime()).toBeGreaterThanOrEqual(new Date(at).getTime());
    const required = await request(h.app).get(
      `/api/v1/dags/timeouts/runs/${encodeURIComponent(run.runId)}/tasks/required_feed`,
    );
    expect(required.body.tries[0].error).toMatchObject({ name: 'SensorTimeoutError' });
    expect(required.body.external).toMatchObject({ type: 's3.keySensor', bucket: 'lake', prefix: 'never/', found: 0 });
  });
});
