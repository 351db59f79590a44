/**
 * A scheduler and a worker, each a real process, against a database of the
 * test's own that the test takes away (connections refused, backends
 * terminated) and gives back: the processes ride the outage out, no
 * outcome and no log line is lost, and no command runs twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '@sluice/db';
import { openEngine, triggerRun, type OpenEngine } from '@sluice/engine';
import { repoRoot, waitFor } from './harness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_URL = testDatabaseUrl();

interface Child {
  proc: ChildProcess;
  /** pino's lines so far, parsed. */
  lines: Array<{ level: number; msg: string; [key: string]: unknown }>;
  exited: Promise<number | null>;
}

interface System {
  dbName: string;
  databaseUrl: string;
  db: TestDatabase;
  engine: OpenEngine;
  dagsDir: string;
  scheduler: Child;
  worker: Child;
  /** Refuses new connections to the system's database and ends the ones it has. */
  takeDatabaseAway(): Promise<void>;
  /** Ends the connections the database has again (there should be none). */
  terminateBackends(): Promise<void>;
  giveDatabaseBack(): Promise<void>;
  close(): Promise<void>;
}

let system: System | null = null;
afterEach(async () => {
  await system?.close();
  system = null;
});

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function spawnApp(app: 'scheduler' | 'worker', env: Record<string, string>, extraImports: string[] = []): Child {
  const imports = ['--import', 'tsx', ...extraImports.flatMap((f) => ['--import', f])];
  const proc = spawn(process.execPath, [...imports, path.join(repoRoot, `apps/${app}/src/main.ts`)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = {
    proc,
    lines: [],
    exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))),
  };
  let rest = '';
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (data: string) => {
    const parts = (rest + data).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) {
      try {
        child.lines.push(JSON.parse(line) as Child['lines'][number]);
      } catch {
        child.lines.push({ level: 30, msg: line });
      }
    }
  });
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (data: string) => child.lines.push({ level: 60, msg: data }));
  return child;
}

function logged(
  child: Child,
  what: string,
  match: (line: Child['lines'][number]) => boolean,
  timeoutMs = 30_000,
): Promise<true> {
  return waitFor(
    what,
    async () => (child.lines.some(match) ? true : undefined),
    timeoutMs,
    async () => JSON.stringify(child.lines.slice(-5)),
  );
}

async function startSystem(opts: {
  dags: Record<string, string>;
  heartbeatTimeoutMs: number;
  reconcileAfterMs?: number;
  workerImports?: string[];
}): Promise<System> {
  const dbName = `sluice_resil_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const db = await createTestDatabase({ databaseUrl: url.toString(), max: 3 });
  const databaseUrl = `${url.toString()}${url.search ? '&' : '?'}schema=${db.schema}`;
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  const dagsDir = path.join(repoRoot, '.sluice', 'test-dags', prefix);
  await fs.mkdir(dagsDir, { recursive: true });
  for (const [file, source] of Object.entries(opts.dags)) await fs.writeFile(path.join(dagsDir, file), source);
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    SLUICE_QUEUE_PREFIX: prefix,
    SLUICE_DAGS_FOLDER: dagsDir,
    SLUICE_SCHEDULER_INTERVAL_MS: '200',
    SLUICE_DAG_PARSE_INTERVAL_MS: '600000',
    SLUICE_HEARTBEAT_TIMEOUT_MS: String(opts.heartbeatTimeoutMs),
    SLUICE_HEARTBEAT_INTERVAL_MS: '200',
    SLUICE_RECONCILE_AFTER_MS: String(opts.reconcileAfterMs ?? 2000),
    SLUICE_WORKER_CONCURRENCY: '4',
    SLUICE_HOSTNAME: 'outage-host',
    SLUICE_LOG_LEVEL: 'info',
  };
  const scheduler = spawnApp('scheduler', env);
  const worker = spawnApp('worker', env, opts.workerImports);
  const engine = openEngine({
    databaseUrl,
    redisUrl: REDIS_URL,
    queuePrefix: prefix,
    logger: pino({ level: 'silent' }),
    name: 'sluice-outage-test',
    db: db.db,
  });
  const terminateBackends = () =>
    admin((c) =>
      c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [
        dbName,
      ]),
    ).then(() => undefined);
  const stop = async (child: Child) => {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    await child.exited;
  };
  const sys: System = {
    dbName,
    databaseUrl,
    db,
    engine,
    dagsDir,
    scheduler,
    worker,
    async takeDatabaseAway() {
      await admin((c) => c.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`));
      await terminateBackends();
    },
    terminateBackends,
    async giveDatabaseBack() {
      await admin((c) => c.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`));
    },
    async close() {
      await stop(worker);
      await stop(scheduler);
      await engine.res.queue.obliterate().catch(() => undefined);
      await engine.close();
      await db.db.close().catch(() => undefined);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
      await fs.rm(dagsDir, { recursive: true, force: true });
    },
  };
  try {
    await logged(scheduler, 'the scheduler to start', (l) => l.msg === 'scheduler started');
    await logged(worker, 'the worker to start', (l) => l.msg === 'worker started');
    await waitFor('the DAGs to be parsed', async () => {
      const res = await db.db.pool.query(`SELECT 1 FROM dag WHERE current_version_id IS NOT NULL`);
      return res.rowCount === Object.keys(opts.dags).length ? true : undefined;
    });
  } catch (err) {
    await sys.close();
    throw err;
  }
  return sys;
}

function alive(child: Child): boolean {
  return child.proc.exitCode === null && child.proc.signalCode === null;
}

async function runState(sys: System, runId: string): Promise<string | undefined> {
  const res = await sys.db.db.pool.query<{ state: string }>(`SELECT state FROM dag_run WHERE run_id = $1`, [runId]);
  return res.rows[0]?.state;
}

async function tries(sys: System): Promise<Array<{ task_id: string; try_number: number; state: string }>> {
  const res = await sys.db.db.pool.query<{ task_id: string; try_number: number; state: string }>(
    `SELECT ti.task_id, tt.try_number, tt.state FROM task_try tt JOIN task_instance ti ON ti.id = tt.task_instance_id ORDER BY ti.task_id, tt.try_number`,
  );
  return res.rows;
}

describe('a Postgres outage', () => {
  it('does not lose a success that finished while Postgres refused connections, nor run the command again', async () => {
    const marks = path.join(repoRoot, '.sluice', `outage-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(marks, { recursive: true });
    try {
      system = await startSystem({
        heartbeatTimeoutMs: 5000,
        dags: {
          'finish.ts': `
import { dag, shell } from '@sluice/sdk';
export const d = dag({ id: 'finish_in_outage', schedule: null, start: '2026-01-01' });
d.task('once', { retries: 2, retryDelay: '1s' }, shell({ command: 'echo ran >> ${marks}/ran; while [ ! -e ${marks}/go ]; do sleep 0.05; done' }));
`,
        },
      });
      const sys = system;
      const run = await triggerRun(sys.engine.res, { dagId: 'finish_in_outage', actor: 'test' });
      await waitFor('the command to start', async () =>
        (await fs.readFile(path.join(marks, 'ran'), 'utf8').catch(() => '')) ? true : undefined,
      );
      await sys.takeDatabaseAway();
      await fs.writeFile(path.join(marks, 'go'), '');
      // Either the retry's warning or a job that failed outright: the finish met the outage.
      await logged(
        sys.worker,
        'the worker to fail to record the outcome',
        (l) => l.msg === 'could not record the outcome of a try; trying again' || l.msg === 'worker job error',
      );
      await sys.giveDatabaseBack();

      await waitFor('the run to end', async () => {
        const state = await runState(sys, run.runId).catch(() => undefined);
        return state === 'success' || state === 'failed' ? state : undefined;
      });
      expect(await runState(sys, run.runId)).toBe('success');
      expect(await tries(sys)).toEqual([{ task_id: 'once', try_number: 1, state: 'success' }]);
      expect(await fs.readFile(path.join(marks, 'ran'), 'utf8')).toBe('ran\n');
      expect(alive(sys.worker)).toBe(true);
      expect(alive(sys.scheduler)).toBe(true);
    } finally {
      await fs.rm(marks, { recursive: true, force: true });
    }
  }, 90_000);

  it('is ridden out by the scheduler and the worker while tasks log: runs complete and no log line is lost', async () => {
    const marks = path.join(repoRoot, '.sluice', `outage-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(marks, { recursive: true });
    const lines = 100;
    try {
      system = await startSystem({
        heartbeatTimeoutMs: 60_000,
        dags: {
          'chatty.ts': `
import { dag, shell } from '@sluice/sdk';
export const d = dag({ id: 'chatty', schedule: null, start: '2026-01-01' });
for (const name of ['a', 'b', 'c']) {
  d.task(name, { retries: 0 }, shell({ command: 'for i in $(seq 1 ${lines}); do echo "' + name + ' line $i"; sleep 0.1; done; echo done >> ${marks}/' + name }));
}
`,
        },
      });
      const sys = system;
      const run = await triggerRun(sys.engine.res, { dagId: 'chatty', actor: 'test' });
      await waitFor('every task to have logged', async () => {
        const res = await sys.db.db.pool.query(
          `SELECT DISTINCT task_instance_id FROM task_log WHERE text LIKE '%line%'`,
        );
        return res.rowCount === 3 ? true : undefined;
      });
      await sys.takeDatabaseAway();
      // The outage lasts until every command has ended and both processes have met it.
      const metOutage = (l: Child['lines'][number]) =>
        l.level >= 40 && /not currently accepting|terminat|ECONNREFUSED/.test(JSON.stringify(l));
      await logged(sys.scheduler, 'the scheduler to meet the outage', metOutage);
      await waitFor(
        'every command to end (or the worker to die)',
        async () => {
          if (!alive(sys.worker)) return true;
          const ended = await Promise.all(
            ['a', 'b', 'c'].map((n) =>
              fs.access(path.join(marks, n)).then(
                () => true,
                () => false,
              ),
            ),
          );
          return ended.every(Boolean) ? true : undefined;
        },
        30_000,
      );
      expect(sys.worker.lines.some(metOutage)).toBe(true);
      await sys.terminateBackends();
      expect(alive(sys.worker)).toBe(true);
      expect(alive(sys.scheduler)).toBe(true);
      await sys.giveDatabaseBack();

      await waitFor(
        'the run to end',
        async () => {
          const state = await runState(sys, run.runId).catch(() => undefined);
          return state === 'success' || state === 'failed' ? state : undefined;
        },
        30_000,
      );
      expect(alive(sys.worker)).toBe(true);
      expect(alive(sys.scheduler)).toBe(true);
      expect(await runState(sys, run.runId)).toBe('success');
      expect(await tries(sys)).toEqual(
        ['a', 'b', 'c'].map((task_id) => ({ task_id, try_number: 1, state: 'success' })),
      );
      for (const name of ['a', 'b', 'c']) {
        const res = await sys.db.db.pool.query<{ text: string }>(
          `SELECT l.text FROM task_log l JOIN task_instance ti ON ti.id = l.task_instance_id WHERE ti.task_id = $1 ORDER BY l.seq`,
          [name],
        );
        const log = res.rows.map((r) => r.text).join('');
        const printed = log.split('\n').filter((l) => l.startsWith(`${name} line `));
        expect(printed).toEqual(Array.from({ length: lines }, (_, i) => `${name} line ${i + 1}`));
        expect(log).toContain('try 1 ended: success');
      }
    } finally {
      await fs.rm(marks, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('a claim during a Postgres outage', () => {
  it('is tried again by the worker: the try runs once Postgres is back, without waiting for the reconciler', async () => {
    system = await startSystem({
      heartbeatTimeoutMs: 30_000,
      // Far beyond the test's patience: only the worker's own retry can save the try.
      reconcileAfterMs: 600_000,
      dags: {
        'claim.ts': `
import { dag, shell } from '@sluice/sdk';
export const d = dag({ id: 'claim_in_outage', schedule: null, start: '2026-01-01' });
d.task('t', { retries: 0 }, shell({ command: 'echo claimed' }));
`,
      },
    });
    const sys = system;
    // The run is made with its job sent to a queue no worker reads, so its
    // try waits queued in Postgres until the test hands the job over.
    const decoy = openEngine({
      databaseUrl: sys.databaseUrl,
      redisUrl: REDIS_URL,
      queuePrefix: `decoy-${randomBytes(6).toString('hex')}`,
      logger: pino({ level: 'silent' }),
      name: 'sluice-outage-decoy',
      db: sys.db.db,
    });
    try {
      const run = await triggerRun(decoy.res, { dagId: 'claim_in_outage', actor: 'test' });
      const queued = await waitFor('the try to be queued', async () => {
        const res = await sys.db.db.pool.query<{ id: string }>(
          `SELECT ti.id FROM task_instance ti WHERE ti.state = 'queued'`,
        );
        return res.rows[0]?.id;
      });
      await sys.takeDatabaseAway();
      await sys.engine.res.queue.enqueueRuns([{ taskInstanceId: queued, tryNumber: 1 }]);
      // Either the retry's warning or a job that failed outright: the claim met the outage.
      await logged(
        sys.worker,
        'the claim to fail',
        (l) => l.msg === 'could not claim a try; trying again' || l.msg === 'worker job error',
      );
      await sys.giveDatabaseBack();
      await waitFor('the run to end', async () => {
        const state = await runState(sys, run.runId).catch(() => undefined);
        return state === 'success' || state === 'failed' ? state : undefined;
      });
      expect(await tries(sys)).toEqual([{ task_id: 't', try_number: 1, state: 'success' }]);
    } finally {
      await decoy.res.queue.obliterate().catch(() => undefined);
      await decoy.close();
    }
  }, 60_000);
});

describe('a worker process', () => {
  it('survives an unhandled rejection from a background timer, logs it as an error and goes on running tasks', async () => {
    system = await startSystem({
      heartbeatTimeoutMs: 30_000,
      workerImports: [path.join(repoRoot, 'tests/integration/fixtures/reject-in-background.mjs')],
      dags: {
        'simple.ts': `
import { dag, shell } from '@sluice/sdk';
export const d = dag({ id: 'after_rejection', schedule: null, start: '2026-01-01' });
d.task('t', shell({ command: 'echo hi' }));
`,
      },
    });
    const sys = system;
    await logged(
      sys.worker,
      'the rejection to be logged',
      (l) =>
        l.level === 50 &&
        l.msg.includes('unhandled rejection') &&
        JSON.stringify(l).includes('background timer failed'),
    );
    const run = await triggerRun(sys.engine.res, { dagId: 'after_rejection', actor: 'test' });
    await waitFor('the run to succeed', async () =>
      (await runState(sys, run.runId)) === 'success' ? true : undefined,
    );
    expect(alive(sys.worker)).toBe(true);
  }, 60_000);
});
