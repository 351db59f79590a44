/**
 * A user's override: mark a task instance or a whole run success/failed.
 * Marking a run failed fails what is running and skips what has not
 * started (Airflow's set_dag_run_state_to_failed); marking it success
 * marks every unfinished task success.
 */
import type { Pool } from 'pg';
import { taskStatesAllowedBefore } from '@sluice/core';
import { withTransaction, type Queryable } from './queryable';

export async function markTaskInstance(
  db: Queryable,
  args: { dagRunId: string; taskId: string; to: 'success' | 'failed' },
): Promise<{ id: string; from: string } | null> {
  const res = await db.query<{ id: string; from: string }>(
    `UPDATE task_instance ti SET state = $3, ended_at = now(), next_retry_at = NULL, updated_at = now()
     FROM (SELECT id, state FROM task_instance WHERE dag_run_id = $1 AND task_id = $2 FOR UPDATE) prev
     WHERE ti.id = prev.id AND ti.state = ANY($4::text[])
     RETURNING ti.id, prev.state AS "from"`,
    [args.dagRunId, args.taskId, args.to, taskStatesAllowedBefore(args.to)],
  );
  return res.rows[0] ?? null;
}

export async function markDagRun(
  pool: Pool,
  args: { dagRunId: string; to: 'success' | 'failed' },
): Promise<{ changed: boolean; touchedTaskIds: string[] }> {
  return withTransaction(pool, async (client) => {
    const run = await client.query<{ state: string }>(`SELECT state FROM dag_run WHERE id = $1 FOR UPDATE`, [args.dagRunId]);
    const prev = run.rows[0]?.state;
    if (!prev || prev === args.to) return { changed: false, touchedTaskIds: [] };
    const touched =
      args.to === 'failed'
        ? await client.query<{ task_id: string }>(
            `UPDATE task_instance SET updated_at = now(), ended_at = now(), next_retry_at = NULL,
               state = CASE WHEN state IN ('running', 'queued', 'deferred', 'up_for_retry') THEN 'failed' ELSE 'skipped' END
             WHERE dag_run_id = $1 AND state IN ('none', 'scheduled', 'queued', 'running', 'deferred', 'up_for_retry')
             RETURNING task_id`,
            [args.dagRunId],
          )
        : await client.query<{ task_id: string }>(
            `UPDATE task_instance SET state = 'success', ended_at = now(), next_retry_at = NULL, updated_at = now()
             WHERE dag_run_id = $1 AND state <> 'success'
             RETURNING task_id`,
            [args.dagRunId],
          );
    await client.query(
      `UPDATE dag_run SET state = $2, ended_at = now(), started_at = COALESCE(started_at, now()), updated_at = now() WHERE id = $1`,
      [args.dagRunId, args.to],
    );
    return { changed: true, touchedTaskIds: touched.rows.map((r) => r.task_id) };
  });
}
