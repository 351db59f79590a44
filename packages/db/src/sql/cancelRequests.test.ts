/**
 * Cancel requests: committed with the change that takes a try with an
 * external job away (clear, mark), attempted one at a time, rescheduled
 * until done, found again when their job is lost, and logged on the try
 * without overwriting its lines.
 */
import { createTestDag, startTestRun } from './test-runs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import {
  appendCancelLog,
  claimCancelAttempt,
  finishCancelAttempt,
  listDueCancelRequests,
  readCancelledTries,
  recordCancelAfterStop,
} from './cancelRequests';
import { claimTaskTry } from './claimTaskTry';
import { clearTaskInstances } from './clearTaskInstances';
import { readTryExternals, recordTryExternal } from './deferTaskTry';
import { markDagRun, markTaskInstance } from './markStates';
import { withTransaction } from './queryable';
import { scheduleRun } from './scheduleRun';
import { appendTaskLogs, readTaskLogs } from './taskLogs';

let t: TestDatabase;
let versionId = '';
let runs = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  versionId = await createTestDag(t.db.pool, 'cr');
});

afterAll(async () => {
  await t?.drop();
});

/** A run whose task `a` is running try 1 and recorded an external job; `b` is running without one. */
async function runningWithExternal(): Promise<{ runId: string; a: string; b: string }> {
  const { runId } = await startTestRun(t.db.pool, {
    dagId: 'cr',
    versionId,
    runId: `r${++runs}`,
    taskIds: ['a', 'b'],
    operator: 'emr.addSteps',
  });
  const promote = (taskId: string) =>
    [
      { type: 'set_state', taskId, from: 'none', to: 'scheduled', reason: 'test' },
      {
        type: 'enqueue',
        taskId,
        from: 'scheduled',
        tryNumber: 1,
        pool: 'default_pool',
        poolSlots: 1,
        priorityWeight: 1,
      },
    ] as const;
  await scheduleRun(t.db.pool, runId, null, () => ({ tasks: [...promote('a'), ...promote('b')], run: null }));
  const rows = await t.db.pool.query<{ id: string; task_id: string }>(
    'SELECT id, task_id FROM task_instance WHERE dag_run_id = $1',
    [runId],
  );
  const ids = Object.fromEntries(rows.rows.map((r) => [r.task_id, r.id]));
  const a = ids['a'] ?? '';
  const b = ids['b'] ?? '';
  for (const id of [a, b]) await claimTaskTry(t.db.pool, { taskInstanceId: id, tryNumber: 1, hostname: 'w' });
  await recordTryExternal(t.db.pool, {
    taskInstanceId: a,
    tryNumber: 1,
    external: { type: 'emr.step', marker: 'sluice-00000000000000000000' },
  });
  return { runId, a, b };
}

const requests = async (taskInstanceId: string) =>
  (
    await t.db.pool.query<{ try_number: number; reason: string; attempts: number; done: boolean }>(
      `SELECT try_number, reason, attempts, done_at IS NOT NULL AS done FROM cancel_request WHERE task_instance_id = $1`,
      [taskInstanceId],
    )
  ).rows;

describe('recording cancel requests', () => {
  it('commits one with a clear of a try that had an external job, and none for a try without one', async () => {
    const { runId, a, b } = await runningWithExternal();
    const { interrupted } = await clearTaskInstances(t.db.pool, {
      dagRunId: runId,
      tasks: new Map([
        ['a', 1],
        ['b', 1],
      ]),
      actor: 'alice',
    });
    expect(interrupted).toEqual([{ taskInstanceId: a, tryNumber: 1 }]);
    expect(await requests(a)).toEqual([{ try_number: 1, reason: 'cleared', attempts: 0, done: false }]);
    expect(await requests(b)).toEqual([]);
    expect(await readCancelledTries(t.db.pool, a)).toEqual([1]);
    expect((await readTryExternals(t.db.pool, a)).map((r) => [r.tryNumber, r.cancelRequested])).toEqual([[1, true]]);
  });

  it('commits one with a mark, and keeps the first request of a try asked twice', async () => {
    const { runId, a } = await runningWithExternal();
    await withTransaction(t.db.pool, (tx) =>
      markTaskInstance(tx, { dagRunId: runId, taskId: 'a', to: 'failed', actor: 'alice' }),
    );
    await markDagRun(t.db.pool, { dagRunId: runId, to: 'failed', actor: 'alice' });
    expect(await requests(a)).toEqual([{ try_number: 1, reason: 'marked failed', attempts: 0, done: false }]);
  });

  it('records nothing when the mark rolls back with its transaction', async () => {
    const { runId, a } = await runningWithExternal();
    await expect(
      withTransaction(t.db.pool, async (tx) => {
        await markTaskInstance(tx, { dagRunId: runId, taskId: 'a', to: 'failed', actor: 'alice' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await requests(a)).toEqual([]);
  });
});

describe('recordCancelAfterStop', () => {
  it('asks nothing for a try still live under its number (resumed for another worker), and asks once it is gone', async () => {
    const { runId, a } = await runningWithExternal();
    const key = { taskInstanceId: a, tryNumber: 1 };
    expect(await recordCancelAfterStop(t.db.pool, key, 'taken away', { unlessLive: true })).toBe(false);
    expect(await requests(a)).toEqual([]);
    await clearTaskInstances(t.db.pool, { dagRunId: runId, tasks: new Map([['a', 1]]), actor: 'alice' });
    expect(await recordCancelAfterStop(t.db.pool, key, 'taken away', { unlessLive: true })).toBe(true);
    expect(await requests(a)).toEqual([{ try_number: 1, reason: 'cleared', attempts: 0, done: false }]);
  });

  it('asks for a try its own executionTimeout stopped while it is still running', async () => {
    const { a } = await runningWithExternal();
    expect(
      await recordCancelAfterStop(t.db.pool, { taskInstanceId: a, tryNumber: 1 }, 'timed out', { unlessLive: false }),
    ).toBe(true);
    expect(await requests(a)).toEqual([{ try_number: 1, reason: 'timed out', attempts: 0, done: false }]);
  });

  it('reopens a request an attempt ended before the stopped worker could have submitted', async () => {
    const { runId, a } = await runningWithExternal();
    const key = { taskInstanceId: a, tryNumber: 1 };
    await clearTaskInstances(t.db.pool, { dagRunId: runId, tasks: new Map([['a', 1]]), actor: 'alice' });
    expect(await claimCancelAttempt(t.db.pool, { ...key, leaseMs: 60_000 })).toMatchObject({ attempt: 1 });
    await finishCancelAttempt(t.db.pool, { ...key, done: true, error: null, retryInMs: 0 });
    expect(await recordCancelAfterStop(t.db.pool, key, 'taken away', { unlessLive: true })).toBe(true);
    expect(await claimCancelAttempt(t.db.pool, { ...key, leaseMs: 60_000 })).toMatchObject({
      attempt: 2,
      reason: 'cleared',
    });
  });
});

describe('attempts', () => {
  it('are taken one at a time, rescheduled until done, and listed when overdue', async () => {
    const { runId, a } = await runningWithExternal();
    await clearTaskInstances(t.db.pool, { dagRunId: runId, tasks: new Map([['a', 1]]), actor: 'alice' });
    const key = { taskInstanceId: a, tryNumber: 1 };
    const first = await claimCancelAttempt(t.db.pool, { ...key, leaseMs: 60_000 });
    expect(first).toMatchObject({ attempt: 1, reason: 'cleared' });
    // Held by the first attempt: a duplicate job does nothing, and it is not overdue.
    expect(await claimCancelAttempt(t.db.pool, { ...key, leaseMs: 60_000 })).toBeNull();
    expect(
      (await listDueCancelRequests(t.db.pool, new Date(Date.now() + 1000))).map((r) => r.taskInstanceId),
    ).not.toContain(a);

    const next = await finishCancelAttempt(t.db.pool, {
      ...key,
      done: false,
      error: 'InternalServerError: down',
      retryInMs: 0,
    });
    expect(next).toBeInstanceOf(Date);
    expect(
      (await listDueCancelRequests(t.db.pool, new Date(Date.now() + 1000))).map((r) => r.taskInstanceId),
    ).toContain(a);
    expect(await claimCancelAttempt(t.db.pool, { ...key, leaseMs: 60_000 })).toMatchObject({ attempt: 2 });

    expect(await finishCancelAttempt(t.db.pool, { ...key, done: true, error: null, retryInMs: 0 })).toBeNull();
    expect(await claimCancelAttempt(t.db.pool, { ...key, leaseMs: 0 })).toBeNull();
    expect(
      (await listDueCancelRequests(t.db.pool, new Date(Date.now() + 1000))).map((r) => r.taskInstanceId),
    ).not.toContain(a);
    expect(await requests(a)).toEqual([{ try_number: 1, reason: 'cleared', attempts: 2, done: true }]);
  });
});

describe('appendCancelLog', () => {
  it("numbers its lines after the try's, so neither overwrites the other", async () => {
    const { a } = await runningWithExternal();
    await appendTaskLogs(t.db.pool, a, 1, [
      { seq: 1, stream: 'stdout', text: 'one\n' },
      { seq: 2, stream: 'stdout', text: 'two\n' },
    ]);
    await Promise.all([
      appendCancelLog(t.db.pool, a, 1, 'cancel attempt 1'),
      appendCancelLog(t.db.pool, a, 1, 'cancel attempt 2'),
    ]);
    // The worker, still holding the try, writes its next numbered line.
    await appendTaskLogs(t.db.pool, a, 1, [{ seq: 3, stream: 'stderr', text: 'three\n' }]);
    const lines = await readTaskLogs(t.db.pool, { taskInstanceId: a, tryNumber: 1, afterSeq: 0, limit: 100 });
    expect(lines.map((l) => l.text).sort()).toEqual([
      'cancel attempt 1\n',
      'cancel attempt 2\n',
      'one\n',
      'three\n',
      'two\n',
    ]);
    expect(lines.filter((l) => l.text.startsWith('cancel')).every((l) => l.stream === 'system' && l.seq > 3)).toBe(
      true,
    );
  });
});
