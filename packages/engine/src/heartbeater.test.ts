/**
 * The heartbeater aborts a try as soon as the database no longer counts
 * that try as live, judged by (task instance, try): a cleared try 1 is
 * stopped even while try 2 of the same task instance runs on this worker.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimTaskTry,
  clearTaskInstances,
  createDagRun,
  createTestDatabase,
  startQueuedRuns,
  type TestDatabase,
} from '@sluice/db';
import { Heartbeater, TryTakenAwayError } from './heartbeater';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

async function runningTask(): Promise<{ runId: string; id: string }> {
  const version = await t.db.pool.query<{ id: string }>(
    `WITH d AS (INSERT INTO dag (dag_id, file_loc) VALUES ('hb', 'hb.ts'))
     INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc) VALUES ('hb', 'h1', '{}', '', 'hb.ts') RETURNING id`,
  );
  const now = new Date();
  const created = await createDagRun(t.db.pool, {
    dagId: 'hb',
    runId: 'r1',
    runType: 'manual',
    logicalDate: now,
    dataIntervalStart: now,
    dataIntervalEnd: now,
    conf: {},
    dagVersionId: version.rows[0]?.id ?? '',
    tasks: [{ taskId: 'loop', maxTries: 1, operator: 'shell', pool: 'default_pool', poolSlots: 1, priorityWeight: 1 }],
  });
  const runId = created?.id ?? '';
  await startQueuedRuns(t.db.pool, 'hb', 1);
  const ti = await t.db.pool.query<{ id: string }>('SELECT id FROM task_instance WHERE dag_run_id = $1', [runId]);
  return { runId, id: ti.rows[0]?.id ?? '' };
}

async function claimNext(id: string): Promise<number> {
  const res = await t.db.pool.query<{ try_number: number }>(
    `UPDATE task_instance SET state = 'queued', try_number = try_number + 1, queued_at = now() WHERE id = $1 RETURNING try_number`,
    [id],
  );
  const tryNumber = res.rows[0]?.try_number ?? 0;
  expect(await claimTaskTry(t.db.pool, { taskInstanceId: id, tryNumber, hostname: 'w1' })).not.toBeNull();
  return tryNumber;
}

describe('Heartbeater', () => {
  it('aborts a cleared try while a newer try of the same task instance runs on the same worker', async () => {
    const { runId, id } = await runningTask();
    const hb = new Heartbeater(t.db.pool, pino({ level: 'silent' }), 60_000);
    const aborted: Array<[number, Error]> = [];
    hb.add({ taskInstanceId: id, tryNumber: await claimNext(id), abort: (e) => aborted.push([1, e]) });

    await hb.beat();
    expect(aborted).toEqual([]);

    await clearTaskInstances(t.db.pool, { dagRunId: runId, tasks: new Map([['loop', 1]]), actor: 'alice' });
    hb.add({ taskInstanceId: id, tryNumber: await claimNext(id), abort: (e) => aborted.push([2, e]) });

    await hb.beat();
    expect(aborted.map(([n]) => n)).toEqual([1]);
    expect(aborted[0]?.[1]).toBeInstanceOf(TryTakenAwayError);
  });
});
