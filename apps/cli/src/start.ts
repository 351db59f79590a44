/**
 * `sluice start` (what `npm start` runs): checks Postgres and Redis, applies
 * migrations, builds the web UI if it was never built, then runs the API,
 * the scheduler and a worker as child processes with their output
 * prefixed. Ctrl-C stops all three; if one dies, the others are stopped too.
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
import { preflight } from '@sluice/engine';
import { ensureFirstAdmin, firstAdminMessage } from './first-admin';
import { wantsEmulator } from './aws-env';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Service {
  name: string;
  entry: string;
  colour: number;
}

const services: Service[] = [
  { name: 'api', entry: 'apps/api/src/main.ts', colour: 36 },
  { name: 'scheduler', entry: 'apps/scheduler/src/main.ts', colour: 35 },
  { name: 'worker', entry: 'apps/worker/src/main.ts', colour: 33 },
];
const emulator: Service = { name: 'aws', entry: 'packages/aws-emulator/src/main.ts', colour: 32 };

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
  let stopping = false;
  const exited = new Promise<number>((resolve) => {
    const stopAll = (code: number) => {
      if (stopping) return;
      stopping = true;
      for (const c of children.values()) c.kill('SIGTERM');
      const force = setTimeout(() => {
        for (const c of children.values()) c.kill('SIGKILL');
      }, 10_000);
      force.unref();
      const waitAll = () => {
        if ([...children.values()].every((c) => c.exitCode !== null || c.signalCode !== null)) {
          clearTimeout(force);
          resolve(code);
        }
      };
      for (const c of children.values()) c.once('exit', waitAll);
      waitAll();
    };
    process.once('SIGINT', () => stopAll(0));
    process.once('SIGTERM', () => stopAll(0));

    for (const s of toStart) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, s.entry)], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', prefixLines(s.name, s.colour, process.stdout));
      child.stderr?.on('data', prefixLines(s.name, s.colour, process.stderr));
      child.once('exit', (code, signal) => {
        if (!stopping) {
          process.stderr.write(`${s.name} exited (${signal ?? `code ${code}`}); stopping Sluice\n`);
          stopAll(1);
        }
      });
      children.set(s.name, child);
    }
  });
  const host = env.SLUICE_API_HOST ?? '127.0.0.1';
  const port = env.SLUICE_API_PORT ?? '8080';
  process.stdout.write(`\nSluice is starting. UI: http://${host}:${port}  (Ctrl-C stops everything)\n\n`);
  process.exitCode = await exited;
}
