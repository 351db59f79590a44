/**
 * Retention: deletes finished runs older than a cutoff — with their task
 * instances, tries, logs, outputs, cancel requests and callbacks — then the
 * finished backfills left without runs, and old audit rows, a batch at a time. Each batch is one statement in its own
 * transaction that locks only the rows it deletes (`SKIP LOCKED`), so a
 * running scheduler or worker never waits on more than one batch; nothing
 * unfinished is touched. Statements here move no state.
 */
import { activeBackfillStates, backfillStates, terminalRunStates } from '@sluice/core';
import type { Queryable } from './queryable';
import { backfillStatesSql, runStatesSql, type RunMove, type TaskMove } from './states';

export const moves: readonly TaskMove[] = [];
export const runMoves: readonly RunMove[] = [];

export interface CleanFilter {
  /** Runs that ended (or, when they never started, whose logical date is) before this go. */
  before: Date;
  /** Only these DAGs; null for all. */
  dagIds: readonly string[] | null;
}

export interface CleanCounts {
  runs: number;
  taskInstances: number;
  tries: number;
  logLines: number;
  outputs: number;
  callbacks: number;
  /** Completed or cancelled backfills, last changed before the cutoff, none of whose runs is left. */
  backfills: number;
  auditEvents: number;
  /** Old asset events that no DAG's queue and no run still refers to. */
  assetEvents: number;
}

export const noCounts = (): CleanCounts => ({
  runs: 0,
  taskInstances: 0,
  tries: 0,
  logLines: 0,
  outputs: 0,
  callbacks: 0,
  backfills: 0,
  auditEvents: 0,
  assetEvents: 0,
});

const OLD_RUN = `state IN (${runStatesSql(terminalRunStates)}) AND COALESCE(ended_at, logical_date) < $1
  AND ($2::text[] IS NULL OR dag_id = ANY($2::text[]))`;

/** What deleting runs deletes. */
export type RunCounts = Omit<CleanCounts, 'auditEvents' | 'assetEvents' | 'backfills'>;

/**
 * Asset events older than the cutoff that no queue waits on and no run was
 * triggered by (with a DAG filter: only those the DAGs' tasks recorded).
 * Runs go first, so an old run's triggering events go in the same clean.
 */
const oldAssetEvent = (exceptRuns = '') => `e.created_at < $1
  AND ($2::text[] IS NULL OR e.source_dag_id = ANY($2::text[]))
  AND NOT EXISTS (SELECT 1 FROM asset_dag_run_queue q WHERE q.asset_event_id = e.id)
  AND NOT EXISTS (SELECT 1 FROM dag_run_asset_event l WHERE l.asset_event_id = e.id ${exceptRuns})`;

/** Deletes up to `limit` old asset events nothing refers to; returns how many. */
export async function deleteOldAssetEvents(db: Queryable, f: CleanFilter, limit: number): Promise<number> {
  const res = await db.query(
    `DELETE FROM asset_event WHERE id IN (
       SELECT e.id FROM asset_event e WHERE ${oldAssetEvent()} ORDER BY e.created_at, e.id LIMIT $3
       FOR UPDATE SKIP LOCKED)`,
    [f.before, f.dagIds, limit],
  );
  return res.rowCount ?? 0;
}

/** The ids of the next `limit` runs to delete, oldest first, skipping rows another transaction holds. */
export async function nextOldRuns(db: Queryable, f: CleanFilter, limit: number): Promise<string[]> {
  const res = await db.query<{ id: string }>(
    `SELECT id FROM dag_run WHERE ${OLD_RUN} ORDER BY COALESCE(ended_at, logical_date), id LIMIT $3`,
    [f.before, f.dagIds, limit],
  );
  return res.rows.map((r) => r.id);
}

/** Deletes these runs (if still finished) and everything under them, in one statement; returns what went. */
export async function deleteRuns(db: Queryable, runIds: readonly string[]): Promise<RunCounts> {
  const res = await db.query<Record<keyof RunCounts, number>>(
    `WITH victims AS (
       SELECT id FROM dag_run WHERE id = ANY($1::uuid[]) AND state IN (${runStatesSql(terminalRunStates)})
       FOR UPDATE SKIP LOCKED),
     tis AS (SELECT id FROM task_instance WHERE dag_run_id IN (SELECT id FROM victims)),
     logs AS (DELETE FROM task_log WHERE task_instance_id IN (SELECT id FROM tis) RETURNING 1),
     tries AS (DELETE FROM task_try WHERE task_instance_id IN (SELECT id FROM tis) RETURNING 1),
     outputs AS (DELETE FROM task_output WHERE task_instance_id IN (SELECT id FROM tis) RETURNING 1),
     cancels AS (DELETE FROM cancel_request WHERE task_instance_id IN (SELECT id FROM tis) RETURNING 1),
     callbacks AS (DELETE FROM callback_run WHERE dag_run_id IN (SELECT id FROM victims) RETURNING 1),
     instances AS (DELETE FROM task_instance WHERE id IN (SELECT id FROM tis) RETURNING 1),
     runs AS (DELETE FROM dag_run WHERE id IN (SELECT id FROM victims) RETURNING 1)
     SELECT (SELECT count(*)::int FROM runs) AS runs, (SELECT count(*)::int FROM instances) AS "taskInstances",
            (SELECT count(*)::int FROM tries) AS tries, (SELECT count(*)::int FROM logs) AS "logLines",
            (SELECT count(*)::int FROM outputs) AS outputs, (SELECT count(*)::int FROM callbacks) AS callbacks,
            (SELECT count(*)::int FROM cancels) AS cancels`,
    [runIds],
  );
  const r = res.rows[0];
  return {
    runs: r?.runs ?? 0,
    taskInstances: r?.taskInstances ?? 0,
    tries: r?.tries ?? 0,
    logLines: r?.logLines ?? 0,
    outputs: r?.outputs ?? 0,
    callbacks: r?.callbacks ?? 0,
  };
}

const finishedBackfills = backfillStatesSql(backfillStates.filter((s) => !activeBackfillStates.has(s)));
/** A finished backfill last changed before the cutoff whose runs are all gone (cleaned before it, or never made). */
const OLD_BACKFILL = `state IN (${finishedBackfills}) AND updated_at < $1
  AND ($2::text[] IS NULL OR dag_id = ANY($2::text[]))
  AND NOT EXISTS (SELECT 1 FROM dag_run r WHERE r.backfill_id = b.id)`;

/** Deletes up to `limit` finished backfills older than the cutoff with no run left; returns how many. */
export async function deleteOldBackfills(db: Queryable, f: CleanFilter, limit: number): Promise<number> {
  const res = await db.query(
    `DELETE FROM backfill WHERE id IN (
       SELECT id FROM backfill b WHERE ${OLD_BACKFILL} ORDER BY updated_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    [f.before, f.dagIds, limit],
  );
  return res.rowCount ?? 0;
}

/** Deletes up to `limit` audit rows older than the cutoff; returns how many. */
export async function deleteOldAuditEvents(db: Queryable, f: CleanFilter, limit: number): Promise<number> {
  const res = await db.query(
    `DELETE FROM audit_event WHERE id IN (
       SELECT id FROM audit_event WHERE at < $1 AND ($2::text[] IS NULL OR dag_id = ANY($2::text[]))
       ORDER BY id LIMIT $3)`,
    [f.before, f.dagIds, limit],
  );
  return res.rowCount ?? 0;
}

/** What a clean would delete, without deleting it. */
export async function countOld(db: Queryable, f: CleanFilter): Promise<CleanCounts> {
  const res = await db.query<CleanCounts>(
    `WITH victims AS (SELECT id FROM dag_run WHERE ${OLD_RUN}),
     tis AS (SELECT id FROM task_instance WHERE dag_run_id IN (SELECT id FROM victims))
     SELECT (SELECT count(*)::int FROM victims) AS runs, (SELECT count(*)::int FROM tis) AS "taskInstances",
       (SELECT count(*)::int FROM task_try WHERE task_instance_id IN (SELECT id FROM tis)) AS tries,
       (SELECT count(*)::int FROM task_log WHERE task_instance_id IN (SELECT id FROM tis)) AS "logLines",
       (SELECT count(*)::int FROM task_output WHERE task_instance_id IN (SELECT id FROM tis)) AS outputs,
       (SELECT count(*)::int FROM callback_run WHERE dag_run_id IN (SELECT id FROM victims)) AS callbacks,
       -- A backfill goes once its runs have: those that are old now go in the same clean.
       (SELECT count(*)::int FROM backfill b WHERE state IN (${finishedBackfills}) AND updated_at < $1
          AND ($2::text[] IS NULL OR dag_id = ANY($2::text[]))
          AND NOT EXISTS (SELECT 1 FROM dag_run r WHERE r.backfill_id = b.id AND r.id NOT IN (SELECT id FROM victims)))
         AS backfills,
       (SELECT count(*)::int FROM audit_event WHERE at < $1 AND ($2::text[] IS NULL OR dag_id = ANY($2::text[])))
         AS "auditEvents",
       (SELECT count(*)::int FROM asset_event e WHERE ${oldAssetEvent('AND l.dag_run_id NOT IN (SELECT id FROM victims)')}) AS "assetEvents"`,
    [f.before, f.dagIds],
  );
  return res.rows[0] ?? noCounts();
}

/** Log lines of these runs' tries, for archiving before they are deleted: one entry per try. */
export async function readRunLogs(
  db: Queryable,
  runIds: readonly string[],
): Promise<Array<{ dagId: string; runId: string; taskId: string; tryNumber: number; text: string }>> {
  const res = await db.query<{ dagId: string; runId: string; taskId: string; tryNumber: number; text: string }>(
    `SELECT r.dag_id AS "dagId", r.run_id AS "runId", ti.task_id AS "taskId", l.try_number AS "tryNumber",
            string_agg(l.text, '' ORDER BY l.seq) AS text
     FROM dag_run r JOIN task_instance ti ON ti.dag_run_id = r.id JOIN task_log l ON l.task_instance_id = ti.id
     WHERE r.id = ANY($1::uuid[])
     GROUP BY r.dag_id, r.run_id, ti.task_id, l.try_number`,
    [runIds],
  );
  return res.rows;
}
