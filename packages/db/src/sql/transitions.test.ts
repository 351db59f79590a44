/**
 * The transitions that batch several statements into one round trip:
 * parameters inlined as literals must reach Postgres unchanged, the writes
 * must stay conditional on the state they were decided from, and a run must
 * end with its last task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { claimTaskTry } from './claimTaskTry';
import { createDagRun } from './createDagRun';
import { anyUnfinished, finishTaskTry, finishTriesStatement } from './finishTaskTry';
import { prepared, sendBatch } from './queryable';
import { lockDagOfRun, scheduleRun, type Decisions } from './scheduleRun';
import { peekRuns, scheduleRuns } from './scheduleRuns';
import { startQueuedRuns } from './startQueuedRuns';
import { writeTries } from './writeTries';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  const version = await t.db.pool.query<{ id: string }>(
    `WITH d AS (INSERT INTO dag (dag_id, file_loc) VALUES ('tr', 'tr.ts'))
     INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc) VALUES ('tr', 'h1', '{}', '', 'tr.ts') RETURNING id`,
  );
  versionId = version.rows[0]?.id ?? '';
});

afterAll(async () => {
  await t?.drop();
});

let versionId = '';
let runs = 0;

/** A running run of tasks a, b, c with no dependencies between them, on the default queue unless `queues` names one. */
async function startRun(queues: Record<string, string> = {}): Promise<{ runId: string; ti: Record<string, string> }> {
  const now = new Date();
  const created = await createDagRun(t.db.pool, {
    dagId: 'tr',
    runId: `r${++runs}`,
    runType: 'manual',
    logicalDate: now,
    dataIntervalStart: now,
    dataIntervalEnd: now,
    conf: {},
    dagVersionId: versionId,
    tasks: ['a', 'b', 'c'].map((taskId) => ({
      taskId,
      maxTries: 1,
      operator: 'fn',
      pool: 'default_pool',
      poolSlots: 1,
      priorityWeight: 1,
      queue: queues[taskId],
    })),
  });
  const runId = created?.id ?? '';
  await startQueuedRuns(t.db.pool, 'tr', 100);
  const rows = await t.db.pool.query<{ id: string; task_id: string }>(
    'SELECT id, task_id FROM task_instance WHERE dag_run_id = $1',
    [runId],
  );
  return { runId, ti: Object.fromEntries(rows.rows.map((r) => [r.task_id, r.id])) };
}

const promote = (taskId: string): Decisions['tasks'] => [
  { type: 'set_state', taskId, from: 'none', to: 'scheduled', reason: 'test' },
  { type: 'enqueue', taskId, from: 'scheduled', tryNumber: 1, pool: 'default_pool', poolSlots: 1, priorityWeight: 1 },
];

async function states(runId: string): Promise<Record<string, string>> {
  const rows = await t.db.pool.query<{ task_id: string; state: string }>(
    'SELECT task_id, state FROM task_instance WHERE dag_run_id = $1',
    [runId],
  );
  return Object.fromEntries(rows.rows.map((r) => [r.task_id, r.state]));
}

const runState = async (runId: string) =>
  (await t.db.pool.query<{ state: string }>('SELECT state FROM dag_run WHERE id = $1', [runId])).rows[0]?.state;

describe('sendBatch', () => {
  it('inlines awkward values so that Postgres reads back exactly what was passed', async () => {
    const values = [
      `it's a \\ "quote" $1 ; DROP TABLE dag; --`,
      ['a,b', '{x}', 'q"uote', 'back\\slash', null, '', 'NULL', "o'clock", 'ünï'],
      [1, -2, 30],
      new Date('2026-03-29T01:30:00.123Z'),
      false,
      null,
      JSON.stringify({ k: 'v\'"\\' }),
    ];
    const client = await t.db.pool.connect();
    try {
      const [res] = await sendBatch(client, [
        {
          text: 'SELECT $1::text AS s, $2::text[] AS arr, $3::int[] AS ints, $4::timestamptz AS at, $5::boolean AS b, $6::text AS n, $7::jsonb AS j',
          values,
        },
      ]);
      expect(res?.rows[0]).toEqual({
        s: values[0],
        arr: values[1],
        ints: values[2],
        at: values[3],
        b: false,
        n: null,
        j: { k: 'v\'"\\' },
      });
    } finally {
      client.release();
    }
  });

  it('runs the statements in order in one round trip, one result each', async () => {
    const client = await t.db.pool.connect();
    try {
      const results = await sendBatch(client, [
        'BEGIN',
        { text: 'CREATE TEMP TABLE batch_probe (v text) ON COMMIT DROP', values: [] },
        { text: 'INSERT INTO batch_probe VALUES ($1), ($2)', values: ['x', 'y'] },
        { text: 'SELECT count(*)::int AS n FROM batch_probe', values: [] },
        'COMMIT',
      ]);
      expect(results).toHaveLength(5);
      expect(results[3]?.rows[0]).toEqual({ n: 2 });
    } finally {
      client.release();
    }
  });
});

describe('sendBatch with prepared statements', () => {
  const echo = prepared('test.echo', 'SELECT $1::text AS s, $2::text[] AS arr, $3::int AS n');

  it('prepares a named statement once per connection and executes it with its values', async () => {
    const client = await t.db.pool.connect();
    try {
      const first = await sendBatch(client, [
        'BEGIN',
        echo([`it's`, ['a"b', null], 7]),
        echo(['x', [], null]),
        'COMMIT',
      ]);
      expect(first[1]?.rows).toEqual([{ s: `it's`, arr: ['a"b', null], n: 7 }]);
      expect(first[2]?.rows).toEqual([{ s: 'x', arr: [], n: null }]);
      const again = await sendBatch(client, [echo(['y', ['z'], 1])]);
      expect(again[0]?.rows).toEqual([{ s: 'y', arr: ['z'], n: 1 }]);
      const names = await client.query(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'batch:%'`);
      expect(names.rows).toEqual([{ name: 'batch:sluice.test.echo' }]);
    } finally {
      client.release();
    }
  });

  it('recovers after a failed batch, whatever it left prepared', async () => {
    const client = await t.db.pool.connect();
    const other = prepared('test.other', 'SELECT $1::int + 1 AS n');
    try {
      await expect(sendBatch(client, ['BEGIN', other([1]), 'SELECT 1/0', 'COMMIT'])).rejects.toThrow(
        /division by zero/,
      );
      await client.query('ROLLBACK');
      const res = await sendBatch(client, [other([41])]);
      expect(res[0]?.rows).toEqual([{ n: 42 }]);
    } finally {
      client.release();
    }
  });
});

describe('scheduleRun', () => {
  it('promotes several tasks with one statement per kind and returns them in decision order', async () => {
    const { runId, ti } = await startRun();
    const result = await scheduleRun(t.db.pool, runId, null, () => ({
      tasks: [...promote('c'), ...promote('a')],
      run: null,
    }));
    expect(result.enqueued).toEqual([
      { taskInstanceId: ti['c'], tryNumber: 1, queue: 'default' },
      { taskInstanceId: ti['a'], tryNumber: 1, queue: 'default' },
    ]);
    expect(await states(runId)).toEqual({ a: 'queued', b: 'none', c: 'queued' });
  });

  it('writes nothing for a task that is not in the state it was decided from, and enqueues the rest', async () => {
    const { runId, ti } = await startRun();
    // As if a user marked b between the read and the writes: the decision still says none → scheduled → queued.
    await t.db.pool.query(`UPDATE task_instance SET state = 'skipped' WHERE id = $1`, [ti['b']]);
    const result = await scheduleRun(t.db.pool, runId, null, () => ({
      tasks: [...promote('a'), ...promote('b')],
      run: null,
    }));
    expect(result.enqueued).toEqual([{ taskInstanceId: ti['a'], tryNumber: 1, queue: 'default' }]);
    expect(await states(runId)).toEqual({ a: 'queued', b: 'skipped', c: 'none' });
  });

  it('reads nothing and writes nothing for a run that is not running', async () => {
    const { runId } = await startRun();
    await t.db.pool.query(`UPDATE dag_run SET state = 'failed' WHERE id = $1`, [runId]);
    let asked = false;
    const result = await scheduleRun(t.db.pool, runId, null, () => {
      asked = true;
      return { tasks: promote('a'), run: null };
    });
    expect(asked).toBe(false);
    expect(result).toMatchObject({ enqueued: [], runState: 'failed' });
    expect(await states(runId)).toEqual({ a: 'none', b: 'none', c: 'none' });
  });
  it('with claimFirstFor, claims the first try it queues for the caller instead of enqueuing it', async () => {
    const { runId, ti } = await startRun();
    const result = await scheduleRun(
      t.db.pool,
      runId,
      null,
      () => ({ tasks: [...promote('b'), ...promote('c')], run: null }),
      {
        claimFirstFor: 'worker-7',
      },
    );
    expect(result.claimed).toMatchObject({ taskInstanceId: ti['b'], taskId: 'b', tryNumber: 1, dagRunId: runId });
    expect(result.enqueued).toEqual([{ taskInstanceId: ti['c'], tryNumber: 1, queue: 'default' }]);
    const rows = await t.db.pool.query<{ task_id: string; state: string; hostname: string | null }>(
      `SELECT task_id, state, hostname FROM task_instance WHERE dag_run_id = $1 AND task_id IN ('b', 'c') ORDER BY task_id`,
      [runId],
    );
    expect(rows.rows).toEqual([
      { task_id: 'b', state: 'running', hostname: 'worker-7' },
      { task_id: 'c', state: 'queued', hostname: null },
    ]);
    const tries = await t.db.pool.query('SELECT state FROM task_try WHERE task_instance_id = $1', [ti['b']]);
    expect(tries.rows).toEqual([{ state: 'running' }]);
  });

  it('with claimFirstFor, claims only a try on a queue the caller serves and sends the others to theirs', async () => {
    const { runId, ti } = await startRun({ b: 'heavy' });
    const decide = () => ({ tasks: [...promote('b'), ...promote('c')], run: null });
    const result = await scheduleRun(t.db.pool, runId, null, decide, { claimFirstFor: 'w' });
    expect(result.claimed).toMatchObject({ taskInstanceId: ti['c'], taskId: 'c' });
    expect(result.enqueued).toEqual([{ taskInstanceId: ti['b'], tryNumber: 1, queue: 'heavy' }]);

    const other = await startRun({ b: 'heavy' });
    const served = await scheduleRun(t.db.pool, other.runId, null, decide, {
      claimFirstFor: 'w',
      claimQueues: new Set(['heavy']),
    });
    expect(served.claimed).toMatchObject({ taskInstanceId: other.ti['b'], taskId: 'b' });
    expect(served.enqueued).toEqual([{ taskInstanceId: other.ti['c'], tryNumber: 1, queue: 'default' }]);
  });

  it('with claimFirstFor, takes the claimed task from the state it was decided from to running, and claims nothing when it moved', async () => {
    const { runId, ti } = await startRun();
    const result = await scheduleRun(t.db.pool, runId, null, () => ({ tasks: promote('a'), run: null }), {
      claimFirstFor: 'w',
    });
    expect(result.claimed?.taskId).toBe('a');
    const after = await t.db.pool.query<{ queued: boolean; started: boolean }>(
      'SELECT queued_at IS NOT NULL AS queued, started_at >= queued_at AS started FROM task_instance WHERE id = $1',
      [ti['a']],
    );
    expect(after.rows[0]).toEqual({ queued: true, started: true });
    expect(await states(runId)).toMatchObject({ a: 'running' });

    // Decided from none, but someone queued it meanwhile: nothing is claimed.
    const other = await startRun();
    await t.db.pool.query(`UPDATE task_instance SET state = 'queued', try_number = 1 WHERE id = $1`, [other.ti['a']]);
    const stale = await scheduleRun(t.db.pool, other.runId, null, () => ({ tasks: promote('a'), run: null }), {
      claimFirstFor: 'w',
    });
    expect(stale.claimed).toBeNull();
    expect(await states(other.runId)).toMatchObject({ a: 'queued' });
  });

  it('with committedFirst, commits that write first and decides on a snapshot that sees it', async () => {
    const { runId, ti } = await startRun();
    await t.db.pool.query(`UPDATE task_instance SET state = 'running', try_number = 1 WHERE id = $1`, [ti['a']]);
    let finishedRows = 0;
    let seenA = '';
    const result = await scheduleRun(
      t.db.pool,
      runId,
      ['a', 'b'],
      (snap) => {
        seenA = snap.taskInstances.find((x) => x.taskId === 'a')?.state ?? '';
        return { tasks: promote('b'), run: null };
      },
      {
        claimFirstFor: 'w',
        committedFirst: {
          statement: finishTriesStatement([{ taskInstanceId: ti['a'] ?? '', tryNumber: 1, to: 'success' }]),
          applied: (res) => {
            finishedRows = res.rows.length;
            return finishedRows > 0;
          },
        },
      },
    );
    expect(finishedRows).toBe(1);
    expect(seenA).toBe('success');
    expect(result.claimed?.taskId).toBe('b');
    expect(await states(runId)).toEqual({ a: 'success', b: 'running', c: 'none' });
  });

  it('with committedFirst, does nothing more when that write applied nothing', async () => {
    const { runId, ti } = await startRun();
    let decided = false;
    const result = await scheduleRun(
      t.db.pool,
      runId,
      ['a', 'b'],
      () => {
        decided = true;
        return { tasks: promote('b'), run: null };
      },
      {
        claimFirstFor: 'w',
        committedFirst: {
          statement: finishTriesStatement([{ taskInstanceId: ti['a'] ?? '', tryNumber: 1, to: 'success' }]),
          applied: (res) => res.rows.length > 0,
        },
      },
    );
    expect(decided).toBe(false);
    expect(result.claimed).toBeNull();
    expect(await states(runId)).toEqual({ a: 'none', b: 'none', c: 'none' });
  });

  it('with lockOnlyToWrite, decides without the DAG lock and takes it only to write', async () => {
    const { runId, ti } = await startRun();
    const holder = await t.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM dag WHERE dag_id = 'tr' FOR UPDATE`);
      const idle = await scheduleRun(
        t.db.pool,
        runId,
        null,
        () => ({ tasks: [{ type: 'waiting', taskId: 'a', reason: 'test' }], run: null }),
        {
          lockOnlyToWrite: true,
        },
      );
      expect(idle).toMatchObject({ enqueued: [], runState: 'running' });
      let done = false;
      const writing = scheduleRun(t.db.pool, runId, null, () => ({ tasks: promote('a'), run: null }), {
        lockOnlyToWrite: true,
      }).then((r) => {
        done = true;
        return r;
      });
      // The write is seen waiting on a lock (the DAG row the holder has), not merely slow.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const waiting = await holder.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))',
        );
        if ((waiting.rows[0]?.n ?? 0) > 0) break;
        if (Date.now() > deadline) throw new Error('the writing pass never waited on the DAG lock');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(done).toBe(false);
      await holder.query('COMMIT');
      expect((await writing).enqueued).toEqual([{ taskInstanceId: ti['a'], tryNumber: 1, queue: 'default' }]);
    } finally {
      holder.release();
    }
  });
});

describe('finishTaskTry', () => {
  async function runningTries(): Promise<{ runId: string; ti: Record<string, string> }> {
    const run = await startRun();
    await scheduleRun(t.db.pool, run.runId, null, () => ({ tasks: ['a', 'b', 'c'].flatMap(promote), run: null }));
    for (const id of Object.values(run.ti))
      await claimTaskTry(t.db.pool, { taskInstanceId: id, tryNumber: 1, hostname: 'h' });
    return run;
  }

  it('ends the run with its last task, failed when a task failed', async () => {
    const { runId, ti } = await runningTries();
    expect(
      await finishTaskTry(t.db.pool, {
        taskInstanceId: ti['a'] ?? '',
        tryNumber: 1,
        to: 'success',
        outputJson: '{"rows":3}',
      }),
    ).toEqual({
      dagRunId: runId,
      taskId: 'a',
      runState: null,
    });
    expect(
      (await finishTaskTry(t.db.pool, { taskInstanceId: ti['b'] ?? '', tryNumber: 1, to: 'failed' }))?.runState,
    ).toBeNull();
    expect(await runState(runId)).toBe('running');
    expect(
      (await finishTaskTry(t.db.pool, { taskInstanceId: ti['c'] ?? '', tryNumber: 1, to: 'skipped' }))?.runState,
    ).toBe('failed');
    expect(await runState(runId)).toBe('failed');
    const out = await t.db.pool.query('SELECT value FROM task_output WHERE task_instance_id = $1', [ti['a']]);
    expect(out.rows[0]).toEqual({ value: { rows: 3 } });
  });

  it('ends the run as success when every task succeeded, even when they finish at once', async () => {
    const { runId, ti } = await runningTries();
    const ends = await Promise.all(
      Object.values(ti).map((id) =>
        finishTaskTry(t.db.pool, {
          taskInstanceId: id,
          tryNumber: 1,
          to: 'success',
          logs: [{ seq: 1, stream: 'stdout', text: "it's done\n" }],
        }),
      ),
    );
    expect(await runState(runId)).toBe('success');
    expect(ends.filter((e) => e?.runState === 'success').length).toBeGreaterThanOrEqual(1);
    const logs = await t.db.pool.query('SELECT text FROM task_log WHERE task_instance_id = $1', [ti['a']]);
    expect(logs.rows).toEqual([{ text: "it's done\n" }]);
  });

  it('writes nothing for a try that is not the running one', async () => {
    const { runId, ti } = await runningTries();
    expect(await finishTaskTry(t.db.pool, { taskInstanceId: ti['a'] ?? '', tryNumber: 2, to: 'success' })).toBeNull();
    expect(await states(runId)).toEqual({ a: 'running', b: 'running', c: 'running' });
  });
});

describe('anyUnfinished', () => {
  it('tells whether any of the named task instances is unfinished', async () => {
    const { runId, ti } = await startRun();
    await t.db.pool.query(`UPDATE task_instance SET state = 'success' WHERE id = ANY($1::uuid[])`, [
      [ti['a'], ti['b']],
    ]);
    expect(await anyUnfinished(t.db.pool, runId, ['a', 'b'])).toBe(false);
    expect(await anyUnfinished(t.db.pool, runId, ['b', 'a', 'c'])).toBe(true);
    expect(await anyUnfinished(t.db.pool, runId, ['c'])).toBe(true);
    expect(await anyUnfinished(t.db.pool, runId, ['nope'])).toBe(false);
    expect(await anyUnfinished(t.db.pool, runId, [])).toBe(false);
  });
});

describe('writeTries', () => {
  /** A run whose task a is running and b and c are queued, all on try 1. */
  async function oneRunningTwoQueued() {
    const { runId, ti } = await startRun();
    await t.db.pool.query(
      `UPDATE task_instance SET state = 'queued', try_number = 1, queued_at = now() WHERE dag_run_id = $1`,
      [runId],
    );
    await claimTaskTry(t.db.pool, { taskInstanceId: ti['a'] ?? '', tryNumber: 1, hostname: 'w' });
    return { runId, ti };
  }

  it('claims and finishes together, in one transaction, each result in the order asked', async () => {
    const { runId, ti } = await oneRunningTwoQueued();

    const done = await writeTries(t.db.pool, {
      claims: [
        { taskInstanceId: ti['c'] ?? '', tryNumber: 1, hostname: 'w' },
        { taskInstanceId: ti['b'] ?? '', tryNumber: 1, hostname: 'w' },
      ],
      finishes: [
        {
          taskInstanceId: ti['a'] ?? '',
          tryNumber: 1,
          to: 'success',
          logs: [{ seq: 1, stream: 'system', text: 'done\n' }],
        },
      ],
    });

    expect(done.claimed.map((c) => c?.taskId)).toEqual(['c', 'b']);
    expect(done.finished).toEqual([{ dagRunId: runId, taskId: 'a', runState: null }]);
    expect(await states(runId)).toEqual({ a: 'success', b: 'running', c: 'running' });
    const tries = await t.db.pool.query(
      'SELECT state FROM task_try WHERE task_instance_id = ANY($1::uuid[]) ORDER BY state',
      [[ti['a'], ti['b'], ti['c']]],
    );
    expect(tries.rows.map((r) => r.state)).toEqual(['running', 'running', 'success']);
  });

  it('writes nothing for a claim or finish whose try moved on, and the rest of the batch all the same', async () => {
    const { runId, ti } = await oneRunningTwoQueued();

    const done = await writeTries(t.db.pool, {
      claims: [
        { taskInstanceId: ti['b'] ?? '', tryNumber: 2, hostname: 'w' },
        { taskInstanceId: ti['c'] ?? '', tryNumber: 1, hostname: 'w' },
      ],
      finishes: [{ taskInstanceId: ti['a'] ?? '', tryNumber: 2, to: 'success' }],
    });

    expect(done.claimed.map((c) => c?.taskId ?? null)).toEqual([null, 'c']);
    expect(done.finished).toEqual([null]);
    expect(await states(runId)).toEqual({ a: 'running', b: 'queued', c: 'running' });
  });

  it('ends the run when a batch finishes its last tasks', async () => {
    const { runId, ti } = await oneRunningTwoQueued();
    await writeTries(t.db.pool, {
      claims: [
        { taskInstanceId: ti['b'] ?? '', tryNumber: 1, hostname: 'w' },
        { taskInstanceId: ti['c'] ?? '', tryNumber: 1, hostname: 'w' },
      ],
      finishes: [],
    });

    const done = await writeTries(t.db.pool, {
      claims: [],
      finishes: ['a', 'b', 'c'].map((id) => ({ taskInstanceId: ti[id] ?? '', tryNumber: 1, to: 'success' as const })),
    });

    expect(done.finished.map((f) => f?.runState)).toEqual(['success', 'success', 'success']);
    expect(await runState(runId)).toBe('success');
  });
});

describe('the DAG lock', () => {
  it('does not hold up a run being created for the DAG', async () => {
    const { runId } = await startRun();
    const holder = await t.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(lockDagOfRun([runId]));
      const now = new Date();
      const creating = createDagRun(t.db.pool, {
        dagId: 'tr',
        runId: `r${++runs}`,
        runType: 'manual',
        logicalDate: now,
        dataIntervalStart: now,
        dataIntervalEnd: now,
        conf: {},
        dagVersionId: versionId,
        tasks: [{ taskId: 'a', maxTries: 1, operator: 'fn', pool: 'default_pool', poolSlots: 1, priorityWeight: 1 }],
      });
      const outcome = await Promise.race([
        creating.then(() => 'created'),
        new Promise((r) => setTimeout(() => r('still waiting after 5 s'), 5_000)),
      ]);
      expect(outcome).toBe('created');
    } finally {
      await holder.query('COMMIT');
      holder.release();
    }
  });
});

describe('scheduleRuns', () => {
  it('promotes several runs in one pass, sharing out the free task slots in run order', async () => {
    const one = await startRun();
    const two = await startRun();
    const active = await t.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM task_instance WHERE dag_id = 'tr' AND state IN ('queued', 'running', 'deferred')`,
    );
    const base = active.rows[0]?.n ?? 0;
    const seen: number[] = [];
    // Room for four more: the first run takes three, the second one.
    const results = await scheduleRuns(t.db.pool, [one.runId, two.runId], (snap) => {
      seen.push(snap.activeInDag - base);
      const room = Math.max(0, base + 4 - snap.activeInDag);
      return { tasks: ['a', 'b', 'c'].slice(0, room).flatMap(promote), run: null };
    });

    expect(seen).toEqual([0, 3]);
    expect(results.map((r) => r.enqueued.length)).toEqual([3, 1]);
    expect(results[1]?.enqueued).toEqual([{ taskInstanceId: two.ti['a'], tryNumber: 1, queue: 'default' }]);
    expect(await states(one.runId)).toEqual({ a: 'queued', b: 'queued', c: 'queued' });
    expect(await states(two.runId)).toEqual({ a: 'queued', b: 'none', c: 'none' });
  });

  it('counts each task active across the DAG for maxActiveTisPerDag, including what earlier runs of the pass queued', async () => {
    const one = await startRun();
    const two = await startRun();
    const three = await startRun();
    await t.db.pool.query(`UPDATE task_instance SET state = 'running', try_number = 1 WHERE id = $1`, [one.ti['b']]);
    const before = await t.db.pool.query<{ task_id: string; n: number }>(
      `SELECT task_id, count(*)::int AS n FROM task_instance
       WHERE dag_id = 'tr' AND state IN ('queued', 'running', 'deferred') GROUP BY task_id`,
    );
    const base = new Map(before.rows.map((r) => [r.task_id, r.n]));
    const seen: Array<[number, number]> = [];
    // Each run queues 'a' only while fewer than base + 1 instances of it are active.
    const results = await scheduleRuns(t.db.pool, [two.runId, three.runId], (snap) => {
      const a = snap.activeByTask.get('a') ?? 0;
      seen.push([a - (base.get('a') ?? 0), (snap.activeByTask.get('b') ?? 0) - (base.get('b') ?? 0)]);
      return { tasks: a - (base.get('a') ?? 0) < 1 ? promote('a') : [], run: null };
    });

    expect(seen).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(results.map((r) => r.enqueued.length)).toEqual([1, 0]);
    expect(
      (
        await scheduleRun(t.db.pool, one.runId, null, (snap) => {
          expect(snap.activeByTask.get('a')).toBe((base.get('a') ?? 0) + 1);
          expect(snap.activeInDag).toBe([...snap.activeByTask.values()].reduce((x, y) => x + y, 0));
          return { tasks: [], run: null };
        })
      ).enqueued,
    ).toEqual([]);
  });

  it('leaves a run whose pass would end it to a pass of its own', async () => {
    const one = await startRun();
    const two = await startRun();
    const results = await scheduleRuns(t.db.pool, [one.runId, two.runId], (snap) =>
      snap.run.id === two.runId
        ? { tasks: [], run: { type: 'finish_run', to: 'success', reason: 'test' } }
        : { tasks: promote('a'), run: null },
    );

    expect(results.map((r) => r.runState)).toEqual(['running', 'success']);
    expect(await states(one.runId)).toEqual({ a: 'queued', b: 'none', c: 'none' });
  });
});

describe('peekRuns', () => {
  it('reads many runs in one go: each with its task instances and its DAG’s active count', async () => {
    const one = await startRun();
    const two = await startRun();
    await t.db.pool.query(`UPDATE task_instance SET state = 'running', try_number = 1 WHERE id = $1`, [one.ti['a']]);
    const active = await t.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM task_instance WHERE dag_id = 'tr' AND state IN ('queued', 'running', 'deferred')`,
    );

    const snaps = await peekRuns(t.db.pool, [one.runId, two.runId]);

    expect([...snaps.keys()].sort()).toEqual([one.runId, two.runId].sort());
    expect(
      snaps
        .get(one.runId)
        ?.taskInstances.map((ti) => `${ti.taskId}:${ti.state}`)
        .sort(),
    ).toEqual(['a:running', 'b:none', 'c:none']);
    expect(snaps.get(two.runId)?.taskInstances.map((ti) => ti.state)).toEqual(['none', 'none', 'none']);
    expect(snaps.get(two.runId)?.activeInDag).toBe(active.rows[0]?.n);
    expect(snaps.get(one.runId)?.run).toMatchObject({ id: one.runId, dagId: 'tr', state: 'running' });
  });
});
