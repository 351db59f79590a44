import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNonRetryable, isSkip, retryAfterMs, toError } from '@sluice/core';
import { loadDagFolder } from '@sluice/dag-loader';
import type { CachedDagVersion, ExecutionRequest } from '@sluice/engine';
import { FnPool } from './fn-pool';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const dagSource = `
import { spawn } from 'node:child_process';
import { asset, dag, fn, NonRetryableError, RetryAfterError, SkipTaskError } from '@sluice/sdk';
export const d = dag({ id: 'pool', schedule: null, start: '2026-01-01' });
const first = d.task('first', fn(() => 1));
d.task('context', { upstream: [first] }, fn((ctx) => {
  ctx.log('hello', { from: ctx.taskId });
  return { pid: process.pid, up: ctx.output(first), conf: ctx.conf, day: ctx.logicalDate.toISOString(), runId: process.env.SLUICE_RUN_ID };
}));
d.task('spawns', fn((ctx) => {
  const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
  ctx.log(process.pid + ' ' + sleeper.pid);
  for (;;) {}
}));
d.task('exits', fn(() => { process.exit(3); }));
d.task('stray', fn(() => {
  setTimeout(() => { throw new Error('thrown from a timer'); }, 0);
  return new Promise(() => undefined);
}));
d.task('later', fn(() => { throw new RetryAfterError('come back', 250); }));
d.task('never', fn(() => { throw new NonRetryableError('hopeless'); }));
d.task('skip', fn(() => { throw new SkipTaskError('not today'); }));
d.task('bigint', fn(() => ({ n: 10n })));
const lake = asset<{ partition: string; rows: number }>('s3://lake/events/');
d.task('produces', { outlets: [lake] }, fn((ctx) => {
  ctx.outletEvent(lake, { partition: ctx.triggeringEvents[0]?.extra.day ?? 'none', rows: 7 });
  return ctx.triggeringEventsFor(lake).length;
}));
d.task('strays', { outlets: [lake] }, fn((ctx) => { ctx.outletEvent(asset('s3://elsewhere/'), {}); }));
`;

let dir = '';
let version: CachedDagVersion;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  // Inside the repo, so the DAG file resolves @sluice/sdk.
  await fs.mkdir(path.join(repoRoot, '.sluice'), { recursive: true });
  dir = await fs.mkdtemp(path.join(repoRoot, '.sluice', 'fn-pool-'));
  await fs.writeFile(path.join(dir, 'pool.ts'), dagSource);
  const { dags, errors } = await loadDagFolder(dir);
  const loaded = dags[0];
  if (!loaded) throw new Error(`fixture DAG did not load: ${JSON.stringify(errors)}`);
  version = {
    versionId: 'v1',
    hash: loaded.hash,
    spec: loaded.spec,
    bundle: loaded.bundle,
    tasks: new Map(loaded.spec.tasks.map((t) => [t.taskId, t])),
    downstream: new Map(),
    skippingShortCircuits: [],
  };
}, 60_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

interface Tried {
  req: ExecutionRequest;
  lines: string[];
  controller: AbortController;
}

function request(taskId: string, outputs: Record<string, unknown> = {}): Tried {
  const task = version.tasks.get(taskId);
  if (!task) throw new Error(`no task ${taskId}`);
  const day = new Date('2026-01-05T00:00:00Z');
  const lines: string[] = [];
  const controller = new AbortController();
  const req: ExecutionRequest = {
    claim: {
      taskInstanceId: `ti-${taskId}`,
      dagRunId: 'dr',
      dagId: 'pool',
      taskId,
      tryNumber: 1,
      maxTries: 2,
      operator: 'fn',
      startedAt: new Date(),
      runId: 'run-1',
      logicalDate: day,
      dataIntervalStart: day,
      dataIntervalEnd: day,
      conf: { region: 'eu' },
      mapIndex: -1,
      mapItem: null,
      dagVersionId: 'v1',
      runType: 'manual',
    },
    task,
    version,
    signal: controller.signal,
    log: (_stream, text) => lines.push(text),
    upstreamOutputs: new Map(Object.entries(outputs)),
    triggeringEvents: [],
    externals: () => Promise.resolve([]),
    recordExternal: () => Promise.resolve(),
    maskSecret: () => undefined,
  };
  return { req, lines, controller };
}

const taskEnv = (req: ExecutionRequest) => ({ SLUICE_RUN_ID: req.claim.runId });
const readVariable = async (_req: ExecutionRequest, name: string) => (name === 'region' ? 'eu-west-1' : null);

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a process is alive (a zombie waiting to be reaped counts as gone). */
async function alive(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (raw) {
    return toError(raw);
  }
  throw new Error('expected the task to fail');
}

describe('FnPool', () => {
  it('hands a task its triggering events and brings back the metadata it gave its outlet, with its return value', async () => {
    const pool = new FnPool({ warm: 1, logger, taskEnv, readVariable });
    try {
      const t = request('produces');
      t.req.triggeringEvents = [
        {
          id: 'e1',
          uri: 's3://upstream/',
          extra: { day: '2026-01-04' },
          source: { kind: 'external', actor: 'alice' },
          createdAt: '2026-01-05T00:00:00.000Z',
        },
      ];
      expect(await pool.run(t.req)).toEqual({
        $sluiceOutletEvents: [{ uri: 's3://lake/events/', extra: { partition: '2026-01-04', rows: 7 } }],
        value: 0,
      });
      const err = await failure(pool.run(request('strays').req));
      expect(err.message).toBe(
        'task "strays" gave an event for s3://elsewhere/, which is not one of its outlets (its outlets are s3://lake/events/)',
      );
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('runs tasks in a child started ahead of them and reused, with the context in and output and logs out', async () => {
    const pool = new FnPool({ warm: 1, logger, taskEnv, readVariable });
    try {
      const [warm] = pool.pids();
      expect(pool.pids()).toHaveLength(1);
      const pids = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const t = request('context', { first: 1 });
        const out = (await pool.run(t.req)) as { pid: number; up: number; conf: unknown; day: string; runId: string };
        expect(out).toMatchObject({ up: 1, conf: { region: 'eu' }, day: '2026-01-05T00:00:00.000Z', runId: 'run-1' });
        expect(t.lines).toEqual(['hello {"from":"context"}\n']);
        pids.add(out.pid);
      }
      expect([...pids]).toEqual([warm]);
      expect(warm).not.toBe(process.pid);
    } finally {
      pool.close();
    }
  });

  it("kills a stopped task's process with everything it started, and the next task runs in another", async () => {
    const pool = new FnPool({ warm: 1, logger, taskEnv, readVariable });
    try {
      const t = request('spawns');
      const running = failure(pool.run(t.req));
      const line = await until('the task to start its child', () => t.lines[0]);
      const [taskPid, sleeperPid] = line.trim().split(' ').map(Number);
      if (taskPid === undefined || sleeperPid === undefined) throw new Error(`bad line ${line}`);
      expect(await alive(sleeperPid)).toBe(true);
      const reason = new Error('stopped by the test');
      t.controller.abort(reason);
      expect(await running).toBe(reason);
      await until('the spinning process and its child to be gone', async () =>
        !(await alive(taskPid)) && !(await alive(sleeperPid)) ? true : undefined,
      );
      const next = request('context', { first: 1 });
      const out = (await pool.run(next.req)) as { pid: number };
      expect(out.pid).not.toBe(taskPid);
    } finally {
      pool.close();
    }
  });

  it('fails only the task whose process exits or crashes', async () => {
    const pool = new FnPool({ warm: 1, logger, taskEnv, readVariable });
    try {
      const exited = await failure(pool.run(request('exits').req));
      expect(exited.name).toBe('TaskProcessExitedError');
      expect(exited.message).toBe("the task's process exited with code 3");
      const crashed = await failure(pool.run(request('stray').req));
      expect(crashed.message).toBe("the task's process crashed: Error: thrown from a timer");
      expect(await pool.run(request('first').req)).toBe(1);
    } finally {
      pool.close();
    }
  });

  it('keeps the retry marks of what a task throws, and fails an output JSON cannot hold for good', async () => {
    const pool = new FnPool({ warm: 1, logger, taskEnv, readVariable });
    try {
      const later = await failure(pool.run(request('later').req));
      expect([later.name, later.message, retryAfterMs(later), isNonRetryable(later)]).toEqual([
        'RetryAfterError',
        'come back',
        250,
        false,
      ]);
      expect(later.stack).toContain('pool.ts');
      const never = await failure(pool.run(request('never').req));
      expect([never.name, isNonRetryable(never), isSkip(never)]).toEqual(['NonRetryableError', true, false]);
      const skip = await failure(pool.run(request('skip').req));
      expect([skip.name, isSkip(skip), isNonRetryable(skip)]).toEqual(['SkipTaskError', true, false]);
      const big = await failure(pool.run(request('bigint').req));
      expect([big.name, isNonRetryable(big)]).toEqual(['OutputNotStorableError', true]);
      expect(big.message).toContain('not JSON-serialisable');
    } finally {
      pool.close();
    }
  });
});
