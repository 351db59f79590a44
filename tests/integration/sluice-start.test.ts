/**
 * `sluice start` as it runs on a laptop: real API, scheduler and worker
 * processes. A process killed with kill -9 is started again, after a short
 * wait, while the others keep their pids (and the tasks they run).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@sluice/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, waitFor } from './harness';

let db: TestDatabase;
let start: ChildProcess;
let output = '';
let port = 0;
const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-start-test-'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The pid of each process `sluice start` runs, by the service's entry file. */
function childPids(): { api?: number; scheduler?: number; worker?: number } {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(start.pid)], { encoding: 'utf8' });
  const found: Record<string, number> = {};
  for (const line of lines.trim().split('\n')) {
    const m = /^\s*(\d+)\s.*\/apps\/(api|scheduler|worker)\/src\/main\.ts/.exec(line);
    if (m?.[1] && m[2]) found[m[2]] = Number(m[1]);
  }
  return found;
}

async function healthAnswers(): Promise<true | undefined> {
  try {
    await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    return true;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  db = await createTestDatabase({ max: 1 });
  port = await freePort();
  const web = path.join(scratch, 'web');
  const dags = path.join(scratch, 'dags');
  for (const dir of [web, dags]) mkdirSync(dir);
  writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>Sluice</title>');
  start = spawn(process.execPath, [path.join(repoRoot, 'apps/cli/bin/sluice.mjs'), 'start'], {
    cwd: scratch,
    env: {
      ...process.env,
      DATABASE_URL: `${db.databaseUrl}${db.databaseUrl.includes('?') ? '&' : '?'}schema=${db.schema}`,
      SLUICE_QUEUE_PREFIX: `test-start-${db.schema}`,
      SLUICE_API_PORT: String(port),
      SLUICE_WEB_DIST: web,
      SLUICE_DAGS_FOLDER: dags,
      SLUICE_AWS_EMULATOR: 'off',
      SLUICE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the cleanup reaches the services it started whatever happens.
    detached: true,
  });
  start.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  start.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  await waitFor('the API to answer', healthAnswers, 90_000, async () => output.slice(-2000));
}, 120_000);

afterAll(async () => {
  if (start.pid !== undefined && start.exitCode === null) {
    const ended = new Promise((resolve) => start.once('exit', resolve));
    process.kill(start.pid, 'SIGTERM');
    await ended;
  }
  if (start.pid !== undefined) {
    try {
      process.kill(-start.pid, 'SIGKILL');
    } catch {
      // Everything in the group has exited.
    }
  }
  await db.drop();
  rmSync(scratch, { recursive: true, force: true });
}, 60_000);

describe('sluice start', () => {
  it('restarts the API after kill -9, and leaves the scheduler and worker running', async () => {
    const before = await waitFor('all three processes', async () => {
      const pids = childPids();
      return pids.api && pids.scheduler && pids.worker ? pids : undefined;
    });
    process.kill(before.api ?? 0, 'SIGKILL');

    await waitFor('the restart to be logged', async () =>
      /^api exited \(SIGKILL\); restarting it in \d+\.\ds/m.test(output) ? true : undefined,
    );
    const after = await waitFor('a new API process', async () => {
      const api = childPids().api;
      return api !== undefined && api !== before.api ? api : undefined;
    });
    await waitFor('the new API to answer', healthAnswers, 90_000, async () => output.slice(-2000));

    expect(alive(after)).toBe(true);
    expect(childPids()).toEqual({ api: after, scheduler: before.scheduler, worker: before.worker });
    expect(start.exitCode).toBeNull();
  }, 180_000);
});
