/**
 * A worker records how a try ended: `running → success | failed |
 * up_for_retry | skipped | deferred`, conditional on the try still being the
 * running one (a clear or a timeout in between wins). The try row, the
 * output, the last log lines and, for a success, the asset events of the
 * task's outlets (queued for every DAG scheduled on those assets) are
 * written in the same statement: a finish written again after a lost reply
 * finds the try ended and records no event twice. Once it committed, the run
 * is ended if that was its last unfinished task.
 */
import type { QueryConfig } from 'pg';
import { prepared, type Queryable } from './queryable';
import type { LogChunk } from './taskLogs';
import {
  TaskInstanceState,
  notStartedTaskStates,
  runContinuesWhileIn,
  runFailsWhenAnyIn,
  type SerializedError,
} from '@sluice/core';
import { rs, ts, taskStatesSql, type RunMove, type TaskMove } from './states';
import { lockedInIdOrder } from './lockOrder';
import { queueForConsumers } from './assets';

/**
 * The asset events of the tries that succeeded (CTE `ev`), queued for every
 * active, unpaused DAG scheduled on their asset (`evq`). The asset rows exist:
 * the sync that stored the version declaring the outlets created them.
 */
const OUTLET_EVENTS = `ev AS (
       INSERT INTO asset_event (asset_id, extra, source_dag_id, source_dag_run_id, source_run_id, source_task_id, source_try)
       SELECT a.id, COALESCE(e.extra, '{}'::jsonb), fin.dag_id, fin.dag_run_id, r.run_id, fin.task_id, fin.try
       FROM fin CROSS JOIN LATERAL jsonb_to_recordset(fin.outlets) AS e(uri text, extra jsonb)
         JOIN asset a ON a.uri = e.uri JOIN dag_run r ON r.id = fin.dag_run_id
       WHERE fin.to_state = ${ts.success} AND fin.outlets IS NOT NULL
       RETURNING id, asset_id
     ), evq AS (${queueForConsumers('ev')})`;

/** A worker's finish; and, after it, the run's end (finishRunIfDone). */
export const moves: readonly TaskMove[] = [
  { from: ['running'], to: 'success' },
  { from: ['running'], to: 'failed' },
  { from: ['running'], to: 'up_for_retry' },
  { from: ['running'], to: 'skipped' },
];
export const runMoves: readonly RunMove[] = [
  { from: ['running'], to: 'success' },
  { from: ['running'], to: 'failed' },
];

/**
 * States that keep a run going (core's runOutcome), as a SQL list. Listed
 * rather than negated, so `(dag_run_id, state)` answers "is anything left in
 * this run" from the unfinished rows alone.
 */
const UNFINISHED = taskStatesSql(runContinuesWhileIn);
/** States that make a finished run failed (core's runOutcome). */
const FAILING = taskStatesSql(runFailsWhenAnyIn);

/**
 * Unfinished states a task instance cannot leave for a terminal one without
 * passing through `running` (or a scheduling pass or user action that checks
 * the run's end itself after committing). While one of these is in the run,
 * a finishing try leaves the run's end to whoever finishes that one.
 */
const NOT_STARTED = taskStatesSql(notStartedTaskStates);

/**
 * The last task of a run (by task id) in one of `states`, or NULL: a probe
 * of `task_instance_unfinished_idx`, whatever the statistics say. As an
 * EXISTS, Postgres may plan a sequential scan it expects to stop at the
 * first match, which on a run whose rows no longer match reads the whole
 * table; ordered by the index's column, no plan can stop early but the index.
 * From the end: tasks start in the order they are declared, so the ones not
 * started yet are met first, before the index entries of ended ones.
 */
const lastOfRunIn = (runId: string, states: string) =>
  `(SELECT o.task_id FROM task_instance o WHERE o.dag_run_id = ${runId} AND o.state IN (${states}) ORDER BY o.task_id DESC LIMIT 1)`;

export type TryOutcome = 'success' | 'failed' | 'up_for_retry' | 'skipped';

export interface FinishTryArgs {
  taskInstanceId: string;
  tryNumber: number;
  to: TryOutcome;
  nextRetryAt?: Date | null;
  error?: SerializedError | null;
  /** JSON text of the task's return value; undefined when it returned nothing. */
  outputJson?: string | undefined;
  external?: Record<string, unknown> | null;
  /** A succeeded branch or short circuit: the direct downstream it follows; absent or null = all. */
  followed?: readonly string[] | null;
  /** The try's last log lines, written in the same statement. */
  logs?: readonly LogChunk[];
  /** A success: the asset events of the task's outlets, recorded with it (see assets.ts). */
  outletEvents?: ReadonlyArray<{ uri: string; extra: Record<string, unknown> }>;
}

const finishStatement = prepared(
  'finishTaskTries',
  `WITH f AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::jsonb[], $7::jsonb[], $12::text[], $13::jsonb[], $14::jsonb[])
         AS f(id, try, to_state, next_retry_at, error, output, external, from_state, followed, outlets)
     ), ${lockedInIdOrder('f', 'ti.id = f.id AND ti.state = f.from_state AND ti.try_number = f.try')}, fin AS (
       -- from_state is 'running' for every row; as a column rather than a
       -- literal it keeps the planner from reading the running rows of an
       -- index and joining them: the rows are found by id.
       UPDATE task_instance ti SET state = f.to_state, ended_at = now(), next_retry_at = f.next_retry_at, updated_at = now(),
         duration_ms = (extract(epoch FROM now() - ti.started_at) * 1000)::int,
         external = COALESCE(f.external, ti.external),
         followed = f.followed
       FROM f JOIN locked ON locked.id = f.id WHERE ti.id = f.id
       RETURNING ti.id, ti.dag_run_id, ti.dag_id, ti.task_id, ti.ended_at, ti.duration_ms, f.try, f.to_state, f.error, f.output,
         f.external, f.outlets
     ), ${OUTLET_EVENTS}, t AS (
       UPDATE task_try tt SET state = fin.to_state, ended_at = fin.ended_at, duration_ms = fin.duration_ms, error = fin.error,
         external = COALESCE(fin.external, tt.external)
       FROM fin WHERE tt.task_instance_id = fin.id AND tt.try_number = fin.try
     ), o AS (
       INSERT INTO task_output (task_instance_id, try_number, value)
       SELECT fin.id, fin.try, fin.output FROM fin WHERE fin.output IS NOT NULL
       ON CONFLICT (task_instance_id) DO UPDATE SET try_number = EXCLUDED.try_number, value = EXCLUDED.value, created_at = now()
     ), l AS (
       INSERT INTO task_log (task_instance_id, try_number, seq, stream, text)
       SELECT fin.id, fin.try, c.seq, c.stream, c.text
       FROM unnest($8::uuid[], $9::int[], $10::text[], $11::text[]) AS c(id, seq, stream, text) JOIN fin ON fin.id = c.id
       ON CONFLICT (task_instance_id, try_number, seq) DO NOTHING
     )
     SELECT fin.id AS "taskInstanceId", fin.try AS "tryNumber", fin.dag_run_id AS "dagRunId", fin.task_id AS "taskId",
       ${lastOfRunIn('fin.dag_run_id', NOT_STARTED)} IS NOT NULL AS "othersPending"
     FROM fin`,
);

export interface FinishedTry {
  dagRunId: string;
  taskId: string;
  /** How the run ended, when it ended with this finish (this try or one finished with it was its last); else null. */
  runState: 'success' | 'failed' | null;
}

/** A finish statement's row per try it ended. */
export interface FinishRow {
  taskInstanceId: string;
  tryNumber: number;
  dagRunId: string;
  taskId: string;
  /** The run still has a task that has not started. */
  othersPending: boolean;
}

/** The finish statement for these tries; its rows are FinishRow. Also sent in a batch with claims (writeTries). */
export function finishTriesStatement(tries: readonly FinishTryArgs[]): QueryConfig {
  const logs = tries.flatMap((t) => (t.logs ?? []).map((c) => ({ id: t.taskInstanceId, ...c })));
  return finishStatement([
    tries.map((t) => t.taskInstanceId),
    tries.map((t) => t.tryNumber),
    tries.map((t) => t.to),
    tries.map((t) => t.nextRetryAt ?? null),
    tries.map((t) => (t.error ? JSON.stringify(t.error) : null)),
    tries.map((t) => t.outputJson ?? null),
    tries.map((t) => (t.external ? JSON.stringify(t.external) : null)),
    logs.map((c) => c.id),
    logs.map((c) => c.seq),
    logs.map((c) => c.stream),
    logs.map((c) => c.text),
    tries.map(() => TaskInstanceState.running),
    tries.map((t) => (t.followed == null ? null : JSON.stringify(t.followed))),
    tries.map((t) => (t.outletEvents && t.outletEvents.length > 0 ? JSON.stringify(t.outletEvents) : null)),
  ]);
}

/**
 * What each try's finish did, in the order asked (null where the try was
 * not the running one any more and nothing was written for it), once the
 * finish statement committed with these rows.
 *
 * A run's end is checked now, after the commit, in a new snapshot, so of
 * two last tasks finishing together the later check sees both. It is
 * skipped while the run still has a task that has not started: that task's
 * own finish (or the pass that skips it) checks later.
 */
export async function afterFinish(
  db: Queryable,
  tries: readonly FinishTryArgs[],
  rows: readonly FinishRow[],
): Promise<Array<FinishedTry | null>> {
  const runEnds = new Map<string, Promise<'success' | 'failed' | null>>();
  for (const row of rows) {
    if (!row.othersPending && !runEnds.has(row.dagRunId)) runEnds.set(row.dagRunId, finishRunIfDone(db, row.dagRunId));
  }
  const byKey = new Map(rows.map((r) => [`${r.taskInstanceId}/${r.tryNumber}`, r]));
  return Promise.all(
    tries.map(async (t) => {
      const row = byKey.get(`${t.taskInstanceId}/${t.tryNumber}`);
      if (!row) return null;
      const end = runEnds.get(row.dagRunId);
      return { dagRunId: row.dagRunId, taskId: row.taskId, runState: end ? await end : null };
    }),
  );
}

/** Ends any number of tries in one statement; see `afterFinish` for what it returns. */
export async function finishTaskTries(
  db: Queryable,
  tries: readonly FinishTryArgs[],
): Promise<Array<FinishedTry | null>> {
  if (tries.length === 0) return [];
  const res = await db.query<FinishRow>(finishTriesStatement(tries));
  return afterFinish(db, tries, res.rows);
}

export async function finishTaskTry(db: Queryable, args: FinishTryArgs): Promise<FinishedTry | null> {
  const [finished] = await finishTaskTries(db, [args]);
  return finished ?? null;
}

/** Ends the run when none of its task instances is unfinished: failed if one failed (a teardown only with failRun), else success. */
const finishRunStatement = prepared(
  'finishRunIfDone',
  `UPDATE dag_run SET updated_at = now(), ended_at = now(),
       state = CASE WHEN EXISTS (SELECT 1 FROM task_instance WHERE dag_run_id = $1 AND state IN (${FAILING}) AND fails_run)
                    THEN ${rs.failed} ELSE ${rs.success} END
     WHERE id = $1 AND state = ${rs.running}
       AND ${lastOfRunIn('$1', UNFINISHED)} IS NULL
     RETURNING state`,
);

/**
 * Ends a run whose task instances are all terminal. Runs after the task's own
 * transaction committed, so of two tasks finishing together at least the
 * later one sees both.
 */
export async function finishRunIfDone(db: Queryable, dagRunId: string): Promise<'success' | 'failed' | null> {
  const res = await db.query<{ state: 'success' | 'failed' }>(finishRunStatement([dagRunId]));
  return res.rows[0]?.state ?? null;
}

const anyUnfinishedStatement = prepared(
  'anyUnfinished',
  `SELECT 1 FROM unnest($2::text[]) AS u(task_id)
     CROSS JOIN LATERAL (
       SELECT 1 FROM task_instance ti
       WHERE ti.dag_run_id = $1 AND ti.task_id = u.task_id AND ti.state IN (${UNFINISHED})
       LIMIT 1 -- keeps the subquery a probe per id: flattened, Postgres scans every unfinished row of the run
     ) unfinished
     LIMIT 1`,
);

/**
 * Whether any of these task instances of a run has not finished yet. The
 * fast path asks it before evaluating a join: while another upstream is
 * still going, a success cannot decide an all_success-style join.
 *
 * One index probe per task id, in the order given, stopping at the first
 * unfinished one: asked by each of a thousand upstreams of a join as they
 * end, it must not cost a thousand rows each. Callers pass the tasks likely
 * to end last first.
 */
export async function anyUnfinished(db: Queryable, dagRunId: string, taskIds: readonly string[]): Promise<boolean> {
  if (taskIds.length === 0) return false;
  const res = await db.query(anyUnfinishedStatement([dagRunId, taskIds]));
  return res.rows.length > 0;
}

const waitingForSlotStatement = prepared(
  'waitingForSlot',
  `SELECT u.task_id AS "taskId" FROM unnest($2::text[]) AS u(task_id)
     WHERE EXISTS (
       SELECT 1 FROM task_instance ti
       WHERE ti.dag_run_id = $1 AND ti.task_id = u.task_id AND ti.state = ${ts.scheduled}
     )`,
);

/**
 * Which of these tasks have an instance in the run waiting for a slot
 * (scheduled: held by maxActiveTasks, a pool or maxActiveTisPerDagrun).
 * Asked when an instance of a mapped task ends, before a locked pass over
 * its siblings: without one waiting, the slot it freed has no taker there,
 * and a pass would read and decide over every instance for nothing. One
 * probe of task_instance_scheduled_idx per task, however many instances
 * are still unfinished.
 */
export async function tasksWaitingForSlot(
  db: Queryable,
  dagRunId: string,
  taskIds: readonly string[],
): Promise<string[]> {
  if (taskIds.length === 0) return [];
  const res = await db.query<{ taskId: string }>(waitingForSlotStatement([dagRunId, taskIds]));
  return res.rows.map((r) => r.taskId);
}
