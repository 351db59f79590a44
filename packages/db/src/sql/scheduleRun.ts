/**
 * The one transaction in which task instances of a run are promoted:
 * snapshot → pure decision → conditional writes. The DAG row is locked first,
 * so decisions about one DAG (its maxActiveTasks, and two upstreams finishing
 * at once) are taken one at a time by whichever scheduler or worker gets
 * there; every write is still conditional on the state it was decided from.
 */
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import {
  isTerminalTaskState,
  type DagRunState,
  type RunDecision,
  type TaskInstanceState,
  type TaskDecision,
  type TaskInstanceView,
} from '@sluice/core';
import { claimTriesStatement, promoteAndClaimTriesStatement, type ClaimedTry } from './claimTaskTry';
import { prepared, sendBatch } from './queryable';
import { failTaskTries } from './failTaskTries';
import { recordCancelRequests } from './cancelRequests';
import { INTERRUPTED_COLUMNS, interruptedTries, type InterruptedRow, type InterruptedTry } from './interrupted';

/** A task instance as the scheduling decision reads it, plus what applying it needs. */
export interface TaskInstanceRow extends TaskInstanceView {
  id: string;
  pool: string;
  poolSlots: number;
  /** Whether the try recorded an external job (EMR step, Glue run). */
  hasExternal: boolean;
}

export interface RunSnapshot {
  run: {
    id: string;
    dagId: string;
    state: DagRunState;
    startedAt: Date | null;
    dagVersionId: string;
  };
  taskInstances: TaskInstanceRow[];
  /** Task instances of this DAG (all runs) that are queued, running or deferred. */
  activeInDag: number;
  /** Pools that exist, with their slots and the slots active tasks hold. */
  pools: Map<string, { slots: number; used: number }>;
  now: Date;
}

export interface Decisions {
  tasks: TaskDecision[];
  run: RunDecision | null;
}

export interface ScheduleRunResult {
  /** Tries to put on the queue, now that their state says queued. */
  enqueued: Array<{ taskInstanceId: string; tryNumber: number }>;
  /** Task ids that moved to a terminal state in this pass. */
  finished: string[];
  /** Tries ended under a running external job (timeouts): their jobs are to be cancelled. */
  interrupted: InterruptedTry[];
  /**
   * Tries whose worker vanished while they had an external job going: not
   * failed but parked as deferred, so another worker resumes the wait (and
   * adopts the job by its marker). Their checks are due now.
   */
  resumed: Array<{ taskInstanceId: string; tryNumber: number; dueAt: number }>;
  runState: DagRunState | null;
  /** The try claimed for the caller (`claimFirstFor`); not in `enqueued`. */
  claimed: ClaimedTry | null;
}

export const TI_COLUMNS = `id, task_id AS "taskId", state, try_number AS "tryNumber", max_tries AS "maxTries",
  next_retry_at AS "nextRetryAt", started_at AS "startedAt", heartbeat_at AS "heartbeatAt",
  pool, pool_slots AS "poolSlots", (external IS NOT NULL) AS "hasExternal"`;

/**
 * The DAG lock. FOR NO KEY UPDATE excludes every other holder of it, but
 * not the key-share locks of foreign-key checks: a run being created (or a
 * version recorded) for the DAG does not wait for a scheduling pass.
 */
export const lockDagOfRun = prepared(
  'scheduleRun.lock',
  `SELECT 1 FROM dag WHERE dag_id = (SELECT dag_id FROM dag_run WHERE id = $1) FOR NO KEY UPDATE`,
);
const readRunHead = prepared(
  'scheduleRun.head',
  `SELECT r.id, r.dag_id AS "dagId", r.state, r.started_at AS "startedAt", r.dag_version_id AS "dagVersionId",
       (SELECT count(*) FROM task_instance WHERE dag_id = r.dag_id AND state IN ('queued', 'running', 'deferred')) AS active,
       ARRAY(SELECT name FROM pool) AS pools,
       now() AS now
     FROM dag_run r WHERE r.id = $1`,
);
const readAllTaskInstances = prepared('scheduleRun.all', `SELECT ${TI_COLUMNS} FROM task_instance WHERE dag_run_id = $1`);
const readSomeTaskInstances = prepared('scheduleRun.some', `SELECT ${TI_COLUMNS} FROM task_instance WHERE dag_run_id = $1 AND task_id = ANY($2::text[])`);
const setStates = prepared(
  'scheduleRun.setStates',
  `UPDATE task_instance ti SET state = d.to_state, updated_at = now(),
           ended_at = CASE WHEN d.terminal THEN now() ELSE ti.ended_at END,
           next_retry_at = CASE WHEN d.to_state = 'scheduled' THEN NULL ELSE ti.next_retry_at END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bool[]) AS d(id, from_state, to_state, terminal)
         WHERE ti.id = d.id AND ti.state = d.from_state
         RETURNING ti.id`,
);
const promoteTasks = prepared(
  'scheduleRun.promote',
  `UPDATE task_instance ti SET state = 'queued', try_number = d.try, queued_at = now(), next_retry_at = NULL,
           started_at = NULL, ended_at = NULL, duration_ms = NULL, hostname = NULL, heartbeat_at = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::int[]) AS d(id, from_state, try)
         WHERE ti.id = d.id AND ti.state = d.from_state AND ti.try_number = d.try - 1
         RETURNING ti.id, ti.try_number`,
);
const enqueueTasks = prepared(
  'scheduleRun.enqueue',
  `UPDATE task_instance ti SET state = 'queued', try_number = d.try, queued_at = now(),
           started_at = NULL, ended_at = NULL, duration_ms = NULL, hostname = NULL, heartbeat_at = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS d(id, try)
         WHERE ti.id = d.id AND ti.state = 'scheduled' AND ti.try_number = d.try - 1
         RETURNING ti.id, ti.try_number`,
);

/**
 * A scheduling pass commits without waiting for its WAL to reach the disk:
 * what it writes is derived from task states already committed, so a
 * Postgres crash that loses it loses nothing the next pass does not decide
 * again (a job enqueued for it finds its try not queued and does nothing).
 * Anything that builds on it — a claim, a finish — commits synchronously,
 * and its flush carries this commit's WAL, which comes before it. Saves a
 * WAL flush (~1.2 ms here) on the path from one task to the next. ADR 0006.
 */
export const NO_FLUSH_WAIT = 'SET LOCAL synchronous_commit = off';

/** Whether applying these decisions would write anything: a run decision, or a task decision other than waiting. */
export function writesSomething(d: Decisions): boolean {
  return d.run !== null || d.tasks.some((t) => t.type !== 'waiting');
}

function nothingDone(runState: DagRunState | null): ScheduleRunResult {
  return { enqueued: [], finished: [], interrupted: [], resumed: [], runState, claimed: null };
}

export interface ScheduleRunOptions {
  /**
   * Claim the first try this pass queues for a worker on this host, in the
   * pass's own transaction: the worker that asks runs it at once, and it is
   * not put on the queue. Applies to a pass that only promotes tasks.
   */
  claimFirstFor?: string;
  /**
   * Decide first on a snapshot read without the DAG lock, and take the lock
   * (reading and deciding again under it) only when that decision writes
   * something. The safety-net pass over a large run mostly finds nothing to
   * do; this keeps it from holding up the fast path of every worker.
   */
  lockOnlyToWrite?: boolean;
  /**
   * A write to commit first, in a transaction of its own, in the same round
   * trip as the pass's reads (which then see it): a try's finish, when the
   * pass evaluates its downstream. `applied` is given its result; when it
   * says the write changed nothing, the pass stops there.
   */
  committedFirst?: { statement: QueryConfig; applied(result: QueryResult): boolean };
}

export async function scheduleRun(
  pool: Pool,
  runId: string,
  onlyTaskIds: readonly string[] | null,
  decide: (snapshot: RunSnapshot) => Decisions,
  opts: ScheduleRunOptions = {},
): Promise<ScheduleRunResult> {
  const client = await pool.connect();
  try {
    if (opts.lockOnlyToWrite) {
      const peek = await readSnapshot(client, runId, onlyTaskIds, { lock: false });
      if (peek === 'not applied') throw new Error('a pass that locks only to write commits nothing first');
      if (!peek || peek.run.state !== 'running') return nothingDone(peek?.run.state ?? null);
      if (!writesSomething(decide(peek))) return nothingDone(peek.run.state);
    }
    const snapshot = await readSnapshot(client, runId, onlyTaskIds, { lock: true, first: opts.committedFirst });
    if (snapshot === 'not applied') {
      await client.query('COMMIT');
      return nothingDone(null);
    }
    if (!snapshot || snapshot.run.state !== 'running') {
      await client.query('COMMIT');
      return nothingDone(snapshot?.run.state ?? null);
    }
    // applyDecisions commits.
    return await applyDecisions(client, snapshot, decide(snapshot), opts.claimFirstFor ?? null);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * One round trip: (BEGIN and the DAG lock, then) the run with the DAG's
 * active count, the clock and the names of the pools that exist, and its
 * task instances. Under the lock the reads come after it, each with its own
 * snapshot, so nothing the previous holder committed is missed. Pools are
 * locked and counted in a second trip only when one of these task instances
 * uses one (and only under the lock).
 */
async function readSnapshot(
  client: PoolClient,
  runId: string,
  onlyTaskIds: readonly string[] | null,
  opts: { lock: boolean; first?: ScheduleRunOptions['committedFirst'] },
): Promise<RunSnapshot | null | 'not applied'> {
  const reads = [readRunHead([runId]), onlyTaskIds ? readSomeTaskInstances([runId, onlyTaskIds]) : readAllTaskInstances([runId])];
  const first = opts.first ? ['BEGIN', opts.first.statement, 'COMMIT'] : [];
  const results = await sendBatch(client, opts.lock ? [...first, 'BEGIN', lockDagOfRun([runId]), ...reads] : reads);
  if (opts.first && !opts.first.applied(results[1] as QueryResult)) return 'not applied';
  const [head, tis] = results.slice(-2);
  if (opts.lock && results[first.length + 1]?.rowCount !== 1) return null;
  const row = (head as QueryResult<RunSnapshot['run'] & { active: string; now: Date; pools: string[] }>).rows[0];
  if (!row) return null;
  const { active, now, pools: existingPools, ...run } = row;
  const taskInstances = (tis as QueryResult<TaskInstanceRow>).rows;
  const pools = new Map<string, { slots: number; used: number }>();
  const existing = new Set(existingPools);
  const poolNames = [...new Set(taskInstances.map((t) => t.pool))].filter((p) => existing.has(p));
  if (opts.lock && poolNames.length > 0) {
    const poolRows = await client.query<{ name: string; slots: number; used: string }>(
      `SELECT p.name, p.slots,
         (SELECT COALESCE(sum(pool_slots), 0) FROM task_instance
          WHERE pool = p.name AND state IN ('queued', 'running', 'deferred')) AS used
       FROM pool p WHERE p.name = ANY($1::text[]) ORDER BY p.name FOR UPDATE OF p`,
      [poolNames],
    );
    for (const p of poolRows.rows) pools.set(p.name, { slots: p.slots, used: Number(p.used) });
  }
  return { run, taskInstances, activeInDag: Number(active), pools, now };
}

export async function applyDecisions(
  client: PoolClient,
  snapshot: RunSnapshot,
  decisions: Decisions,
  claimFor: string | null,
): Promise<ScheduleRunResult> {
  const byTask = new Map(snapshot.taskInstances.map((t) => [t.taskId, t]));
  const finished: string[] = [];
  const enqueued: ScheduleRunResult['enqueued'] = [];
  const interrupted: InterruptedTry[] = [];
  const resumed: ScheduleRunResult['resumed'] = [];
  // A write that finds its task moved by someone else makes the rest of this
  // view stale for that task; its later decisions and the run's are dropped.
  const stale = new Set<string>();

  // A task's decisions apply in their order (none → scheduled, then
  // enqueue); across tasks, the writes of one kind go in one statement.
  const rounds: TaskDecision[][] = [];
  const depth = new Map<string, number>();
  for (const d of decisions.tasks) {
    const k = depth.get(d.taskId) ?? 0;
    depth.set(d.taskId, k + 1);
    (rounds[k] ??= []).push(d);
  }

  const sets = (round: TaskDecision[]) =>
    round.filter((d): d is Extract<TaskDecision, { type: 'set_state' }> => d.type === 'set_state' && byTask.has(d.taskId));
  const enqueues = (round: TaskDecision[]) =>
    round.filter((d): d is Extract<TaskDecision, { type: 'enqueue' }> => d.type === 'enqueue' && byTask.has(d.taskId));
  const setStatement = (ds: Array<Extract<TaskDecision, { type: 'set_state' }>>) =>
    setStates([ds.map((d) => byTask.get(d.taskId)?.id), ds.map((d) => d.from), ds.map((d) => d.to), ds.map((d) => isTerminalTaskState(d.to))]);
  const enqueueStatement = (ds: Array<Extract<TaskDecision, { type: 'enqueue' }>>) =>
    enqueueTasks([ds.map((d) => byTask.get(d.taskId)?.id), ds.map((d) => d.tryNumber)]);
  const setsApplied = (ds: Array<Extract<TaskDecision, { type: 'set_state' }>>, res: QueryResult<{ id: string }>) => {
    const applied = new Set(res.rows.map((r) => r.id));
    for (const d of ds) {
      if (!applied.has(byTask.get(d.taskId)?.id ?? '')) stale.add(d.taskId);
      else if (isTerminalTaskState(d.to)) finished.push(d.taskId);
    }
  };
  const enqueuesApplied = (ds: Array<Extract<TaskDecision, { type: 'enqueue' }>>, res: QueryResult<{ id: string; try_number: number }>) => {
    const applied = new Map(res.rows.map((r) => [r.id, r.try_number]));
    // In decision order: the queue serves jobs in the order they are added.
    for (const d of ds) {
      const id = byTask.get(d.taskId)?.id ?? '';
      const tryNumber = applied.get(id);
      if (tryNumber === undefined) stale.add(d.taskId);
      else enqueued.push({ taskInstanceId: id, tryNumber });
    }
  };

  if (decisions.run === null && decisions.tasks.every((d) => d.type !== 'fail_try')) {
    // The common pass (promotions only): every write and the commit in one
    // round trip. A later write of a task whose earlier one found it moved
    // is still conditional on the state it needs, so it applies only if
    // that state is there; what applied is what gets enqueued.
    const statements: QueryConfig[] = [];
    const onResult: Array<(res: QueryResult) => void> = [];
    // A task promoted straight through (→ scheduled, then queued) is written
    // once, conditional on both: a row version fewer in six indexes.
    const perTask = new Map<string, TaskDecision[]>();
    for (const d of decisions.tasks) perTask.set(d.taskId, [...(perTask.get(d.taskId) ?? []), d]);
    const straight: Array<{ from: TaskInstanceState; enqueue: Extract<TaskDecision, { type: 'enqueue' }> }> = [];
    for (const [taskId, ds] of perTask) {
      const [set, enqueue] = ds;
      if (ds.length === 2 && set?.type === 'set_state' && set.to === 'scheduled' && enqueue?.type === 'enqueue' && byTask.has(taskId)) {
        straight.push({ from: set.from, enqueue });
      }
    }
    // The try claimed for the caller goes from the state it was decided from
    // to running in one write (promoteAndClaim), not promoted and then claimed.
    const first = claimFor === null ? undefined : decisions.tasks.find((d): d is Extract<TaskDecision, { type: 'enqueue' }> => d.type === 'enqueue');
    const firstTi = first ? byTask.get(first.taskId) : undefined;
    const firstStraight = straight.findIndex((p) => p.enqueue === first);
    // Promoted straight through, or already scheduled (its only decision the enqueue).
    const firstFrom = straight[firstStraight]?.from ?? (first && perTask.get(first.taskId)?.length === 1 ? 'scheduled' : null);
    const claim = first && firstTi && claimFor !== null ? { taskInstanceId: firstTi.id, tryNumber: first.tryNumber, hostname: claimFor } : null;
    if (claim && firstFrom !== null && firstStraight >= 0) straight.splice(firstStraight, 1);
    if (straight.length > 0) {
      statements.push(promoteTasks([straight.map((p) => byTask.get(p.enqueue.taskId)?.id), straight.map((p) => p.from), straight.map((p) => p.enqueue.tryNumber)]));
      onResult.push((res) => enqueuesApplied(straight.map((p) => p.enqueue), res as QueryResult<{ id: string; try_number: number }>));
    }
    const promoted = new Set(straight.map((p) => p.enqueue.taskId));
    if (claim && firstFrom !== null && first) promoted.add(first.taskId);
    for (const round of rounds.map((r) => r.filter((d) => !promoted.has(d.taskId)))) {
      const s = sets(round);
      if (s.length > 0) {
        statements.push(setStatement(s));
        onResult.push((res) => setsApplied(s, res as QueryResult<{ id: string }>));
      }
      const e = enqueues(round);
      if (e.length > 0) {
        statements.push(enqueueStatement(e));
        onResult.push((res) => enqueuesApplied(e, res as QueryResult<{ id: string; try_number: number }>));
      }
    }
    if (claim) statements.push(firstFrom !== null ? promoteAndClaimTriesStatement([{ ...claim, from: firstFrom }]) : claimTriesStatement([claim]));
    const results = await sendBatch(client, [...statements, NO_FLUSH_WAIT, 'COMMIT']);
    onResult.forEach((apply, i) => apply(results[i] as QueryResult));
    const claimed = claim ? ((results[onResult.length]?.rows[0] as ClaimedTry | undefined) ?? null) : null;
    return {
      enqueued: claimed ? enqueued.filter((e) => e.taskInstanceId !== claimed.taskInstanceId) : enqueued,
      finished,
      interrupted,
      resumed,
      runState: snapshot.run.state,
      claimed,
    };
  }

  for (const round of rounds) {
    const live = round.filter((d) => !stale.has(d.taskId));
    const s = sets(live);
    if (s.length > 0) setsApplied(s, await client.query<{ id: string }>(setStatement(s)));
    const e = enqueues(live);
    if (e.length > 0) enqueuesApplied(e, await client.query<{ id: string; try_number: number }>(enqueueStatement(e)));
    for (const d of live) {
      const ti = byTask.get(d.taskId);
      if (!ti || d.type !== 'fail_try') continue;
      const zombie = d.reason.includes('heartbeat');
      if (zombie && d.from === 'running' && ti.hasExternal) {
        const res = await client.query<{ due: Date }>(
          `UPDATE task_instance SET state = 'deferred', next_retry_at = now(), heartbeat_at = NULL, hostname = NULL, updated_at = now()
           WHERE id = $1 AND state = 'running' AND try_number = $2
           RETURNING next_retry_at AS due`,
          [ti.id, d.tryNumber],
        );
        const row = res.rows[0];
        if (row) resumed.push({ taskInstanceId: ti.id, tryNumber: d.tryNumber, dueAt: row.due.getTime() });
        else stale.add(d.taskId);
        continue;
      }
      const [applied] = await failTaskTries(client, [
        {
          taskInstanceId: ti.id,
          taskId: d.taskId,
          from: d.from,
          tryNumber: d.tryNumber,
          to: d.to,
          nextRetryAt: d.nextRetryAt,
          error: { name: zombie ? 'ZombieTaskError' : 'TaskTimeoutError', message: d.reason },
        },
      ]);
      if (!applied) stale.add(d.taskId);
      else {
        if (d.to === 'failed') finished.push(d.taskId);
        if (ti.hasExternal) interrupted.push({ taskInstanceId: ti.id, tryNumber: d.tryNumber });
      }
    }
  }

  let runState: DagRunState | null = snapshot.run.state;
  // A try resumed instead of failed is not what the run's decision assumed either.
  const run = stale.size > 0 || resumed.length > 0 ? null : decisions.run;
  if (run) {
    if (run.type === 'fail_run_timeout') {
      // Airflow skips what a timed-out run left unfinished; a worker running
      // one of them sees at its next heartbeat that the try is no longer its.
      const skipped = await client.query<{ task_id: string } & InterruptedRow>(
        `UPDATE task_instance ti SET state = 'skipped', ended_at = now(), next_retry_at = NULL, updated_at = now()
         FROM (SELECT id, state, external FROM task_instance WHERE dag_run_id = $1 FOR UPDATE) prev
         WHERE ti.id = prev.id AND ti.task_id = ANY($2::text[])
           AND ti.state NOT IN ('success', 'failed', 'skipped', 'upstream_failed')
         RETURNING ti.task_id, ${INTERRUPTED_COLUMNS}`,
        [snapshot.run.id, run.unfinishedTaskIds],
      );
      finished.push(...skipped.rows.map((r) => r.task_id));
      interrupted.push(...interruptedTries(skipped.rows));
    }
    const to = run.type === 'finish_run' ? run.to : 'failed';
    const res = await client.query(
      `UPDATE dag_run SET state = $2, ended_at = now(), updated_at = now() WHERE id = $1 AND state = 'running'`,
      [snapshot.run.id, to],
    );
    if (res.rowCount === 1) runState = to;
  }
  await recordCancelRequests(client, interrupted, 'timed out');
  await sendBatch(client, [NO_FLUSH_WAIT, 'COMMIT']);
  return { enqueued, finished, interrupted, resumed, runState, claimed: null };
}
