/**
 * Liveness is a property of (task instance, try): a clear or a mark that
 * takes a task instance away from its running try closes that try's row in
 * the same transaction (terminal state, ended_at, who stopped it), and the
 * heartbeat no longer answers for it even when a newer try of the same task
 * instance is running. So does a run's timeout.
 */
import { createTestDag, startTestRun } from './test-runs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { claimTaskTry } from './claimTaskTry';
import { clearTaskInstances } from './clearTaskInstances';
import { finishTaskTry } from './finishTaskTry';
import { heartbeatTaskTries, tryKey } from './heartbeatTaskTries';
import { markDagRun, markTaskInstance } from './markStates';
import { scheduleRun } from './scheduleRun';

let t: TestDatabase;
let versionId = '';
let runs = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  versionId = await createTestDag(t.db.pool, 'st');
});

afterAll(async () => {
  await t?.drop();
});

/** A running run of tasks a and b, nothing started. */
async function startRun(): Promise<{ runId: string; ti: Record<string, string> }> {
  return startTestRun(t.db.pool, {
    dagId: 'st',
    versionId,
    runId: `r${++runs}`,
    taskIds: ['a', 'b'],
    operator: 'shell',
  });
}

/** Queues the next try of a task instance and claims it, as a worker would. */
async function runNextTry(id: string): Promise<number> {
  const res = await t.db.pool.query<{ try_number: number }>(
    `UPDATE task_instance SET state = 'queued', try_number = try_number + 1, queued_at = now() WHERE id = $1 RETURNING try_number`,
    [id],
  );
  const tryNumber = res.rows[0]?.try_number ?? 0;
  const claimed = await claimTaskTry(t.db.pool, { taskInstanceId: id, tryNumber, hostname: 'w1' });
  expect(claimed?.tryNumber).toBe(tryNumber);
  return tryNumber;
}

interface TryRow {
  try_number: number;
  state: string;
  ended: boolean;
  has_duration: boolean;
  stopped_by: string | null;
}

async function tries(id: string): Promise<TryRow[]> {
  const res = await t.db.pool.query<TryRow>(
    `SELECT try_number, state, ended_at IS NOT NULL AS ended, duration_ms IS NOT NULL AS has_duration, stopped_by
     FROM task_try WHERE task_instance_id = $1 ORDER BY try_number`,
    [id],
  );
  return res.rows;
}

const taskState = async (id: string) =>
  (await t.db.pool.query<{ state: string }>('SELECT state FROM task_instance WHERE id = $1', [id])).rows[0]?.state;

describe('a clear of a running task instance', () => {
  it('closes the running try with who cleared it, and the heartbeat answers only for the new try', async () => {
    const { runId, ti } = await startRun();
    const a = ti['a'] ?? '';
    await runNextTry(a);
    expect(await heartbeatTaskTries(t.db.pool, [{ taskInstanceId: a, tryNumber: 1 }])).toEqual(new Set([tryKey(a, 1)]));

    const cleared = await clearTaskInstances(t.db.pool, {
      dagRunId: runId,
      tasks: new Map([['a', 1]]),
      actor: 'alice',
    });
    expect(cleared.cleared).toEqual(['a']);
    expect(await taskState(a)).toBe('none');
    expect(await tries(a)).toEqual([
      { try_number: 1, state: 'failed', ended: true, has_duration: true, stopped_by: 'cleared by alice' },
    ]);
    expect(await heartbeatTaskTries(t.db.pool, [{ taskInstanceId: a, tryNumber: 1 }])).toEqual(new Set());

    // Try 2 starts on the same worker while try 1's process has not yet noticed.
    await runNextTry(a);
    const alive = await heartbeatTaskTries(t.db.pool, [
      { taskInstanceId: a, tryNumber: 1 },
      { taskInstanceId: a, tryNumber: 2 },
    ]);
    expect(alive).toEqual(new Set([tryKey(a, 2)]));
    expect((await tries(a)).map((r) => [r.try_number, r.state, r.ended, r.stopped_by])).toEqual([
      [1, 'failed', true, 'cleared by alice'],
      [2, 'running', false, null],
    ]);
  });

  it('leaves a try that ended on its own as it ended', async () => {
    const { runId, ti } = await startRun();
    const a = ti['a'] ?? '';
    await runNextTry(a);
    expect(await finishTaskTry(t.db.pool, { taskInstanceId: a, tryNumber: 1, to: 'success' })).not.toBeNull();
    await clearTaskInstances(t.db.pool, { dagRunId: runId, tasks: new Map([['a', 1]]), actor: 'alice' });
    expect(await tries(a)).toEqual([
      { try_number: 1, state: 'success', ended: true, has_duration: true, stopped_by: null },
    ]);
  });
});

describe('a mark of a running task instance', () => {
  it('marked failed: closes the try as failed, marked by its actor', async () => {
    const { runId, ti } = await startRun();
    const a = ti['a'] ?? '';
    await runNextTry(a);
    const marked = await markTaskInstance(t.db.pool, { dagRunId: runId, taskId: 'a', to: 'failed', actor: 'alice' });
    expect(marked?.from).toBe('running');
    expect(await tries(a)).toEqual([
      { try_number: 1, state: 'failed', ended: true, has_duration: true, stopped_by: 'marked failed by alice' },
    ]);
    expect(await heartbeatTaskTries(t.db.pool, [{ taskInstanceId: a, tryNumber: 1 }])).toEqual(new Set());
  });

  it('marked success: closes the try as success, marked by its actor', async () => {
    const { runId, ti } = await startRun();
    const a = ti['a'] ?? '';
    await runNextTry(a);
    await markTaskInstance(t.db.pool, { dagRunId: runId, taskId: 'a', to: 'success', actor: 'bob' });
    expect(await tries(a)).toEqual([
      { try_number: 1, state: 'success', ended: true, has_duration: true, stopped_by: 'marked success by bob' },
    ]);
  });
});

describe('a run marked failed', () => {
  it('closes the running try as failed and skips what never started, without inventing a try for it', async () => {
    const { runId, ti } = await startRun();
    const a = ti['a'] ?? '';
    const b = ti['b'] ?? '';
    await runNextTry(a);
    const result = await markDagRun(t.db.pool, { dagRunId: runId, to: 'failed', actor: 'carol' });
    expect(result.touchedTaskIds.sort()).toEqual(['a', 'b']);
    expect(await taskState(a)).toBe('failed');
    expect(await taskState(b)).toBe('skipped');
    expect(await tries(a)).toEqual([
      { try_number: 1, state: 'failed', ended: true, has_duration: true, stopped_by: 'run marked failed by carol' },
    ]);
    expect(await tries(b)).toEqual([]);
    expect(await heartbeatTaskTries(t.db.pool, [{ taskInstanceId: a, tryNumber: 1 }])).toEqual(new Set());
  });

  it('marked success: closes the running try as success', async () => {
    const { runId, ti } = await startRun();
    const a = ti['a'] ?? '';
    await runNextTry(a);
    await markDagRun(t.db.pool, { dagRunId: runId, to: 'success', actor: 'carol' });
    expect(await tries(a)).toEqual([
      { try_number: 1, state: 'success', ended: true, has_duration: true, stopped_by: 'run marked success by carol' },
    ]);
  });
});

describe('a run past its timeout', () => {
  it('skips what is unfinished and closes the running try, stopped by the timeout', async () => {
    const { runId, ti } = await startRun();
    const a = ti['a'] ?? '';
    const b = ti['b'] ?? '';
    await runNextTry(a);
    const result = await scheduleRun(t.db.pool, runId, null, () => ({
      tasks: [],
      run: { type: 'fail_run_timeout', reason: 'test', unfinishedTaskIds: ['a', 'b'] },
    }));
    expect(result.runState).toBe('failed');
    expect(result.finished.sort()).toEqual(['a', 'b']);
    expect(await taskState(a)).toBe('skipped');
    expect(await taskState(b)).toBe('skipped');
    expect(await tries(a)).toEqual([
      { try_number: 1, state: 'skipped', ended: true, has_duration: true, stopped_by: 'run timed out' },
    ]);
    expect(await tries(b)).toEqual([]);
    expect(await heartbeatTaskTries(t.db.pool, [{ taskInstanceId: a, tryNumber: 1 }])).toEqual(new Set());
  });
});

describe('a clear of a deferred task instance', () => {
  it('closes the deferred try whose external job it took away', async () => {
    const { runId, ti } = await startRun();
    const a = ti['a'] ?? '';
    await runNextTry(a);
    // As deferTaskTry leaves it: parked with its external job, the try row open.
    await t.db.pool.query(`UPDATE task_instance SET state = 'deferred', external = '{"step": "s-1"}' WHERE id = $1`, [
      a,
    ]);
    await t.db.pool.query(`UPDATE task_try SET state = 'deferred' WHERE task_instance_id = $1`, [a]);
    const cleared = await clearTaskInstances(t.db.pool, { dagRunId: runId, tasks: new Map([['a', 1]]), actor: 'dave' });
    expect(cleared.interrupted).toEqual([{ taskInstanceId: a, tryNumber: 1 }]);
    expect(await tries(a)).toEqual([
      { try_number: 1, state: 'failed', ended: true, has_duration: true, stopped_by: 'cleared by dave' },
    ]);
  });
});
