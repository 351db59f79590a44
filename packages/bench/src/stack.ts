/**
 * One whole Sluice for the benchmark: a fresh Postgres schema, a random
 * Redis prefix, a generated DAGs folder, and the scheduler, API and worker
 * processes started as in production. Everything it creates is registered
 * with the Cleanup.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { checkDatabase, createDb, dropSchema, migrate, type Db } from '@sluice/db';
import type { Cleanup } from './cleanup';
import type { DagFile } from './dag-files';
import { repoRoot, startApp, type AppProcess } from './processes';
import { waitUntil } from './wait';

export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The BullMQ queue Sluice's workers consume (packages/queue TASK_QUEUE_NAME). */
const TASK_QUEUE = 'sluice-tasks';

export interface Stack {
  /** Postgres URL with `?schema=` for the apps. */
  appDatabaseUrl: string;
  schema: string;
  prefix: string;
  db: Db;
  redis: Redis;
  apiUrl: string;
  scheduler: AppProcess;
  api: AppProcess;
  workers: AppProcess[];
  workerConcurrency: number;
  /** Stops the running workers and starts `n` new ones; resolves when all n listen on the queue. */
  setWorkers(n: number): Promise<void>;
}

export function withSchema(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
}

/** A fresh migrated schema `bench_<hex>`, dropped at cleanup. */
export async function createBenchSchema(
  cleanup: Cleanup,
  tag: string,
  keep = false,
): Promise<{ schema: string; db: Db }> {
  await checkDatabase(DATABASE_URL);
  const schema = `bench_${tag}`;
  if (keep) process.stderr.write(`keeping schema ${schema}: drop it with DROP SCHEMA ${schema} CASCADE\n`);
  else cleanup.add(`drop schema ${schema}`, () => dropSchema(DATABASE_URL, schema));
  await migrate({ databaseUrl: DATABASE_URL, schema });
  const db = createDb({ databaseUrl: DATABASE_URL, schema, max: 4 });
  cleanup.add(`close pool of ${schema}`, () => db.close());
  return { schema, db };
}

/** Deletes every key under `prefix:` (all BullMQ queues the benchmark made). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** A TCP port on loopback that nothing listens on at the moment of asking. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A scratch folder inside the repo (so DAG files resolve @sluice/sdk), removed at cleanup. */
export async function benchFolder(cleanup: Cleanup, name: string): Promise<string> {
  const dir = path.join(repoRoot, '.sluice', 'bench', name);
  cleanup.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  await mkdir(dir, { recursive: true });
  return dir;
}

export async function writeDagFiles(dir: string, files: readonly DagFile[]): Promise<void> {
  for (const f of files) await writeFile(path.join(dir, f.file), f.source);
}

export interface StackOptions {
  dags: DagFile[];
  /** DAG ids the scheduler must have loaded before the stack counts as up. */
  dagIds: string[];
  workers: number;
  workerConcurrency: number;
  /** Extra node arguments for the scheduler (e.g. --cpu-prof). */
  schedulerNodeArgs?: string[];
  apiNodeArgs?: string[];
  workerNodeArgs?: string[];
  /** Leave the Postgres schema behind for EXPLAIN ANALYZE and timing queries. */
  keepSchema?: boolean;
}

export async function startStack(cleanup: Cleanup, opts: StackOptions): Promise<Stack> {
  const tag = randomBytes(5).toString('hex');
  const prefix = `bench-${tag}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: true });
  await redis.connect().catch((raw: unknown) => {
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${raw instanceof Error ? raw.message : String(raw)}); start it, e.g. docker compose up -d`,
    );
  });
  cleanup.add('disconnect Redis', async () => {
    redis.disconnect();
  });
  cleanup.add(`delete Redis keys ${prefix}:*`, () => deletePrefix(redis, prefix));

  const { schema, db } = await createBenchSchema(cleanup, tag, opts.keepSchema);
  const appDatabaseUrl = withSchema(DATABASE_URL, schema);
  const dagsDir = await benchFolder(cleanup, prefix);
  await writeDagFiles(dagsDir, opts.dags);

  const baseEnv = {
    DATABASE_URL: appDatabaseUrl,
    REDIS_URL,
    SLUICE_QUEUE_PREFIX: prefix,
    SLUICE_LOG_LEVEL: 'warn',
    SLUICE_HOSTNAME: 'bench',
    // Names this stack's Postgres connections, so their backends can be told from other users'.
    PGAPPNAME: prefix,
  };
  const processes: AppProcess[] = [];
  const stopAll = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  cleanup.add('stop Sluice processes', stopAll);
  const launch = (
    name: string,
    app: 'scheduler' | 'worker' | 'api',
    env: Record<string, string>,
    args: string[] = [],
  ) => {
    const p = startApp(name, app, { ...baseEnv, ...env }, args);
    processes.push(p);
    void p.exited.then((code) => {
      if (!stopping.has(p)) process.stderr.write(`${name} exited (${code}) unexpectedly:\n${p.outputTail()}\n`);
    });
    return p;
  };
  const stopping = new Set<AppProcess>();

  // The files do not change during the run: parse them once at start, not every 10 s.
  const scheduler = launch(
    'scheduler',
    'scheduler',
    { SLUICE_DAGS_FOLDER: dagsDir, SLUICE_DAG_PARSE_INTERVAL_MS: '3600000' },
    opts.schedulerNodeArgs,
  );
  const port = await freePort();
  const api = launch(
    'api',
    'api',
    {
      SLUICE_API_PORT: String(port),
      SLUICE_API_HOST: '127.0.0.1',
      SLUICE_WEB_DIST: path.join(dagsDir, 'no-ui'),
      // The benchmark's API stays on loopback and measures the engine, not sign-in.
      SLUICE_AUTH: 'off',
    },
    opts.apiNodeArgs,
  );
  const apiUrl = `http://127.0.0.1:${port}`;

  const failIfExited = (p: AppProcess) => {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited with ${p.child.exitCode}:\n${p.outputTail()}`);
  };
  await waitUntil('the API to answer', 60_000, async () => {
    failIfExited(api);
    const res = await fetch(`${apiUrl}/api/v1/health`).catch(() => null);
    return res !== null;
  });
  await waitUntil(`the scheduler to load ${opts.dagIds.join(', ')}`, 180_000, async () => {
    failIfExited(scheduler);
    const r = await db.pool
      .query<{ n: number }>(
        'SELECT count(*)::int AS n FROM dag WHERE dag_id = ANY($1::text[]) AND current_version_id IS NOT NULL',
        [opts.dagIds],
      )
      .catch(() => ({ rows: [{ n: 0 }] }));
    return r.rows[0]?.n === opts.dagIds.length;
  });

  const taskQueue = new Queue(TASK_QUEUE, { connection: redis, prefix });
  cleanup.add('close task queue handle', () => taskQueue.close());
  const stack: Stack = {
    appDatabaseUrl,
    schema,
    prefix,
    db,
    redis,
    apiUrl,
    scheduler,
    api,
    workers: [],
    workerConcurrency: opts.workerConcurrency,
    async setWorkers(n) {
      const old = stack.workers;
      for (const w of old) stopping.add(w);
      await Promise.all(old.map((w) => w.stop()));
      stack.workers = Array.from({ length: n }, (_, i) =>
        launch(
          `worker ${i + 1}/${n}`,
          'worker',
          { SLUICE_WORKER_CONCURRENCY: String(opts.workerConcurrency) },
          opts.workerNodeArgs,
        ),
      );
      await waitUntil(`${n} workers to listen`, 60_000, async () => {
        for (const w of stack.workers) failIfExited(w);
        return (await taskQueue.getWorkersCount()) >= n;
      });
    },
  };
  // Runs before 'stop Sluice processes' (later steps run first): these exits are expected.
  cleanup.add('mark processes as stopping', async () => {
    for (const p of processes) stopping.add(p);
  });
  await stack.setWorkers(opts.workers);
  return stack;
}
