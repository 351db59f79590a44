/**
 * Every move in core's transition table, made on a real row by the
 * statement that makes it: each case puts a task instance (or a run) in its
 * `from` state through the statements, makes the move, and reads the state
 * back. The last test walks core's table and checks that every move was seen
 * here, except the few that no statement makes (listed, and checked to be
 * declared by none), so a move added to the table or to a statement without
 * a test here fails.
 */
import {
  canTransitionRun,
  canTransitionTask,
  dagRunStates,
  taskInstanceStates,
  unfinishedTaskStates,
  type DagRunState,
  type TaskInstanceState,
} from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { claimTaskTry } from './claimTaskTry';
import { clearTaskInstances } from './clearTaskInstances';
import { createDagRun } from './createDagRun';
import { deferTaskTry } from './deferTaskTry';
import { failTaskTries } from './failTaskTries';
import { finishTaskTry } from './finishTaskTry';
import { markDagRun, markTaskInstance, type MarkTo } from './markStates';
import { statementMoves } from './moves';
import { withTransaction } from './queryable';
import { scheduleRun } from './scheduleRun';
import { startQueuedRuns } from './startQueuedRuns';
import { createTestDag } from './test-runs';
import type { TaskDecision } from '@sluice/core';

let t: TestDatabase;
let versionId = '';
let runs = 0;
const seenTask = new Set<string>();
const seenRun = new Set<string>();

beforeAll(async () => {
  t = await createTestDatabase();
  versionId = await createTestDag(t.db.pool, 'tm');
});

afterAll(async () => {
  await t?.drop();
});

const key = (from: string, to: string): string => `${from} → ${to}`;

interface Subject {
  runId: string;
  /** Task instance `a`; `z` stays `none`, so the run does not end with `a`. */
  a: string;
  tries: number;
}

async function taskState(id: string): Promise<TaskInstanceState | undefined> {
  const res = await t.db.pool.query<{ state: TaskInstanceState }>('SELECT state FROM task_instance WHERE id = $1', [
    id,
  ]);
  return res.rows[0]?.state;
}

async function runState(id: string): Promise<DagRunState | undefined> {
  const res = await t.db.pool.query<{ state: DagRunState }>('SELECT state FROM dag_run WHERE id = $1', [id]);
  return res.rows[0]?.state;
}

/** Makes one move of task instance `s.a` with `act`, checking the state before and after on the row. */
async function moveTask(s: Subject, from: TaskInstanceState, to: TaskInstanceState, act: () => Promise<unknown>) {
  expect(await taskState(s.a), `before ${key(from, to)}`).toBe(from);
  await act();
  expect(await taskState(s.a), `after ${key(from, to)}`).toBe(to);
  seenTask.add(key(from, to));
}

async function moveRun(runId: string, from: DagRunState, to: DagRunState, act: () => Promise<unknown>) {
  expect(await runState(runId), `before run ${key(from, to)}`).toBe(from);
  await act();
  expect(await runState(runId), `after run ${key(from, to)}`).toBe(to);
  seenRun.add(key(from, to));
}

const pass = (s: Subject, tasks: TaskDecision[]) => () =>
  scheduleRun(t.db.pool, s.runId, null, () => ({ tasks, run: null }));
const setState = (from: TaskInstanceState, to: TaskInstanceState): TaskDecision => ({
  type: 'set_state',
  taskId: 'a',
  from,
  to,
  reason: 'test',
});
const enqueue = (tryNumber: number): TaskDecision => ({
  type: 'enqueue',
  taskId: 'a',
  from: 'scheduled',
  tryNumber,
  pool: 'default_pool',
  poolSlots: 1,
  priorityWeight: 1,
});

/** A queued run of the test DAG with task instances `taskIds`; returns its id and theirs. */
async function queuedRun(taskIds: readonly string[]): Promise<{ runId: string; ti: Record<string, string> }> {
  const now = new Date();
  const created = await createDagRun(t.db.pool, {
    dagId: 'tm',
    runId: `r${++runs}`,
    runType: 'manual',
    logicalDate: now,
    dataIntervalStart: now,
    dataIntervalEnd: now,
    conf: {},
    dagVersionId: versionId,
    tasks: taskIds.map((taskId) => ({
      taskId,
      maxTries: 1,
      operator: 'shell',
      pool: 'default_pool',
      poolSlots: 1,
      priorityWeight: 1,
    })),
  });
  const runId = created?.id;
  if (!runId) throw new Error(`could not create run r${runs}`);
  const rows = await t.db.pool.query<{ id: string; task_id: string }>(
    'SELECT id, task_id FROM task_instance WHERE dag_run_id = $1',
    [runId],
  );
  return { runId, ti: Object.fromEntries(rows.rows.map((r) => [r.task_id, r.id])) };
}

/** Starts a queued run; no limit on the runs this file leaves running. */
const startRun = (runId: string) =>
  moveRun(runId, 'queued', 'running', () => startQueuedRuns(t.db.pool, 'tm', Number.MAX_SAFE_INTEGER));

/** A running run of tasks a and z, both `none`. */
async function fresh(): Promise<Subject> {
  const { runId, ti } = await queuedRun(['a', 'z']);
  await startRun(runId);
  return { runId, a: ti['a'] ?? '', tries: 0 };
}

const claim = (s: Subject, from: 'queued' | 'deferred') => () =>
  claimTaskTry(t.db.pool, { taskInstanceId: s.a, tryNumber: s.tries, hostname: 'w1', from });
const finish = (s: Subject, to: 'success' | 'failed' | 'up_for_retry' | 'skipped') => () =>
  finishTaskTry(t.db.pool, { taskInstanceId: s.a, tryNumber: s.tries, to, nextRetryAt: null });
const defer = (s: Subject) => () =>
  deferTaskTry(t.db.pool, { taskInstanceId: s.a, tryNumber: s.tries, external: { job: 'j' }, nextCheckAt: new Date() });

/** A fresh subject brought to `state` through the statements that get a task instance there. */
async function reach(state: TaskInstanceState): Promise<Subject> {
  const s = await fresh();
  const toQueued = async () => {
    await moveTask(s, 'none', 'scheduled', pass(s, [setState('none', 'scheduled')]));
    s.tries += 1;
    await moveTask(s, 'scheduled', 'queued', pass(s, [enqueue(s.tries)]));
  };
  const toRunning = async () => {
    await toQueued();
    await moveTask(s, 'queued', 'running', claim(s, 'queued'));
  };
  switch (state) {
    case 'none':
      break;
    case 'scheduled':
      await moveTask(s, 'none', 'scheduled', pass(s, [setState('none', 'scheduled')]));
      break;
    case 'queued':
      await toQueued();
      break;
    case 'running':
      await toRunning();
      break;
    case 'deferred':
      await toRunning();
      await moveTask(s, 'running', 'deferred', defer(s));
      break;
    case 'success':
    case 'failed':
    case 'up_for_retry':
    case 'skipped':
      await toRunning();
      await moveTask(s, 'running', state, finish(s, state));
      break;
    case 'upstream_failed':
      await moveTask(s, 'none', 'upstream_failed', pass(s, [setState('none', 'upstream_failed')]));
      break;
  }
  return s;
}

describe('the lifecycle of a try, on real rows', () => {
  it('reaches every state through the statements that make its moves', async () => {
    for (const state of taskInstanceStates) {
      const s = await reach(state);
      expect(await taskState(s.a), state).toBe(state);
    }
  });

  it('schedules and queues a none task in one write', async () => {
    const s = await fresh();
    await moveTask(s, 'none', 'queued', pass(s, [setState('none', 'scheduled'), enqueue(1)]));
  });

  it('skips a none task its trigger rule skips', async () => {
    const s = await fresh();
    await moveTask(s, 'none', 'skipped', pass(s, [setState('none', 'skipped')]));
  });

  it('schedules a due retry, and schedules and queues one in one write', async () => {
    const scheduled = await reach('up_for_retry');
    await moveTask(scheduled, 'up_for_retry', 'scheduled', pass(scheduled, [setState('up_for_retry', 'scheduled')]));
    const queued = await reach('up_for_retry');
    await moveTask(
      queued,
      'up_for_retry',
      'queued',
      pass(queued, [setState('up_for_retry', 'scheduled'), enqueue(queued.tries + 1)]),
    );
  });

  it('claims a deferred try back to running for the worker that resumes it', async () => {
    const s = await reach('deferred');
    await moveTask(s, 'deferred', 'running', claim(s, 'deferred'));
  });

  it('fails a try its worker could not end, running or deferred, to up_for_retry or failed', async () => {
    for (const from of ['running', 'deferred'] as const) {
      for (const to of ['up_for_retry', 'failed'] as const) {
        const s = await reach(from);
        await moveTask(s, from, to, () =>
          withTransaction(t.db.pool, (client) =>
            failTaskTries(client, [
              {
                taskInstanceId: s.a,
                taskId: 'a',
                from,
                tryNumber: s.tries,
                to,
                nextRetryAt: null,
                error: { name: 'Error', message: 'test' },
              },
            ]),
          ),
        );
      }
    }
  });
});

describe('a run timeout, on real rows', () => {
  it('skips a task instance in every unfinished state', async () => {
    for (const from of unfinishedTaskStates) {
      const s = await reach(from);
      await moveTask(s, from, 'skipped', () =>
        scheduleRun(t.db.pool, s.runId, null, () => ({
          tasks: [],
          run: { type: 'fail_run_timeout', reason: 'test', unfinishedTaskIds: ['a', 'z'] },
        })),
      );
    }
  });
});

describe('markTaskInstance, on real rows', () => {
  for (const to of ['success', 'failed'] as const satisfies readonly MarkTo[]) {
    it(`marks ${to} from every state the table allows, and returns the state it left`, async () => {
      for (const from of taskInstanceStates.filter((f) => canTransitionTask(f, to))) {
        const s = await reach(from);
        let marked: Awaited<ReturnType<typeof markTaskInstance>> = null;
        await moveTask(s, from, to, async () => {
          marked = await markTaskInstance(t.db.pool, { dagRunId: s.runId, taskId: 'a', to, actor: 'alice' });
        });
        expect(marked).toMatchObject({ id: s.a, from });
      }
    });

    it(`leaves a task instance already ${to} as it is and says so`, async () => {
      const s = await reach(to);
      expect(await markTaskInstance(t.db.pool, { dagRunId: s.runId, taskId: 'a', to, actor: 'alice' })).toBeNull();
      expect(await taskState(s.a)).toBe(to);
    });
  }
});

describe('markDagRun, on real rows', () => {
  it('marked failed: fails the tasks that held a worker or were about to, skips the rest, and fails the run', async () => {
    for (const from of unfinishedTaskStates) {
      const s = await reach(from);
      const to = from === 'none' || from === 'scheduled' ? 'skipped' : 'failed';
      await moveTask(s, from, to, () => markDagRun(t.db.pool, { dagRunId: s.runId, to: 'failed', actor: 'bob' }));
      expect(await runState(s.runId)).toBe('failed');
    }
  });

  it('marked success: marks every task instance not yet success, and the run', async () => {
    for (const from of taskInstanceStates.filter((f) => f !== 'success')) {
      const s = await reach(from);
      await moveTask(s, from, 'success', () =>
        markDagRun(t.db.pool, { dagRunId: s.runId, to: 'success', actor: 'bob' }),
      );
    }
  });

  it('moves the run itself from every state the table allows, and reports a mark to its own state as no change', async () => {
    for (const to of ['success', 'failed'] as const) {
      for (const from of dagRunStates.filter((f) => canTransitionRun(f, to))) {
        const runId = await runIn(from);
        await moveRun(runId, from, to, async () => {
          expect(await markDagRun(t.db.pool, { dagRunId: runId, to, actor: 'bob' })).toMatchObject({ changed: true });
        });
      }
      const runId = await runIn(to);
      expect(await markDagRun(t.db.pool, { dagRunId: runId, to, actor: 'bob' })).toEqual({
        changed: false,
        touchedTaskIds: [],
        interrupted: [],
      });
    }
  });
});

/** A run of the test DAG in `state`, reached through the statements: created, started, ended by its one task. */
async function runIn(state: DagRunState): Promise<string> {
  const { runId, ti } = await queuedRun(['a']);
  if (state === 'queued') return runId;
  await startRun(runId);
  if (state === 'running') return runId;
  const s: Subject = { runId, a: ti['a'] ?? '', tries: 0 };
  await moveTask(s, 'none', 'scheduled', pass(s, [setState('none', 'scheduled')]));
  s.tries = 1;
  await moveTask(s, 'scheduled', 'queued', pass(s, [enqueue(1)]));
  await moveTask(s, 'queued', 'running', claim(s, 'queued'));
  await moveRun(runId, 'running', state, finish(s, state));
  return runId;
}

describe('clearTaskInstances, on real rows', () => {
  it('sends a task instance back to none from every state the table allows, and reopens an ended run', async () => {
    for (const from of taskInstanceStates.filter((f) => canTransitionTask(f, 'none'))) {
      const s = await reach(from);
      await moveTask(s, from, 'none', () =>
        clearTaskInstances(t.db.pool, { dagRunId: s.runId, tasks: new Map([['a', 1]]), actor: 'carol' }),
      );
    }
    for (const from of ['success', 'failed'] as const) {
      const runId = await runIn(from);
      await moveRun(runId, from, 'queued', () =>
        clearTaskInstances(t.db.pool, { dagRunId: runId, tasks: new Map([['a', 1]]), actor: 'carol' }),
      );
    }
  });
});

/**
 * Moves core's table allows that no statement makes today: each is checked
 * below to be declared by no statement module, so the day one is written it
 * must be exercised above and leave this list.
 */
const UNMADE_TASK_MOVES = [
  key('scheduled', 'upstream_failed'),
  key('queued', 'scheduled'),
  key('queued', 'up_for_retry'),
  key('deferred', 'queued'),
];
const UNMADE_RUN_MOVES = [key('running', 'queued'), key('success', 'running'), key('failed', 'running')];

function declaredSteps(kind: 'moves' | 'runMoves'): Set<string> {
  const out = new Set<string>();
  for (const m of statementMoves) {
    for (const move of m[kind]) {
      for (const from of move.from) {
        const path: string[] = [from, ...(move.via ?? []), move.to];
        for (let i = 1; i < path.length; i++) out.add(key(path[i - 1] ?? '', path[i] ?? ''));
      }
    }
  }
  return out;
}

describe("core's transition table", () => {
  it('has every task move made on a real row above, but the ones no statement makes', () => {
    const table = taskInstanceStates.flatMap((from) =>
      taskInstanceStates.filter((to) => canTransitionTask(from, to)).map((to) => key(from, to)),
    );
    const declared = declaredSteps('moves');
    for (const move of UNMADE_TASK_MOVES) {
      expect(table, move).toContain(move);
      expect(declared.has(move), `${move} is made by a statement now: exercise it above`).toBe(false);
    }
    expect(table.filter((m) => !seenTask.has(m)).sort()).toEqual([...UNMADE_TASK_MOVES].sort());
  });

  it('has every run move made on a real row above, but the ones no statement makes', () => {
    const table = dagRunStates.flatMap((from) =>
      dagRunStates.filter((to) => canTransitionRun(from, to)).map((to) => key(from, to)),
    );
    const declared = declaredSteps('runMoves');
    for (const move of UNMADE_RUN_MOVES) {
      expect(table, move).toContain(move);
      expect(declared.has(move), `${move} is made by a statement now: exercise it above`).toBe(false);
    }
    expect(table.filter((m) => !seenRun.has(m)).sort()).toEqual([...UNMADE_RUN_MOVES].sort());
  });
});
