/**
 * Creates a run and one task instance per task in a single transaction. The
 * unique (dag_id, run_id) makes two schedulers creating the same scheduled
 * run safe: the second gets `null`.
 */
import type { Pool, PoolClient } from 'pg';
import { DEFAULT_QUEUE, type DeadlineSpec } from '@sluice/core';
import { withTransaction } from './queryable';
import { rs, ts, type RunMove, type TaskMove } from './states';

/** Creates rows in their first state; moves none. */
export const moves: readonly TaskMove[] = [];
export const runMoves: readonly RunMove[] = [];

export interface NewTaskInstance {
  taskId: string;
  maxTries: number;
  operator: string;
  pool: string;
  poolSlots: number;
  priorityWeight: number;
  /** False for a teardown whose failure does not fail the run; default true. */
  failsRun?: boolean;
  /** Absent: the default queue. */
  queue?: string | undefined;
}

/** How a run came to be; asset_triggered: the asset events it links (dag_run_asset_event) made it. */
export type RunType = 'manual' | 'scheduled' | 'backfill' | 'asset_triggered';

export interface NewDagRun {
  dagId: string;
  runId: string;
  runType: RunType;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  conf: Record<string, unknown>;
  dagVersionId: string;
  tasks: readonly NewTaskInstance[];
  /** The DAG's deadline: the run's deadline_at is fixed from it here. */
  deadline?: DeadlineSpec | undefined;
  /** The backfill creating the run. */
  backfillId?: string | undefined;
}

export async function createDagRun(pool: Pool, run: NewDagRun): Promise<{ id: string } | null> {
  return withTransaction(pool, (client) => insertDagRun(client, run));
}

/** createDagRun inside a transaction the caller holds. */
export async function insertDagRun(client: PoolClient, run: NewDagRun): Promise<{ id: string } | null> {
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, data_interval_start, data_interval_end,
                          conf, state, dag_version_id, deadline_at, backfill_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, ${rs.queued}, $8,
             CASE $9::text WHEN 'logicalDate' THEN $4::timestamptz WHEN 'runAfter' THEN $6::timestamptz
                           WHEN 'queuedAt' THEN now() END + $10::int * interval '1 millisecond', $11)
     ON CONFLICT (dag_id, run_id) DO NOTHING
     RETURNING id`,
    [
      run.dagId,
      run.runId,
      run.runType,
      run.logicalDate,
      run.dataIntervalStart,
      run.dataIntervalEnd,
      JSON.stringify(run.conf),
      run.dagVersionId,
      run.deadline?.from ?? null,
      run.deadline?.withinMs ?? null,
      run.backfillId ?? null,
    ],
  );
  const row = inserted.rows[0];
  if (!row) return null;
  await client.query(
    `INSERT INTO task_instance (dag_run_id, dag_id, task_id, state, try_number, max_tries, operator,
                                pool, pool_slots, priority_weight, fails_run, queue)
     SELECT $1, $2, t.task_id, ${ts.none}, 0, t.max_tries, t.operator, t.pool, t.pool_slots, t.priority_weight,
            t.fails_run, t.queue
     FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::int[], $9::boolean[], $10::text[])
       AS t(task_id, max_tries, operator, pool, pool_slots, priority_weight, fails_run, queue)`,
    [
      row.id,
      run.dagId,
      run.tasks.map((t) => t.taskId),
      run.tasks.map((t) => t.maxTries),
      run.tasks.map((t) => t.operator),
      run.tasks.map((t) => t.pool),
      run.tasks.map((t) => t.poolSlots),
      run.tasks.map((t) => t.priorityWeight),
      run.tasks.map((t) => t.failsRun ?? true),
      run.tasks.map((t) => t.queue ?? DEFAULT_QUEUE),
    ],
  );
  return { id: row.id };
}
