/**
 * A scheduling pass's try ends: a lost worker's try with an external job is
 * parked for another worker (resume_deferred), and a try the scheduler
 * fails records the error its typed cause names.
 */
import { createTestDag, startTestRun } from './test-runs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { claimTaskTry } from './claimTaskTry';
import { finishTaskTry } from './finishTaskTry';
import { scheduleRun, type Decisions } from './scheduleRun';

let t: TestDatabase;
let versionId = '';
let runs = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  versionId = await createTestDag(t.db.pool, 'ad');
});

afterAll(async () => {
  await t?.drop();
});

/** A running run of tasks a and b, with a's first try claimed (running) by host 'w'. */
async function runWithRunningTry(): Promise<{ runId: string; a: string }> {
  const { runId } = await startTestRun(t.db.pool, {
    dagId: 'ad',
    versionId,
    runId: `r${++runs}`,
    taskIds: ['a', 'b'],
    operator: 'emr.addSteps',
  });
  await scheduleRun(t.db.pool, runId, null, () => ({
    tasks: [
      { type: 'set_state', taskId: 'a', from: 'none', to: 'scheduled', reason: 'test' },
      {
        type: 'enqueue',
        taskId: 'a',
        from: 'scheduled',
        tryNumber: 1,
        pool: 'default_pool',
        poolSlots: 1,
        priorityWeight: 1,
      },
    ],
    run: null,
  }));
  const row = await t.db.pool.query<{ id: string }>(
    `SELECT id FROM task_instance WHERE dag_run_id = $1 AND task_id = 'a'`,
    [runId],
  );
  const a = row.rows[0]?.id ?? '';
  await claimTaskTry(t.db.pool, { taskInstanceId: a, tryNumber: 1, hostname: 'w' });
  return { runId, a };
}

const ti = async (id: string) =>
  (
    await t.db.pool.query<{
      state: string;
      hostname: string | null;
      heartbeat_at: Date | null;
      next_retry_at: Date | null;
    }>('SELECT state, hostname, heartbeat_at, next_retry_at FROM task_instance WHERE id = $1', [id])
  ).rows[0];
const tryError = async (id: string) =>
  (
    await t.db.pool.query<{ error: { name: string; message: string } | null }>(
      'SELECT error FROM task_try WHERE task_instance_id = $1 AND try_number = 1',
      [id],
    )
  ).rows[0]?.error;
const runState = async (runId: string) =>
  (await t.db.pool.query<{ state: string }>('SELECT state FROM dag_run WHERE id = $1', [runId])).rows[0]?.state;

describe('applying try ends', () => {
  it('resume_deferred parks the running try for another worker, due now, and drops the run decision', async () => {
    const { runId, a } = await runWithRunningTry();
    const decisions: Decisions = {
      tasks: [
        {
          type: 'resume_deferred',
          taskId: 'a',
          from: 'running',
          tryNumber: 1,
          cause: 'heartbeat_lost',
          reason: 'test',
        },
      ],
      run: { type: 'finish_run', to: 'failed', reason: 'test' },
    };
    const result = await scheduleRun(t.db.pool, runId, null, () => decisions);
    expect(result.resumed).toEqual([{ taskInstanceId: a, tryNumber: 1, dueAt: expect.any(Number) }]);
    expect(result.finished).toEqual([]);
    expect(result.interrupted).toEqual([]);
    const after = await ti(a);
    expect(after).toMatchObject({ state: 'deferred', hostname: null, heartbeat_at: null });
    expect(after?.next_retry_at?.getTime()).toBe(result.resumed[0]?.dueAt);
    expect(await tryError(a)).toBeNull();
    expect(await runState(runId)).toBe('running');
  });

  it('resume_deferred of a try that is not running any more writes nothing', async () => {
    const { runId, a } = await runWithRunningTry();
    await finishTaskTry(t.db.pool, { taskInstanceId: a, tryNumber: 1, to: 'success' });
    const result = await scheduleRun(t.db.pool, runId, null, () => ({
      tasks: [
        {
          type: 'resume_deferred',
          taskId: 'a',
          from: 'running',
          tryNumber: 1,
          cause: 'heartbeat_lost',
          reason: 'test',
        },
      ],
      run: null,
    }));
    expect(result.resumed).toEqual([]);
    expect((await ti(a))?.state).toBe('success');
  });

  it.each([
    ['heartbeat_lost', 'ZombieTaskError'],
    ['execution_timeout', 'TaskTimeoutError'],
  ] as const)('a try failed for %s records a %s with the reason, whatever the reason says', async (cause, name) => {
    const { runId, a } = await runWithRunningTry();
    const result = await scheduleRun(t.db.pool, runId, null, () => ({
      tasks: [
        {
          type: 'fail_try',
          taskId: 'a',
          from: 'running',
          tryNumber: 1,
          to: 'failed',
          nextRetryAt: null,
          cause,
          reason: 'why it ended',
        },
      ],
      run: null,
    }));
    expect(result.finished).toEqual(['a']);
    expect((await ti(a))?.state).toBe('failed');
    expect(await tryError(a)).toEqual({ name, message: 'why it ended' });
  });

  it("a try failed with tries left is recorded as up_for_retry on its try row too, as a worker's finish records it", async () => {
    const { runId, a } = await runWithRunningTry();
    const at = new Date(Date.now() + 60_000);
    await scheduleRun(t.db.pool, runId, null, () => ({
      tasks: [
        {
          type: 'fail_try',
          taskId: 'a',
          from: 'running',
          tryNumber: 1,
          to: 'up_for_retry',
          nextRetryAt: at,
          cause: 'execution_timeout',
          reason: 'late',
        },
      ],
      run: null,
    }));
    expect(await ti(a)).toMatchObject({ state: 'up_for_retry', next_retry_at: at });
    const row = await t.db.pool.query<{ state: string }>(
      'SELECT state FROM task_try WHERE task_instance_id = $1 AND try_number = 1',
      [a],
    );
    expect(row.rows[0]?.state).toBe('up_for_retry');
  });
});
