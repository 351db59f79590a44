/**
 * Several runs of one DAG promoted in one pass: one DAG lock, one snapshot
 * round trip and one write round trip for all of them, where a pass per run
 * takes each. For a burst of triggered runs, which otherwise queue one by one
 * on the DAG lock. Each run is still decided on its own snapshot by the pure
 * decision; the DAG's free task slots are shared out in run order. A pass
 * that would do more than promote tasks (end a run, fail a try) or that
 * involves a pool is left to `scheduleRun`, run by run.
 */
import type { Pool, QueryResult } from 'pg';
import { activeTaskStates, type DagRunState } from '@sluice/core';
import { enqueueMoves, promoteMoves, setStatesMoves } from './decisionWrites';
import { prepared, sendBatch } from './queryable';
import { taskStatesSql, type TaskMove } from './states';
import {
  applyDecisions,
  lockDagOfRun,
  promotesOnly,
  TI_COLUMNS,
  scheduleRun,
  type Decisions,
  type RunSnapshot,
  type ScheduleRunResult,
  type TaskInstanceRow,
} from './scheduleRun';
import { totalOf } from './runSnapshot';

/** Promotions only: what else a pass decides is left to scheduleRun. */
export const moves: readonly TaskMove[] = [...setStatesMoves, ...promoteMoves, ...enqueueMoves];

const readRunHeads = prepared(
  'scheduleRuns.heads',
  // A probe per id (OFFSET 0 keeps the lateral subquery one): as `id = ANY`,
  // Postgres reads all of a small dag_run table instead.
  `SELECT r.id, r.dag_id AS "dagId", r.state, r.started_at AS "startedAt", r.dag_version_id AS "dagVersionId"
     FROM unnest($1::uuid[]) AS u(id)
     CROSS JOIN LATERAL (SELECT * FROM dag_run WHERE id = u.id OFFSET 0) r
     ORDER BY r.logical_date, r.queued_at, r.id`,
);
/** Active task instances of the DAGs of these runs per task: what maxActiveTasks and maxActiveTisPerDag count. */
const readActiveByDag = prepared(
  'scheduleRuns.active',
  `SELECT dag_id AS "dagId", task_id AS "taskId", count(*) AS active FROM task_instance
     WHERE dag_id IN (SELECT dag_id FROM dag_run WHERE id = ANY($1::uuid[])) AND state IN (${taskStatesSql(activeTaskStates)})
     GROUP BY dag_id, task_id`,
);
const readPoolsAndClock = `SELECT ARRAY(SELECT name FROM pool) AS pools, now() AS now`;

const readRunsTaskInstances = prepared(
  'scheduleRuns.tis',
  `SELECT dag_run_id AS "dagRunId", ${TI_COLUMNS} FROM task_instance WHERE dag_run_id = ANY($1::uuid[])`,
);

interface RunsRead {
  runs: Array<RunSnapshot['run']>;
  /** Task instances by run id. */
  taskInstances: Map<string, TaskInstanceRow[]>;
  /** Active task instances per DAG, per task id. */
  activeByDag: Map<string, Map<string, number>>;
  pools: Set<string>;
  now: Date;
}

/** The statements reading runs, their task instances, active counts, pools and the clock; then what they read. */
const readRuns = (runIds: readonly string[]) => [
  readRunHeads([runIds]),
  readRunsTaskInstances([runIds]),
  readActiveByDag([runIds]),
  readPoolsAndClock,
];

function runsRead([heads, tis, active, facts]: QueryResult[]): RunsRead {
  const taskInstances = new Map<string, TaskInstanceRow[]>();
  for (const { dagRunId, ...ti } of (tis as QueryResult<TaskInstanceRow & { dagRunId: string }>).rows) {
    const list = taskInstances.get(dagRunId) ?? [];
    if (list.length === 0) taskInstances.set(dagRunId, list);
    list.push(ti);
  }
  const activeByDag = new Map<string, Map<string, number>>();
  for (const r of (active as QueryResult<{ dagId: string; taskId: string; active: string }>).rows) {
    const byTask = activeByDag.get(r.dagId) ?? new Map<string, number>();
    activeByDag.set(r.dagId, byTask.set(r.taskId, Number(r.active)));
  }
  const fact = (facts as QueryResult<{ pools: string[]; now: Date }>).rows[0];
  return {
    runs: (heads as QueryResult<RunSnapshot['run']>).rows,
    taskInstances,
    activeByDag,
    pools: new Set(fact?.pools ?? []),
    now: fact?.now ?? new Date(),
  };
}

/**
 * Promotes the runs `runIds` (all of one DAG) in one pass, deciding each
 * with `decide`. Returns one result per run, in the order given.
 */
export async function scheduleRuns(
  pool: Pool,
  runIds: readonly string[],
  decide: (snapshot: RunSnapshot) => Decisions,
): Promise<ScheduleRunResult[]> {
  const first = runIds[0];
  if (first === undefined) return [];
  if (runIds.length === 1) return [await scheduleRun(pool, first, null, decide)];
  const client = await pool.connect();
  let results: ScheduleRunResult[] | null = null;
  try {
    const [, lock, ...reads] = await sendBatch(client, ['BEGIN', lockDagOfRun([first]), ...readRuns(runIds)]);
    const read = runsRead(reads);
    const { runs } = read;
    const allTis = [...read.taskInstances.values()].flat();
    const simple =
      lock?.rowCount === 1 && !allTis.some((t) => read.pools.has(t.pool)) && runs.every((r) => r.state === 'running');
    if (simple) {
      const activeByTask = new Map(read.activeByDag.get(runs[0]?.dagId ?? ''));
      let active = totalOf(activeByTask);
      // One merged view: task ids made unique per run, so the writes of all runs go together.
      const merged: RunSnapshot = {
        run: runs[0] as RunSnapshot['run'],
        taskInstances: [],
        activeInDag: active,
        activeByTask: new Map(),
        pools: new Map(),
        now: read.now,
      };
      const tasks: Decisions['tasks'] = [];
      const keyed = new Map<string, { runId: string; taskId: string }>();
      let promotionsOnly = true;
      for (const run of runs) {
        const own = read.taskInstances.get(run.id) ?? [];
        const d = decide({
          run,
          taskInstances: own,
          activeInDag: active,
          activeByTask: new Map(activeByTask),
          pools: new Map(),
          now: read.now,
        });
        if (!promotesOnly(d)) {
          promotionsOnly = false;
          break;
        }
        // Runs later in the pass see what earlier ones queued, against maxActiveTasks and maxActiveTisPerDag.
        for (const t of d.tasks) {
          if (t.type !== 'enqueue') continue;
          active += 1;
          activeByTask.set(t.taskId, (activeByTask.get(t.taskId) ?? 0) + 1);
        }
        for (const ti of own) {
          const key = `${run.id}/${ti.taskId}`;
          keyed.set(key, { runId: run.id, taskId: ti.taskId });
          merged.taskInstances.push({ ...ti, taskId: key });
        }
        for (const t of d.tasks) tasks.push({ ...t, taskId: `${run.id}/${t.taskId}` });
      }
      if (promotionsOnly) {
        // applyDecisions commits.
        const all = await applyDecisions(client, merged, { tasks, run: null }, null);
        const runOf = new Map(
          runs.flatMap((r) => (read.taskInstances.get(r.id) ?? []).map((ti) => [ti.id, r.id] as const)),
        );
        results = runIds.map((id) => ({
          enqueued: all.enqueued.filter((e) => runOf.get(e.taskInstanceId) === id),
          finished: all.finished.filter((k) => keyed.get(k)?.runId === id).map((k) => keyed.get(k)?.taskId ?? k),
          interrupted: [],
          resumed: [],
          runState: (runs.find((r) => r.id === id)?.state ?? null) as DagRunState | null,
          claimed: null,
        }));
      }
    }
    if (!results) await client.query('ROLLBACK');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  if (results) return results;
  const each: ScheduleRunResult[] = [];
  for (const id of runIds) each.push(await scheduleRun(pool, id, null, decide));
  return each;
}

/**
 * Snapshots of many runs in one round trip, without the DAG lock: what the
 * safety-net pass decides on first, to take the lock (scheduleRun) only for
 * the runs whose decision writes something. Pools are not read: a peek that
 * wants to queue a task in a pool finds out under the lock whether it may.
 */
export async function peekRuns(pool: Pool, runIds: readonly string[]): Promise<Map<string, RunSnapshot>> {
  const out = new Map<string, RunSnapshot>();
  if (runIds.length === 0) return out;
  const client = await pool.connect();
  try {
    const read = runsRead(await sendBatch(client, readRuns(runIds)));
    for (const run of read.runs) {
      out.set(run.id, {
        run,
        taskInstances: read.taskInstances.get(run.id) ?? [],
        activeInDag: totalOf(read.activeByDag.get(run.dagId) ?? new Map()),
        activeByTask: new Map(read.activeByDag.get(run.dagId)),
        pools: new Map(),
        now: read.now,
      });
    }
    return out;
  } finally {
    client.release();
  }
}
