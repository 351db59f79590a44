/**
 * A user's override: mark a task instance or a whole run success/failed.
 * Marking a run failed fails what is running and skips what has not
 * started (Airflow's set_dag_run_state_to_failed); marking it success
 * marks every unfinished task success.
 */
import type { Pool } from 'pg';
import { taskStatesAllowedBefore } from '@sluice/core';
import { withTransaction, type Queryable } from './queryable';
import { recordCancelRequests } from './cancelRequests';
import { INTERRUPTED_COLUMNS, interruptedTries, type InterruptedRow, type InterruptedTry } from './interrupted';

export async function markTaskInstance(
  db: Queryable,
  args: { dagRunId: string; taskId: string; to: 'success' | 'failed' },
): Promise<{ id: string; from: string; interrupted: InterruptedTry[] } | null> {
  const res = await db.query<{ id: string; from: string } & InterruptedRow>(
    `UPDATE task_instance ti SET state = $3, ended_at = now(), next_retry_at = NULL, updated_at = now()
     FROM (SELECT id, state, external FROM task_instance WHERE dag_run_id = $1 AND task_id = $2 FOR UPDATE) prev
     WHERE ti.id = prev.id AND ti.state = ANY($4::text[])
     RETURNING ti.id, prev.state AS "from", ${INTERRUPTED_COLUMNS}`,
    [args.dagRunId, args.taskId, args.to, taskStatesAllowedBefore(args.to)],
  );
  const row = res.rows[0];
  // In the caller's transaction, so the request commits with the mark.
  if (row) await recordCancelRequests(db, interruptedTries([row]), `marked ${args.to}`);
  return row ? { id: row.id, from: row.from, interrupted: interruptedTries([row]) } : null;
}

export async function markDagRun(
  pool: Pool,
  args: { dagRunId: string; to: 'success' | 'failed' },
): Promise<{ changed: boolean; touchedTaskIds: string[]; interrupted: InterruptedTry[] }> {
  return withTransaction(pool, async (client) => {
    const run = await client.query<{ state: string }>(`SELECT state FROM dag_run WHERE id = $1 FOR UPDATE`, [args.dagRunId]);
    const prev = run.rows[0]?.state;
    if (!prev || prev === args.to) return { changed: false, touchedTaskIds: [], interrupted: [] };
    const touched =
      args.to === 'failed'
        ? await client.query<{ task_id: string } & InterruptedRow>(
            `UPDATE task_instance ti SET updated_at = now(), ended_at = now(), next_retry_at = NULL,
               state = CASE WHEN ti.state IN ('running', 'queued', 'deferred', 'up_for_retry') THEN 'failed' ELSE 'skipped' END
             FROM (SELECT id, state, external FROM task_instance WHERE dag_run_id = $1 FOR UPDATE) prev
             WHERE ti.id = prev.id AND ti.state IN ('none', 'scheduled', 'queued', 'running', 'deferred', 'up_for_retry')
             RETURNING ti.task_id, ${INTERRUPTED_COLUMNS}`,
            [args.dagRunId],
          )
        : await client.query<{ task_id: string } & InterruptedRow>(
            `UPDATE task_instance ti SET state = 'success', ended_at = now(), next_retry_at = NULL, updated_at = now()
             FROM (SELECT id, state, external FROM task_instance WHERE dag_run_id = $1 FOR UPDATE) prev
             WHERE ti.id = prev.id AND ti.state <> 'success'
             RETURNING ti.task_id, ${INTERRUPTED_COLUMNS}`,
            [args.dagRunId],
          );
    await client.query(
      `UPDATE dag_run SET state = $2, ended_at = now(), started_at = COALESCE(started_at, now()), updated_at = now() WHERE id = $1`,
      [args.dagRunId, args.to],
    );
    await recordCancelRequests(client, interruptedTries(touched.rows), `run marked ${args.to}`);
    return { changed: true, touchedTaskIds: touched.rows.map((r) => r.task_id), interrupted: interruptedTries(touched.rows) };
  });
}
