/**
 * Backfills: the row a user creates, the moves a user or the scheduler makes
 * (pause, resume, cancel; start, complete), the cursor the scheduler
 * advances, and starting a backfill's queued runs under its own
 * maxActiveRuns. A run linked to an active backfill is left out of the
 * DAG's maxActiveRuns (`countsAgainstDag`), so a backfill never holds back
 * the DAG's scheduled runs.
 */
import type { Pool } from 'pg';
import {
  type BackfillReprocess,
  type BackfillState,
  type DagRunState,
  activeBackfillStates,
  backfillStatesAllowedBefore,
  dagRunStates,
  unfinishedRunStates,
} from '@sluice/core';
import { type Queryable, withTransaction } from './queryable';
import { backfillStatesSql, bs, rs, runStatesSql, type RunMove, type TaskMove } from './states';

export const moves: readonly TaskMove[] = [];
export const runMoves: readonly RunMove[] = [{ from: ['queued'], to: 'running' }];

/** SQL: the run (aliased `run`) counts against its DAG's maxActiveRuns, i.e. no active backfill holds it. */
export const countsAgainstDag = (run: string): string =>
  `(${run}.backfill_id IS NULL OR NOT EXISTS (SELECT 1 FROM backfill b WHERE b.id = ${run}.backfill_id
     AND b.state IN (${backfillStatesSql(activeBackfillStates)})))`;

export interface BackfillRow {
  id: string;
  dagId: string;
  fromDate: Date;
  toDate: Date;
  reprocess: BackfillReprocess;
  reverse: boolean;
  maxActiveRuns: number;
  conf: Record<string, unknown>;
  createdBy: string;
  state: BackfillState;
  cursor: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, dag_id AS "dagId", from_date AS "fromDate", to_date AS "toDate", reprocess, reverse,
  max_active_runs AS "maxActiveRuns", conf, created_by AS "createdBy", state, cursor,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export interface NewBackfill {
  dagId: string;
  fromDate: Date;
  toDate: Date;
  reprocess: BackfillReprocess;
  reverse: boolean;
  maxActiveRuns: number;
  conf: Record<string, unknown>;
  createdBy: string;
}

export async function insertBackfill(db: Queryable, b: NewBackfill): Promise<BackfillRow> {
  const res = await db.query<BackfillRow>(
    `INSERT INTO backfill (dag_id, from_date, to_date, reprocess, reverse, max_active_runs, conf, created_by, state)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, ${bs.queued}) RETURNING ${COLUMNS}`,
    [b.dagId, b.fromDate, b.toDate, b.reprocess, b.reverse, b.maxActiveRuns, JSON.stringify(b.conf), b.createdBy],
  );
  const row = res.rows[0];
  if (!row) throw new Error('INSERT … RETURNING returned no row');
  return row;
}

export async function findBackfill(db: Queryable, id: string): Promise<BackfillRow | null> {
  const res = await db.query<BackfillRow>(`SELECT ${COLUMNS} FROM backfill WHERE id = $1`, [id]);
  return res.rows[0] ?? null;
}

/** Newest first; `dagIds` limits them to the DAGs a user may see (undefined: all). */
export async function listBackfills(
  db: Queryable,
  filter: { dagId?: string | undefined; dagIds?: readonly string[] | undefined; limit: number },
): Promise<BackfillRow[]> {
  const res = await db.query<BackfillRow>(
    `SELECT ${COLUMNS} FROM backfill
     WHERE ($1::text IS NULL OR dag_id = $1) AND ($2::text[] IS NULL OR dag_id = ANY($2))
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [filter.dagId ?? null, filter.dagIds ?? null, filter.limit],
  );
  return res.rows;
}

/** Backfills the scheduler drives: queued or running (a paused one waits for its user). */
export async function listDrivenBackfills(db: Queryable): Promise<BackfillRow[]> {
  const res = await db.query<BackfillRow>(
    `SELECT ${COLUMNS} FROM backfill WHERE state IN (${bs.queued}, ${bs.running}) ORDER BY created_at, id`,
  );
  return res.rows;
}

/** Each backfill's runs by state. */
export async function countBackfillRuns(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, Record<DagRunState, number>>> {
  const res = await db.query<{ backfillId: string; state: DagRunState; n: number }>(
    `SELECT backfill_id AS "backfillId", state, count(*)::int AS n FROM dag_run
     WHERE backfill_id = ANY($1::uuid[]) GROUP BY backfill_id, state`,
    [ids],
  );
  const counts = new Map<string, Record<DagRunState, number>>();
  for (const id of ids)
    counts.set(id, Object.fromEntries(dagRunStates.map((s) => [s, 0])) as Record<DagRunState, number>);
  for (const r of res.rows) {
    const c = counts.get(r.backfillId);
    if (c) c[r.state] = r.n;
  }
  return counts;
}

/** The backfill's runs that are queued or running. */
export async function countUnfinishedBackfillRuns(db: Queryable, backfillId: string): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM dag_run WHERE backfill_id = $1 AND state IN (${runStatesSql(unfinishedRunStates)})`,
    [backfillId],
  );
  return res.rows[0]?.n ?? 0;
}

/** The backfill's queued runs, oldest logical date first: what a cancel fails. */
export async function listQueuedBackfillRuns(
  db: Queryable,
  backfillId: string,
): Promise<Array<{ id: string; runId: string }>> {
  const res = await db.query<{ id: string; runId: string }>(
    `SELECT id, run_id AS "runId" FROM dag_run WHERE backfill_id = $1 AND state = ${rs.queued} ORDER BY logical_date, id`,
    [backfillId],
  );
  return res.rows;
}

/**
 * Moves a backfill to `to` when its state allows it (core's table); the
 * moved row, or null when it does not exist or its state did not allow it.
 */
export async function moveBackfill(db: Queryable, id: string, to: BackfillState): Promise<BackfillRow | null> {
  const res = await db.query<BackfillRow>(
    `UPDATE backfill SET state = $2, updated_at = now()
     WHERE id = $1 AND state IN (${backfillStatesSql(backfillStatesAllowedBefore(to))}) RETURNING ${COLUMNS}`,
    [id, to],
  );
  return res.rows[0] ?? null;
}

/**
 * Records one scheduler step: the new cursor, and `running` once the first
 * interval is decided. Conditional on the cursor the step started from, so
 * of two schedulers stepping one backfill only one records its step.
 */
export async function advanceBackfill(
  db: Queryable,
  args: { id: string; from: Date | null; to: Date | null },
): Promise<boolean> {
  const res = await db.query(
    `UPDATE backfill SET cursor = $3, updated_at = now(),
       state = CASE WHEN state = ${bs.queued} THEN ${bs.running} ELSE state END
     WHERE id = $1 AND cursor IS NOT DISTINCT FROM $2 AND state IN (${bs.queued}, ${bs.running})`,
    [args.id, args.from, args.to],
  );
  return (res.rowCount ?? 0) > 0;
}

/** A DAG's runs with logical dates in [from, to] and their states: what a backfill finds in its range. */
export async function listRunsBetween(
  db: Queryable,
  args: { dagId: string; from: Date; to: Date; limit: number },
): Promise<
  Array<{
    id: string;
    runId: string;
    logicalDate: Date;
    state: DagRunState;
    backfillId: string | null;
    dagVersionId: string;
  }>
> {
  const res = await db.query<{
    id: string;
    runId: string;
    logicalDate: Date;
    state: DagRunState;
    backfillId: string | null;
    dagVersionId: string;
  }>(
    `SELECT id, run_id AS "runId", logical_date AS "logicalDate", state, backfill_id AS "backfillId",
            dag_version_id AS "dagVersionId"
     FROM dag_run WHERE dag_id = $1 AND logical_date BETWEEN $2 AND $3
     ORDER BY logical_date, queued_at, id LIMIT $4`,
    [args.dagId, args.from, args.to, args.limit],
  );
  return res.rows;
}

/** Links a run a backfill reruns to it, so it counts against the backfill's limit. */
export async function linkRunToBackfill(db: Queryable, dagRunId: string, backfillId: string): Promise<void> {
  await db.query(`UPDATE dag_run SET backfill_id = $2, updated_at = now() WHERE id = $1`, [dagRunId, backfillId]);
}

/**
 * Moves a running backfill's queued runs to running while fewer than its
 * maxActiveRuns are running, oldest logical date first (newest first in
 * reverse). The DAG row is locked first, as startQueuedRuns does, then the
 * backfill row, so the count and the update are one decision. A paused DAG
 * or a backfill that is not queued or running starts nothing.
 */
export async function startBackfillRuns(
  pool: Pool,
  backfillId: string,
): Promise<Array<{ id: string; dagVersionId: string; lagSeconds: number }>> {
  return withTransaction(pool, async (client) => {
    const found = await client.query<{ dagId: string }>(`SELECT dag_id AS "dagId" FROM backfill WHERE id = $1`, [
      backfillId,
    ]);
    const dagId = found.rows[0]?.dagId;
    if (dagId === undefined) return [];
    const dag = await client.query<{ is_paused: boolean }>(
      `SELECT is_paused FROM dag WHERE dag_id = $1 FOR NO KEY UPDATE`,
      [dagId],
    );
    if (dag.rows[0]?.is_paused !== false) return [];
    const backfill = await client.query<{ maxActiveRuns: number; reverse: boolean }>(
      `SELECT max_active_runs AS "maxActiveRuns", reverse FROM backfill
       WHERE id = $1 AND state IN (${bs.queued}, ${bs.running}) FOR NO KEY UPDATE`,
      [backfillId],
    );
    const b = backfill.rows[0];
    if (!b) return [];
    const order = b.reverse ? 'logical_date DESC' : 'logical_date';
    const started = await client.query<{ id: string; dagVersionId: string; lagSeconds: number }>(
      `UPDATE dag_run SET state = ${rs.running}, started_at = COALESCE(started_at, now()), ended_at = NULL, updated_at = now()
       WHERE id IN (
         SELECT id FROM dag_run WHERE backfill_id = $1 AND state = ${rs.queued}
         ORDER BY ${order}, queued_at, id
         LIMIT GREATEST(0, $2 - (SELECT count(*) FROM dag_run WHERE backfill_id = $1 AND state = ${rs.running})))
       RETURNING id, dag_version_id AS "dagVersionId", EXTRACT(EPOCH FROM now() - queued_at)::float8 AS "lagSeconds"`,
      [backfillId, b.maxActiveRuns],
    );
    return started.rows;
  });
}

/**
 * Runs `fn` while holding the backfill's advisory lock, so one scheduler
 * steps a backfill at a time; null, without running it, when another holds it.
 */
export async function withBackfillLock<T>(pool: Pool, backfillId: string, fn: () => Promise<T>): Promise<T | null> {
  const client = await pool.connect();
  try {
    const got = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('backfill:' || $1)) AS ok`, [
      backfillId,
    ]);
    if (got.rows[0]?.ok !== true) return null;
    try {
      return await fn();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('backfill:' || $1))`, [backfillId]);
    }
  } finally {
    client.release();
  }
}
