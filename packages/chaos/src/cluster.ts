/**
 * One whole Sluice for the chaos suite, made only of things it may break:
 * its own Postgres database (so refusing its connections touches nobody
 * else), its own Redis database index (so FLUSHDB touches nobody else), a
 * random queue prefix, a generated DAGs folder, an API process, and
 * schedulers and workers under a supervisor that restarts what the suite
 * kills and records what died by itself. Everything is registered with the
 * Cleanup.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  freePort,
  repoRoot,
  startApp,
  waitUntil,
  writeDagFiles,
  type AppProcess,
  type Cleanup,
  type DagFile,
} from '@sluice/bench';
import { migrate } from '@sluice/db';

export const POSTGRES_URL = process.env.CHAOS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_SERVER_URL = process.env.CHAOS_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The BullMQ queue Sluice's workers consume (packages/queue TASK_QUEUE_NAME). */
const TASK_QUEUE = 'sluice-tasks';
/** Redis database indexes the suite may claim, tried in this order. */
const REDIS_DB_CANDIDATES = [13, 14, 15, 12, 11, 10, 9];
const CLAIM_KEY = 'sluice-chaos:claim';

export type Role = 'scheduler' | 'worker';

export interface Slot {
  role: Role;
  index: number;
  /** Starts at 1; +1 on each restart. */
  generation: number;
  hostname: string;
  proc: AppProcess;
  /** Set when the suite kills or stops it: its exit is expected. */
  expectedExit: boolean;
}

export interface Death {
  name: string;
  hostname: string;
  pid: number;
  exit: number | string;
  atMs: number;
  outputTail: string;
}

export interface ClusterOptions {
  schedulers: number;
  workers: number;
  workerConcurrency: number;
  dags: DagFile[];
  dagIds: string[];
  /** Environment for schedulers and workers on top of the suite's (AWS endpoint, intervals). */
  env?: Record<string, string>;
  /**
   * Start a new process in place of one that exited by itself, at once
   * (at most 10 times per slot), so later faults still meet a whole
   * cluster; the death still counts.
   */
  revive?: boolean;
  /** Folder for the processes' logs; none when undefined. */
  logDir?: string;
  log: (line: string) => void;
}

/** A connection to the server's maintenance database, for CREATE/ALTER/DROP DATABASE and pg_terminate_backend. */
async function adminQuery<R extends pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const client = new pg.Client({ connectionString: `${POSTGRES_URL}/postgres` });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query<R>(sql, params);
  } finally {
    await client.end();
  }
}

/** Claims an empty Redis database index with a marker key; throws when none of the candidates is free. */
async function claimRedisDb(tag: string, wanted: number | undefined): Promise<{ index: number; redis: Redis }> {
  const candidates = wanted === undefined ? REDIS_DB_CANDIDATES : [wanted];
  for (const index of candidates) {
    const redis = new Redis(`${REDIS_SERVER_URL}/${index}`, { maxRetriesPerRequest: 3, lazyConnect: true });
    await redis.connect().catch((raw: unknown) => {
      throw new Error(
        `Redis is not reachable at ${REDIS_SERVER_URL} (${raw instanceof Error ? raw.message : String(raw)})`,
      );
    });
    const size = await redis.dbsize();
    const claimed = size === 0 ? await redis.set(CLAIM_KEY, tag, 'NX') : null;
    if (claimed === 'OK') return { index, redis };
    redis.disconnect();
  }
  throw new Error(
    `no free Redis database among ${candidates.join(', ')}: the suite needs an empty one it may FLUSHDB (choose one with --redis-db)`,
  );
}

export class Cluster {
  readonly tag: string;
  readonly dbName: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisDb: number;
  readonly prefix: string;
  readonly redis: Redis;
  readonly pool: pg.Pool;
  readonly dagsDir: string;
  apiUrl = '';
  readonly slots: Slot[] = [];
  readonly deaths: Death[] = [];
  restarts = 0;
  /** Processes started in place of ones that exited by themselves. */
  revived = 0;
  readonly #revivals = new Map<string, number>();
  /** True while the suite refuses the database's connections: a process started now would exit at once, by design. */
  #refusing = false;
  /** Revivals held back until connections are allowed again. */
  readonly #pendingRevivals: Array<() => void> = [];
  readonly #opts: ClusterOptions;
  readonly #startedAt = Date.now();
  #api: AppProcess | null = null;
  #stopping = false;
  readonly #logs: WriteStream[] = [];
  readonly #taskQueue: Queue;

  private constructor(opts: ClusterOptions, tag: string, redis: { index: number; redis: Redis }, dagsDir: string) {
    this.#opts = opts;
    this.tag = tag;
    this.dbName = `sluice_chaos_${tag}`;
    this.databaseUrl = `${POSTGRES_URL}/${this.dbName}`;
    this.redisDb = redis.index;
    this.redisUrl = `${REDIS_SERVER_URL}/${redis.index}`;
    this.redis = redis.redis;
    this.prefix = `chaos-${tag}`;
    this.dagsDir = dagsDir;
    this.pool = new pg.Pool({ connectionString: this.databaseUrl, max: 3, connectionTimeoutMillis: 5_000 });
    // Connections die on purpose (pg_terminate_backend): an idle one's error must not end the suite.
    this.pool.on('error', () => undefined);
    this.#taskQueue = new Queue(TASK_QUEUE, { connection: this.redis, prefix: this.prefix });
  }

  /** Creates the database, claims a Redis index, writes the DAGs and starts the API, schedulers and workers. */
  static async start(cleanup: Cleanup, opts: ClusterOptions & { redisDb?: number }): Promise<Cluster> {
    const tag = randomBytes(4).toString('hex');
    const dbName = `sluice_chaos_${tag}`;
    await adminQuery(`CREATE DATABASE ${dbName}`);
    cleanup.add(`drop database ${dbName}`, async () => {
      await adminQuery(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
      await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    });
    const redis = await claimRedisDb(tag, opts.redisDb);
    cleanup.add(`flush Redis database ${redis.index} and disconnect`, async () => {
      await redis.redis.flushdb();
      redis.redis.disconnect();
    });
    const dagsDir = path.join(repoRoot, '.sluice', 'chaos', tag);
    cleanup.add(`remove ${dagsDir}`, () => rm(dagsDir, { recursive: true, force: true }));
    await mkdir(dagsDir, { recursive: true });
    await writeDagFiles(dagsDir, opts.dags);

    const cluster = new Cluster(opts, tag, redis, dagsDir);
    cleanup.add('close the suite pool', () => cluster.pool.end());
    cleanup.add('close task queue handle', () => cluster.#taskQueue.close());
    await migrate({ databaseUrl: cluster.databaseUrl });
    if (opts.logDir) await mkdir(opts.logDir, { recursive: true });
    cleanup.add('stop Sluice processes', () => cluster.stopAll());
    await cluster.#startApi();
    for (let i = 0; i < opts.schedulers; i++) cluster.#launch('scheduler', i, 1);
    await waitUntil(
      `the scheduler to load ${opts.dagIds.join(', ')}`,
      180_000,
      async () => {
        cluster.#failIfDied();
        const r = await cluster.pool
          .query<{ n: number }>(
            'SELECT count(*)::int AS n FROM dag WHERE dag_id = ANY($1::text[]) AND current_version_id IS NOT NULL',
            [opts.dagIds],
          )
          .catch(() => ({ rows: [{ n: 0 }] }));
        return r.rows[0]?.n === opts.dagIds.length;
      },
      200,
    );
    for (let i = 0; i < opts.workers; i++) cluster.#launch('worker', i, 1);
    await cluster.waitForWorkers(opts.workers, 120_000);
    return cluster;
  }

  get options(): ClusterOptions {
    return this.#opts;
  }

  #env(hostname: string): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      SLUICE_QUEUE_PREFIX: this.prefix,
      SLUICE_LOG_LEVEL: 'warn',
      SLUICE_HOSTNAME: hostname,
      SLUICE_DAGS_FOLDER: this.dagsDir,
      SLUICE_DAG_PARSE_INTERVAL_MS: '3600000',
      SLUICE_SCHEDULER_INTERVAL_MS: '500',
      SLUICE_HEARTBEAT_INTERVAL_MS: '1000',
      SLUICE_HEARTBEAT_TIMEOUT_MS: '6000',
      SLUICE_RECONCILE_AFTER_MS: '5000',
      SLUICE_TIMEOUT_GRACE_MS: '1000',
      SLUICE_DEFER_CHECK_MIN_MS: '200',
      SLUICE_DEFER_CHECK_MAX_MS: '1000',
      SLUICE_WORKER_CONCURRENCY: String(this.#opts.workerConcurrency),
      ...this.#opts.env,
    };
  }

  #logTo(name: string, proc: AppProcess): void {
    const dir = this.#opts.logDir;
    if (!dir) return;
    const out = createWriteStream(path.join(dir, `${name}.log`), { flags: 'a' });
    this.#logs.push(out);
    proc.child.stdout?.on('data', (c: Buffer) => out.write(c));
    proc.child.stderr?.on('data', (c: Buffer) => out.write(c));
  }

  async #startApi(): Promise<void> {
    const port = await freePort();
    const api = startApp('api', 'api', {
      ...this.#env('chaos-api'),
      SLUICE_API_PORT: String(port),
      SLUICE_API_HOST: '127.0.0.1',
      // On loopback, and the faults are the subject, not sign-in.
      SLUICE_AUTH: 'off',
      SLUICE_WEB_DIST: path.join(this.dagsDir, 'no-ui'),
    });
    this.#api = api;
    this.#logTo('api', api);
    this.apiUrl = `http://127.0.0.1:${port}`;
    void api.exited.then((exit) => {
      if (!this.#stopping)
        this.deaths.push({
          name: 'api',
          hostname: 'chaos-api',
          pid: api.pid,
          exit,
          atMs: Date.now() - this.#startedAt,
          outputTail: api.outputTail(),
        });
    });
    await waitUntil(
      'the API to answer',
      120_000,
      async () => {
        if (api.child.exitCode !== null)
          throw new Error(`the API exited with ${api.child.exitCode}:\n${api.outputTail()}`);
        return (await fetch(`${this.apiUrl}/api/v1/health`).catch(() => null)) !== null;
      },
      200,
    );
  }

  #launch(role: Role, index: number, generation: number): Slot {
    const hostname = `chaos-${role}${index + 1}-g${generation}`;
    const proc = startApp(hostname, role, this.#env(hostname));
    this.#logTo(hostname, proc);
    const slot: Slot = { role, index, generation, hostname, proc, expectedExit: false };
    const at = this.slots.findIndex((s) => s.role === role && s.index === index);
    if (at >= 0) this.slots[at] = slot;
    else this.slots.push(slot);
    void proc.exited.then((exit) => {
      if (slot.expectedExit || this.#stopping) return;
      this.deaths.push({
        name: hostname,
        hostname,
        pid: proc.pid,
        exit,
        atMs: Date.now() - this.#startedAt,
        outputTail: proc.outputTail(),
      });
      this.#opts.log(`${hostname} (pid ${proc.pid}) exited by itself (${exit})`);
      const key = `${role}${index}`;
      const revivals = this.#revivals.get(key) ?? 0;
      if (this.#opts.revive && revivals < 10 && !this.#stopping) {
        this.#revivals.set(key, revivals + 1);
        slot.expectedExit = true;
        const start = () => {
          if (this.#stopping) return;
          this.revived++;
          const next = this.#launch(role, index, generation + 1);
          this.#opts.log(`started ${next.hostname} (pid ${next.proc.pid}) in place of ${hostname}`);
        };
        if (this.#refusing) this.#pendingRevivals.push(start);
        else start();
      }
    });
    return slot;
  }

  #failIfDied(): void {
    const dead = this.deaths[0];
    if (dead) throw new Error(`${dead.name} exited (${dead.exit}) while the suite was starting:\n${dead.outputTail}`);
  }

  slotsOf(role: Role): Slot[] {
    return this.slots.filter((s) => s.role === role);
  }

  /** Slots whose process is still running. */
  alive(role: Role): Slot[] {
    return this.slotsOf(role).filter((s) => s.proc.child.exitCode === null && s.proc.child.signalCode === null);
  }

  /** kill -9 of the slot's process by its pid, then (when `restart`) a new process in its place. */
  async kill(slot: Slot, restart = true): Promise<Slot> {
    slot.expectedExit = true;
    try {
      process.kill(slot.proc.pid, 'SIGKILL');
    } catch {
      // Already gone: the supervisor recorded its death when it exited.
    }
    await slot.proc.exited;
    if (!restart) return slot;
    this.restarts++;
    return this.#launch(slot.role, slot.index, slot.generation + 1);
  }

  /**
   * Starts a new process in place of each one that exited by itself (its
   * death stays recorded), so later scenarios test what they mean to and
   * not a cluster without workers; returns the hostnames started.
   */
  revive(): string[] {
    const started: string[] = [];
    for (const s of [...this.slots]) {
      const gone = s.proc.child.exitCode !== null || s.proc.child.signalCode !== null;
      if (!gone || s.expectedExit) continue;
      s.expectedExit = true;
      started.push(this.#launch(s.role, s.index, s.generation + 1).hostname);
    }
    return started;
  }

  /** Waits until `n` workers listen on the task queue. */
  async waitForWorkers(n: number, timeoutMs: number, failOnDeath = true): Promise<void> {
    await waitUntil(
      `${n} workers to listen`,
      timeoutMs,
      async () => {
        if (failOnDeath) this.#failIfDied();
        return (await this.#taskQueue.getWorkersCount().catch(() => 0)) >= n;
      },
      200,
    );
  }

  /** Refuses new connections to the suite's database and terminates its current ones (no other database's). */
  async refuseConnections(): Promise<number> {
    this.#refusing = true;
    await adminQuery(`ALTER DATABASE ${this.dbName} WITH ALLOW_CONNECTIONS false`);
    return this.terminateBackends();
  }

  async terminateBackends(): Promise<number> {
    const r = await adminQuery<{ n: number }>(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [this.dbName],
    );
    return r.rows[0]?.n ?? 0;
  }

  async allowConnections(): Promise<void> {
    await adminQuery(`ALTER DATABASE ${this.dbName} WITH ALLOW_CONNECTIONS true`);
    this.#refusing = false;
    for (let start = this.#pendingRevivals.shift(); start; start = this.#pendingRevivals.shift()) start();
  }

  /** FLUSHDB of Sluice's Redis database index (the suite's own), then the claim key again. */
  async flushRedis(): Promise<void> {
    await this.redis.flushdb();
    await this.redis.set(CLAIM_KEY, this.tag);
  }

  /** Stops every process (SIGTERM, then SIGKILL); their exits from here on are expected. */
  async stopAll(): Promise<void> {
    this.#stopping = true;
    for (const s of this.slots) s.expectedExit = true;
    await Promise.all([...this.slots.map((s) => s.proc.stop(5_000)), this.#api?.stop(5_000)]);
    for (const out of this.#logs) out.end();
  }
}
