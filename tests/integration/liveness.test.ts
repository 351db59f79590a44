/**
 * A try is live by (task instance, try). Clearing or marking a running
 * shell task stops its command at the worker's next heartbeat, closes its
 * try row with who stopped it, and ends `logs --follow` / the LIVE pill;
 * a cleared task's new try never runs alongside the old one for longer
 * than one heartbeat interval.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskInstanceDetail, TaskLog } from '@sluice/client';
import { DEFAULT_AUTH } from '@sluice/api';
import { createApiToken, createUser } from '@sluice/db';
import { startHarness, waitFor, type Harness } from './harness';

let aliceToken = '';

const HEARTBEAT_MS = 500;

let h: Harness | null = null;
let ledger = '';
afterEach(async () => {
  await h?.close();
  h = null;
  if (ledger) await fs.rm(ledger, { force: true });
});

/**
 * One shell task that appends `start <try> <pid> <ms>` to a ledger, loops
 * for `loopSeconds`, then appends `end …`; killed, it appends `term …`.
 */
function loopDag(ledgerFile: string, loopSeconds: number): string {
  const line = (what: string) => `echo "${what} $SLUICE_TRY_NUMBER $$ $(date +%s%3N)" >> ${ledgerFile}`;
  const command = [
    line('start'),
    `trap '${line('term').replaceAll("'", "'\\''")}; exit 143' TERM`,
    `i=0; while [ $i -lt ${loopSeconds * 10} ]; do sleep 0.1; i=$((i+1)); done`,
    line('end'),
  ].join('; ');
  return `
import { dag, shell } from '@sluice/sdk';
export const d = dag({ id: 'loop', schedule: null, start: '2026-01-01' });
d.task('loop', shell({ command: ${JSON.stringify(command)} }));
`;
}

interface LedgerLine {
  what: 'start' | 'end' | 'term';
  tryNumber: number;
  pid: number;
  at: number;
}

async function readLedger(): Promise<LedgerLine[]> {
  const text = await fs.readFile(ledger, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [what, tryNumber, pid, at] = l.trim().split(' ');
      return { what: what as LedgerLine['what'], tryNumber: Number(tryNumber), pid: Number(pid), at: Number(at) };
    });
}

const find = (lines: LedgerLine[], what: LedgerLine['what'], tryNumber: number) =>
  lines.find((l) => l.what === what && l.tryNumber === tryNumber);

async function ledgerHas(what: LedgerLine['what'], tryNumber: number): Promise<LedgerLine> {
  return waitFor(
    `"${what} ${tryNumber}" in the ledger`,
    async () => find(await readLedger(), what, tryNumber),
    20_000,
    async () => JSON.stringify(await readLedger()),
  );
}

async function taskDetail(harness: Harness, runId: string): Promise<TaskInstanceDetail> {
  const res = await request(harness.app)
    .get(`/api/v1/dags/loop/runs/${encodeURIComponent(runId)}/tasks/loop`)
    .set('authorization', `Bearer ${aliceToken}`);
  expect(res.status).toBe(200);
  return res.body as TaskInstanceDetail;
}

async function logsOfTry(harness: Harness, runId: string, tryNumber: number): Promise<TaskLog> {
  const res = await request(harness.app)
    .get(`/api/v1/dags/loop/runs/${encodeURIComponent(runId)}/tasks/loop/logs?try=${tryNumber}`)
    .set('authorization', `Bearer ${aliceToken}`);
  expect(res.status).toBe(200);
  return res.body as TaskLog;
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function start(loopSeconds: number): Promise<{ harness: Harness; runId: string }> {
  ledger = path.join(os.tmpdir(), `sluice-ledger-${process.pid}-${Date.now()}`);
  const harness = await startHarness({
    dags: { 'loop.ts': loopDag(ledger, loopSeconds) },
    heartbeatIntervalMs: HEARTBEAT_MS,
    auth: { ...DEFAULT_AUTH, mode: 'on' },
  });
  h = harness;
  // Who stops a try is the signed-in user the API knows, recorded on the try.
  await createUser(harness.db.db.prisma, { username: 'alice', role: 'operator' });
  aliceToken = (await createApiToken(harness.db.db.prisma, { username: 'alice', name: 't', expiresAt: null })).token;
  const run = await harness.trigger('loop');
  await ledgerHas('start', 1);
  return { harness, runId: run.runId };
}

describe('a running shell task', () => {
  it('cleared: try 1 is killed at the next heartbeat, its row closed, and it never overlaps try 2 beyond one interval', async () => {
    const { harness, runId } = await start(4);
    const cleared = await request(harness.app)
      .post(`/api/v1/dags/loop/runs/${encodeURIComponent(runId)}/tasks/loop/clear`)
      .set('authorization', `Bearer ${aliceToken}`)
      .send({});
    expect(cleared.status).toBe(200);

    // The try row is closed by the clear itself: follow and the LIVE pill end at once.
    const detail = await taskDetail(harness, runId);
    expect(detail.tries[0]).toMatchObject({ tryNumber: 1, state: 'failed', stoppedBy: 'cleared by alice' });
    expect(detail.tries[0]?.endedAt).not.toBeNull();
    expect((await logsOfTry(harness, runId, 1)).complete).toBe(true);

    const term1 = await ledgerHas('term', 1);
    const start2 = await ledgerHas('start', 2);
    await harness.waitForRun('loop', runId, ['success', 'failed'], 30_000);
    const lines = await readLedger();
    expect(find(lines, 'end', 1)).toBeUndefined();
    expect(find(lines, 'end', 2)).toBeDefined();
    expect(pidAlive(term1.pid)).toBe(false);
    // Try 2 may start before try 1's worker notices, but not more than a heartbeat before it dies.
    expect(term1.at - start2.at).toBeLessThan(HEARTBEAT_MS + 1000);

    const done = await taskDetail(harness, runId);
    expect(done.state).toBe('success');
    expect(done.tries.map((t) => [t.tryNumber, t.state, t.stoppedBy])).toEqual([
      [1, 'failed', 'cleared by alice'],
      [2, 'success', null],
    ]);
  });

  it('marked failed: its command is stopped and its try closed with who marked it', async () => {
    const { harness, runId } = await start(20);
    const marked = await request(harness.app)
      .patch(`/api/v1/dags/loop/runs/${encodeURIComponent(runId)}/tasks/loop`)
      .set('authorization', `Bearer ${aliceToken}`)
      .send({ state: 'failed' });
    expect(marked.status).toBe(200);
    const body = marked.body as TaskInstanceDetail;
    expect(body.tries.map((t) => [t.tryNumber, t.state, t.stoppedBy, t.endedAt !== null])).toEqual([
      [1, 'failed', 'marked failed by alice', true],
    ]);
    expect((await logsOfTry(harness, runId, 1)).complete).toBe(true);
    await ledgerHas('term', 1);
    expect(find(await readLedger(), 'end', 1)).toBeUndefined();
  });

  it('its run marked failed: its command is stopped and its try closed with who marked the run', async () => {
    const { harness, runId } = await start(20);
    const marked = await request(harness.app)
      .patch(`/api/v1/dags/loop/runs/${encodeURIComponent(runId)}`)
      .set('authorization', `Bearer ${aliceToken}`)
      .send({ state: 'failed' });
    expect(marked.status).toBe(200);
    const detail = await taskDetail(harness, runId);
    expect(detail.tries.map((t) => [t.tryNumber, t.state, t.stoppedBy, t.endedAt !== null])).toEqual([
      [1, 'failed', 'run marked failed by alice', true],
    ]);
    expect((await logsOfTry(harness, runId, 1)).complete).toBe(true);
    await ledgerHas('term', 1);
    expect(find(await readLedger(), 'end', 1)).toBeUndefined();
  });
});
