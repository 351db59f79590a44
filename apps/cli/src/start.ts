/**
 * `sluice start` (what `npm start` runs): checks Postgres and Redis, applies
 * migrations, builds the web UI if it was never built, then runs the API,
 * the scheduler and a worker as child processes with their output
 * prefixed. Ctrl-C stops all three; one that exits by itself (a crash, an
 * out-of-memory kill) is started again with backoff while the others, and the
 * tasks they run, carry on.
 *
 * Unless AWS is configured (credentials, a profile, an endpoint), it also
 * runs the local EMR/Glue emulator and points the worker at it, so the AWS
 * example DAGs run with no AWS account. SLUICE_AWS_EMULATOR=on|off forces it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, migrate } from '@sluice/db';
import { retryDelayMs } from '@sluice/core';
import { preflight } from '@sluice/engine';
import { CommandFailed } from './context';
import { ensureFirstAdmin, firstAdminMessage } from './first-admin';
import { wantsEmulator } from './aws-env';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Service {
  name: string;
  entry: string;
  colour: number;
}

const workerService: Service = { name: 'worker', entry: 'apps/worker/src/main.ts', colour: 33 };
const services: Service[] = [
  { name: 'api', entry: 'apps/api/src/main.ts', colour: 36 },
  { name: 'scheduler', entry: 'apps/scheduler/src/main.ts', colour: 35 },
  workerService,
];
const emulator: Service = { name: 'aws', entry: 'packages/aws-emulator/src/main.ts', colour: 32 };

/**
 * `sluice worker`: one worker serving `queues`, its output passed through;
 * Ctrl-C stops it. Rejects when it exits with an error.
 */
export function runWorker(queues: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, workerService.entry)], {
    cwd: repoRoot,
    env: { ...env, SLUICE_WORKER_QUEUES: queues.join(',') },
    stdio: 'inherit',
  });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (code === 0 || signal === 'SIGTERM') resolve();
      else reject(new CommandFailed(`the worker exited (${signal ?? `code ${code}`})`));
    });
  });
}

/** Waits between restarts of a process that keeps exiting: 1 s, doubling, at most 30 s (core's retry backoff). */
const RESTART_BACKOFF = { retries: 100, retryDelayMs: 1_000, exponentialBackoff: true, maxRetryDelayMs: 30_000 };
/** A process up this long before it exited is restarted after the shortest wait again. */
const STABLE_AFTER_MS = 60_000;

function prefixLines(name: string, colour: number, out: NodeJS.WritableStream) {
  let partial = '';
  const tag = process.stdout.isTTY ? `\x1b[${colour}m${name.padEnd(9)}\x1b[0m│ ` : `${name.padEnd(9)}| `;
  return (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) out.write(`${tag}${line}\n`);
  };
}

function buildWebIfMissing(env: NodeJS.ProcessEnv): Promise<void> {
  const dist = env.SLUICE_WEB_DIST ?? path.join(repoRoot, 'apps/web/dist');
  if (fs.existsSync(path.join(dist, 'index.html'))) return Promise.resolve();
  process.stdout.write('Building the web UI (first start only)…\n');
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build', '-w', '@sluice/web'], { cwd: repoRoot, stdio: 'inherit', env });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`web UI build failed (exit ${code})`))));
  });
}

export async function startAll(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!fs.existsSync(path.join(repoRoot, services[0]?.entry ?? '')))
    throw new CommandFailed(
      'sluice start runs the services of a Sluice checkout (npm start there); this copy of the CLI has none',
    );
  const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/sluice';
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  await preflight({ databaseUrl, redisUrl });
  const { applied } = await migrate({ databaseUrl, migrationsDir: path.join(repoRoot, 'prisma/migrations') });
  if (applied.length > 0) process.stdout.write(`Applied migrations: ${applied.join(', ')}\n`);
  if (env.SLUICE_AUTH !== 'off') {
    const db = createDb({ databaseUrl, max: 1 });
    try {
      const password = await ensureFirstAdmin(db);
      if (password) process.stdout.write(firstAdminMessage(password));
    } finally {
      await db.close();
    }
  }
  await buildWebIfMissing(env);
  const toStart = [...services];
  if (wantsEmulator(env)) {
    const port = env.AWS_EMULATOR_PORT ?? '4566';
    env = {
      ...env,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_REGION: env.AWS_REGION ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: 'emulator',
      AWS_SECRET_ACCESS_KEY: 'emulator',
      AWS_EMULATOR_SEED: env.AWS_EMULATOR_SEED ?? path.join(repoRoot, 'dags/aws-emulator.json'),
    };
    toStart.unshift(emulator);
    process.stdout.write(`No AWS configuration found: EMR and Glue tasks go to the local emulator on port ${port}.\n`);
  }

  // The processes print through this one: pretty lines when a person watches this terminal.
  if (env.SLUICE_LOG_FORMAT === undefined && process.stdout.isTTY === true)
    env = { ...env, SLUICE_LOG_FORMAT: 'pretty' };
  const children = new Map<string, ChildProcess>();
  const restarts = new Map<string, NodeJS.Timeout>();
  let stopping = false;
  const exited = new Promise<number>((resolve) => {
    const stopAll = () => {
      if (stopping) return;
      stopping = true;
      for (const timer of restarts.values()) clearTimeout(timer);
      for (const c of children.values()) c.kill('SIGTERM');
      const force = setTimeout(() => {
        for (const c of children.values()) c.kill('SIGKILL');
      }, 10_000);
      force.unref();
      const waitAll = () => {
        if ([...children.values()].every((c) => c.exitCode !== null || c.signalCode !== null)) {
          clearTimeout(force);
          resolve(0);
        }
      };
      for (const c of children.values()) c.once('exit', waitAll);
      waitAll();
    };
    process.once('SIGINT', stopAll);
    process.once('SIGTERM', stopAll);

    /** Starts `s`; when it exits by itself, starts it again after a backoff, leaving the others (and their tasks) alone. */
    const run = (s: Service, quickExits: number) => {
      const startedAt = Date.now();
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, s.entry)], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', prefixLines(s.name, s.colour, process.stdout));
      child.stderr?.on('data', prefixLines(s.name, s.colour, process.stderr));
      child.once('exit', (code, signal) => {
        if (stopping) return;
        // A process that ran a while before it ended starts over from the shortest wait.
        const exits = Date.now() - startedAt >= STABLE_AFTER_MS ? 1 : quickExits + 1;
        const delay = retryDelayMs(RESTART_BACKOFF, exits);
        process.stderr.write(
          `${s.name} exited (${signal ?? `code ${code}`}); restarting it in ${(delay / 1000).toFixed(1)}s (restart #${exits})\n`,
        );
        restarts.set(
          s.name,
          setTimeout(() => {
            restarts.delete(s.name);
            if (!stopping) run(s, exits);
          }, delay),
        );
      });
      children.set(s.name, child);
    };
    for (const s of toStart) run(s, 0);
  });
  const host = env.SLUICE_API_HOST ?? '127.0.0.1';
  const port = env.SLUICE_API_PORT ?? '8080';
  process.stdout.write(`\nSluice is starting. UI: http://${host}:${port}  (Ctrl-C stops everything)\n\n`);
  process.exitCode = await exited;
}
