/**
 * The scheduler process against the real local Postgres and Redis: it parses
 * its DAGs folder when it starts and records import errors, runs the
 * safety-net pass on its own interval (a due run is created and its root
 * task queued without anyone asking), and with its loops off does nothing
 * until asked.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '@sluice/db';
import { TaskQueue, createRedis } from '@sluice/queue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchedulerConfig } from './config';
import { startScheduler, type RunningScheduler } from './scheduler';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const DAILY = `import { dag, shell } from '@sluice/sdk';
export const d = dag({ id: 'sched_daily', schedule: '@daily', start: '2026-01-01', catchup: false });
const first = d.task('first', shell({ command: 'echo 1' }));
d.task('second', { upstream: [first] }, shell({ command: 'echo 2' }));
`;
const BROKEN = `import { dag } from '@sluice/sdk';
export const d = dag({ id: 'sched_broken', schedule: 'every tuesday' });
`;

let db: TestDatabase;
let dagsDir: string;
let prefix: string;
let scheduler: RunningScheduler | null = null;

beforeEach(async () => {
  db = await createTestDatabase({ max: 2 });
  prefix = `test-sched-${randomBytes(6).toString('hex')}`;
  // Inside the repository, so DAG files resolve @sluice/sdk from its node_modules.
  dagsDir = path.join(repoRoot, '.sluice', 'test-dags', prefix);
  await fs.mkdir(dagsDir, { recursive: true });
});

afterEach(async () => {
  await scheduler?.close();
  scheduler = null;
  const redis = createRedis({ url: REDIS_URL });
  const queue = new TaskQueue({ connection: redis, prefix });
  await queue.obliterate();
  await queue.close();
  redis.disconnect();
  await fs.rm(dagsDir, { recursive: true, force: true });
  await db?.drop();
});

function config(env: Record<string, string> = {}): SchedulerConfig {
  return SchedulerConfig.parse({
    DATABASE_URL: `${db.databaseUrl}${db.databaseUrl.includes('?') ? '&' : '?'}schema=${db.schema}`,
    REDIS_URL,
    SLUICE_QUEUE_PREFIX: prefix,
    SLUICE_DAGS_FOLDER: dagsDir,
    SLUICE_HOSTNAME: 'sched-test',
    SLUICE_LOG_LEVEL: 'silent',
    ...env,
  });
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const dagIds = async () => (await db.db.pool.query<{ dag_id: string }>('SELECT dag_id FROM dag ORDER BY dag_id')).rows;
const importErrors = async () =>
  (await db.db.pool.query<{ file_loc: string }>('SELECT file_loc FROM import_error ORDER BY file_loc')).rows;

async function taskStates(): Promise<Record<string, string>> {
  const res = await db.db.pool.query<{ task_id: string; state: string }>('SELECT task_id, state FROM task_instance');
  return Object.fromEntries(res.rows.map((r) => [r.task_id, r.state]));
}

describe('startScheduler', () => {
  it('parses the DAGs folder before it resolves, recording the DAGs and the import errors', async () => {
    await fs.writeFile(path.join(dagsDir, 'daily.ts'), DAILY);
    await fs.writeFile(path.join(dagsDir, 'broken.ts'), BROKEN);
    scheduler = await startScheduler(config({ SLUICE_SCHEDULER_INTERVAL_MS: '600000' }), pino({ level: 'silent' }));
    expect(await dagIds()).toEqual([{ dag_id: 'sched_daily' }]);
    expect((await importErrors()).map((e) => path.basename(e.file_loc))).toEqual(['broken.ts']);
  });

  it('runs the safety-net pass on its own: creates the due run and queues its root task', async () => {
    await fs.writeFile(path.join(dagsDir, 'daily.ts'), DAILY);
    scheduler = await startScheduler(config({ SLUICE_SCHEDULER_INTERVAL_MS: '100' }), pino({ level: 'silent' }));
    const states = await until('the root task queued', async () => {
      const s = await taskStates();
      return s['first'] === 'queued' ? s : null;
    });
    expect(states['second']).toBe('none');
    const runs = await db.db.pool.query<{ run_type: string; state: string }>('SELECT run_type, state FROM dag_run');
    expect(runs.rows).toEqual([{ run_type: 'scheduled', state: 'running' }]);
  });

  it('with its loops off, parses and passes only when asked', async () => {
    await fs.writeFile(path.join(dagsDir, 'daily.ts'), DAILY);
    scheduler = await startScheduler(config(), pino({ level: 'silent' }), { loops: false });
    expect(await dagIds()).toEqual([]);
    expect(await scheduler.parse()).toEqual({ dags: 1, errors: 0 });
    expect(await dagIds()).toEqual([{ dag_id: 'sched_daily' }]);
    expect(await taskStates()).toEqual({});
    const stats = await scheduler.pass();
    expect(stats).toMatchObject({ runsCreated: 1, runsStarted: 1 });
    expect((await taskStates())['first']).toBe('queued');
  });

  it('picks up a file changed since the last parse, and counts a file that broke as an error', async () => {
    await fs.writeFile(path.join(dagsDir, 'daily.ts'), DAILY);
    scheduler = await startScheduler(config(), pino({ level: 'silent' }), { loops: false });
    expect(await scheduler.parse()).toEqual({ dags: 1, errors: 0 });
    await fs.writeFile(path.join(dagsDir, 'broken.ts'), BROKEN);
    expect(await scheduler.parse()).toEqual({ dags: 1, errors: 1 });
    expect((await importErrors()).map((e) => path.basename(e.file_loc))).toEqual(['broken.ts']);
  });
});
