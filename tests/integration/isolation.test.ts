/**
 * User code never takes the worker down, and a task's processes never
 * outlive their worker. The worker runs as a child process here (as
 * `sluice start` runs it), so a test can kill it, watch it survive a task,
 * or see which of its variables reach task code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, startHarness, waitFor, type Harness } from './harness';

let h: Harness | null = null;
let worker: ChildProcess | null = null;
let workerStderr = '';
const scratch: string[] = [];
/** Process groups a test saw started; killed afterwards should a test fail with them alive. */
const groups: number[] = [];

afterEach(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    const exited = new Promise((resolve) => worker?.once('exit', resolve));
    worker.kill('SIGKILL');
    await exited;
  }
  worker = null;
  workerStderr = '';
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Gone, as it should be.
    }
  }
  await h?.close();
  h = null;
  for (const p of scratch.splice(0)) await fs.rm(p, { recursive: true, force: true });
});

function startWorkerProcess(harness: Harness, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/worker/src/main.ts')], {
    env: { ...process.env, ...harness.env, SLUICE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    workerStderr += d;
  });
  worker = child;
  return child;
}

async function scratchDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-isolation-'));
  scratch.push(dir);
  return dir;
}

/** /proc/<pid>/stat fields after the command name: state, ppid, pgrp… */
async function procStat(pid: number): Promise<{ state: string; pgrp: number } | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

/** Live (not zombie) processes whose pid or process group is among those given. */
async function liveProcesses(pids: readonly number[], pgids: readonly number[]): Promise<number[]> {
  const live: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = await procStat(pid);
    if (!stat || stat.state === 'Z') continue;
    if (pids.includes(pid) || pgids.includes(stat.pgrp)) live.push(pid);
  }
  return live;
}

async function readWhenWritten(file: string, what: string): Promise<string> {
  return waitFor(
    what,
    async () => {
      const text = await fs.readFile(file, 'utf8').catch(() => '');
      return text.endsWith('\n') ? text.trim() : undefined;
    },
    30_000,
  );
}

async function tryOf(harness: Harness, dagId: string, runId: string, taskId: string) {
  const res = await request(harness.app).get(`/api/v1/dags/${dagId}/runs/${encodeURIComponent(runId)}/tasks/${taskId}`);
  return res.body as {
    tries: Array<{ state: string; error: { name: string; message: string; stack?: string } | null }>;
    output: unknown;
  };
}

async function logText(harness: Harness, dagId: string, runId: string, taskId: string): Promise<string> {
  const res = await request(harness.app).get(
    `/api/v1/dags/${dagId}/runs/${encodeURIComponent(runId)}/tasks/${taskId}/logs`,
  );
  return (res.body.lines as Array<{ text: string }>).map((l) => l.text).join('');
}

const afterDag = `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'after', schedule: null, start: '2026-01-01' });
d.task('next', fn(async () => 'still working'));
`;

describe('task processes', () => {
  it('die with a worker killed by SIGKILL: a shell command, its background children and a spinning fn task', async () => {
    const dir = await scratchDir();
    h = await startHarness({
      worker: false,
      dags: {
        'orphans.ts': `
import fs from 'node:fs';
import { dag, fn, shell } from '@sluice/sdk';
export const d = dag({ id: 'orphans', schedule: null, start: '2026-01-01' });
d.task('loop', shell({ command: 'sleep 300 & echo "$$ $!" > ${dir}/shell.pids; while true; do date +%s%N > ${dir}/heartbeat; sleep 0.05; done' }));
d.task('spin', fn(() => {
  fs.writeFileSync('${dir}/fn.pid', process.pid + '\\n');
  for (;;) {}
}));
`,
      },
    });
    const child = startWorkerProcess(h, { SLUICE_WORKER_CONCURRENCY: '2' });
    await h.trigger('orphans');
    const [leader, background] = (await readWhenWritten(`${dir}/shell.pids`, 'the shell task to start'))
      .split(' ')
      .map(Number);
    const fnPid = Number(await readWhenWritten(`${dir}/fn.pid`, 'the fn task to start'));
    if (leader === undefined || background === undefined) throw new Error('the shell task wrote no pids');
    groups.push(leader, fnPid);
    expect(await liveProcesses([background, fnPid], [leader])).toContain(background);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    await waitFor(
      "every process of the worker's tasks to be gone",
      async () => ((await liveProcesses([leader, background, fnPid], [leader, fnPid])).length === 0 ? true : undefined),
      5_000,
      async () => `still alive: ${(await liveProcesses([leader, background, fnPid], [leader, fnPid])).join(', ')}`,
    );
  }, 60_000);

  it('stop a spinning fn task at its timeout, and the worker runs the next task at once', async () => {
    const dir = await scratchDir();
    h = await startHarness({
      worker: false,
      dags: {
        'spin.ts': `
import fs from 'node:fs';
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'spin', schedule: null, start: '2026-01-01' });
d.task('forever', { executionTimeout: 5000 }, fn(() => {
  fs.writeFileSync('${dir}/fn.pid', process.pid + '\\n');
  for (;;) {}
}));
`,
        'after.ts': afterDag,
      },
    });
    // One slot: a spinning task that kept it would starve the next one.
    startWorkerProcess(h, { SLUICE_WORKER_CONCURRENCY: '1' });
    const run = await h.trigger('spin');
    const done = await h.waitForRun('spin', run.runId, ['success', 'failed'], 30_000);
    expect(done.state).toBe('failed');
    expect((await tryOf(h, 'spin', run.runId, 'forever')).tries[0]?.error?.name).toBe('TaskTimeoutError');
    const fnPid = Number(await readWhenWritten(`${dir}/fn.pid`, 'the fn task to start'));
    groups.push(fnPid);
    await waitFor(
      'the spinning process to be killed',
      async () => ((await liveProcesses([fnPid], [])).length === 0 ? true : undefined),
      5_000,
    );

    const started = Date.now();
    const next = await h.trigger('after');
    const after = await h.waitForRun('after', next.runId, ['success', 'failed'], 20_000);
    expect(after.state).toBe('success');
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 90_000);

  it('fail only their own try when they exit, and errors thrown in them keep their retry semantics', async () => {
    h = await startHarness({
      worker: false,
      dags: {
        'errors.ts': `
import { dag, fn, NonRetryableError, RetryAfterError, SkipTaskError } from '@sluice/sdk';
export const d = dag({ id: 'errors', schedule: null, start: '2026-01-01' });
d.task('exits', { retries: 0 }, fn(() => { process.exit(1); }));
d.task('fatal', { retries: 3, retryDelay: 50 }, fn(() => { throw new NonRetryableError('no point retrying'); }));
d.task('later', { retries: 1, retryDelay: '1h' }, fn((ctx) => {
  if (ctx.tryNumber === 1) throw new RetryAfterError('come back soon', 100);
  return 'second try';
}));
d.task('skips', fn(() => { throw new SkipTaskError('nothing to do today'); }));
class WarehouseError extends Error { name = 'WarehouseError'; }
d.task('plain', { retries: 1, retryDelay: 50 }, fn((ctx) => {
  ctx.log('attempt', ctx.tryNumber);
  console.error('printed on stderr by try', ctx.tryNumber);
  throw new WarehouseError('refused try ' + ctx.tryNumber);
}));
`,
        'after.ts': afterDag,
      },
    });
    const child = startWorkerProcess(h, { SLUICE_WORKER_CONCURRENCY: '2' });
    const run = await h.trigger('errors');
    const done = await h.waitForRun('errors', run.runId, ['success', 'failed'], 30_000);
    expect(Object.fromEntries(done.taskInstances.map((t) => [t.taskId, [t.state, t.tryNumber]]))).toEqual({
      exits: ['failed', 1],
      fatal: ['failed', 1],
      later: ['success', 2],
      skips: ['skipped', 1],
      plain: ['failed', 2],
    });
    const exits = await tryOf(h, 'errors', run.runId, 'exits');
    expect(exits.tries[0]?.error).toMatchObject({
      name: 'TaskProcessExitedError',
      message: "the task's process exited with code 1",
    });
    expect((await tryOf(h, 'errors', run.runId, 'fatal')).tries[0]?.error).toMatchObject({
      name: 'NonRetryableError',
      message: 'no point retrying',
    });
    expect((await tryOf(h, 'errors', run.runId, 'later')).output).toBe('second try');
    const plain = await tryOf(h, 'errors', run.runId, 'plain');
    expect(plain.tries.map((t) => [t.state, t.error?.name, t.error?.message])).toEqual([
      ['up_for_retry', 'WarehouseError', 'refused try 1'],
      ['failed', 'WarehouseError', 'refused try 2'],
    ]);
    // The stack comes from the task's process and points into the DAG file.
    expect(plain.tries[0]?.error?.stack).toContain('errors.ts');
    expect(await logText(h, 'errors', run.runId, 'plain')).toContain('attempt 2');
    // What task code prints reaches the try's log, on its stream.
    const logs = await request(h.app).get(`/api/v1/dags/errors/runs/${encodeURIComponent(run.runId)}/tasks/plain/logs`);
    const lines = logs.body.lines as Array<{ stream: string; text: string }>;
    expect(
      lines.some((l) => l.stream === 'stderr' && l.text.includes('printed on stderr by try 2')),
      JSON.stringify(lines),
    ).toBe(true);

    // The worker outlived the task that exited, and keeps running tasks.
    expect(child.exitCode).toBeNull();
    const next = await h.trigger('after');
    expect((await h.waitForRun('after', next.runId, ['success', 'failed'], 20_000)).state).toBe('success');
    expect(child.exitCode, workerStderr).toBeNull();
  }, 90_000);

  it("see none of the worker's variables: only PATH, HOME, LANG, TZ, the run facts and the task's env", async () => {
    h = await startHarness({
      worker: false,
      dags: {
        'env.ts': `
import { dag, fn, shell } from '@sluice/sdk';
export const d = dag({ id: 'env', schedule: null, start: '2026-01-01' });
d.task('sh', shell({ command: 'echo "db=[$DATABASE_URL] key=[$SLUICE_SECRET_KEY] redis=[$REDIS_URL] aws=[$AWS_SECRET_ACCESS_KEY] run=[$SLUICE_RUN_ID] extra=[$EXTRA] path=[$PATH]"', env: { EXTRA: 'mine' } }));
d.task('js', fn(() => ({ ...process.env })));
`,
      },
    });
    startWorkerProcess(h, {
      SLUICE_SECRET_KEY: 'a-secret-key-of-32-characters!!!',
      AWS_SECRET_ACCESS_KEY: 'worker-credential',
    });
    const run = await h.trigger('env');
    const done = await h.waitForRun('env', run.runId, ['success', 'failed'], 30_000);
    expect(done.state).toBe('success');
    const printed = await logText(h, 'env', run.runId, 'sh');
    expect(printed).toContain(
      `db=[] key=[] redis=[] aws=[] run=[${run.runId}] extra=[mine] path=[${process.env.PATH ?? ''}]`,
    );
    const seen = (await tryOf(h, 'env', run.runId, 'js')).output as Record<string, string>;
    expect(seen['SLUICE_RUN_ID']).toBe(run.runId);
    const allowed = new Set(['PATH', 'HOME', 'LANG', 'TZ']);
    const leaked = Object.keys(seen).filter((name) => !allowed.has(name) && !name.startsWith('SLUICE_'));
    expect(leaked).toEqual([]);
    expect(seen['SLUICE_SECRET_KEY']).toBeUndefined();
    expect(seen['SLUICE_QUEUE_PREFIX']).toBeUndefined();
  }, 60_000);
});
