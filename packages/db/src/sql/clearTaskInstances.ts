/**
 * Clears task instances so they run again: back to `none` with their tries
 * topped up (Airflow: max_tries = try_number + retries + 1), and the run
 * reopened when it had ended. A running try is not killed here: its worker
 * sees at its next heartbeat that the try is no longer its own, and stops.
 */
import type { Pool } from 'pg';
import { withTransaction } from './queryable';
import { recordCancelRequests } from './cancelRequests';
import { INTERRUPTED_COLUMNS, interruptedTries, type InterruptedRow, type InterruptedTry } from './interrupted';

export interface ClearArgs {
  dagRunId: string;
  /** task id → tries one clear allows (retries + 1). */
  tasks: ReadonlyMap<string, number>;
}

export async function clearTaskInstances(pool: Pool, args: ClearArgs): Promise<{ cleared: string[]; interrupted: InterruptedTry[] }> {
  const taskIds = [...args.tasks.keys()];
  return withTransaction(pool, async (client) => {
    const res = await client.query<{ task_id: string } & InterruptedRow>(
      `UPDATE task_instance ti SET state = 'none', next_retry_at = NULL, queued_at = NULL,
         max_tries = ti.try_number + c.tries, updated_at = now()
       FROM unnest($2::text[], $3::int[]) AS c(task_id, tries),
            (SELECT id, state, external FROM task_instance WHERE dag_run_id = $1 FOR UPDATE) prev
       WHERE ti.dag_run_id = $1 AND ti.task_id = c.task_id AND ti.state <> 'none' AND prev.id = ti.id
       RETURNING ti.task_id, ${INTERRUPTED_COLUMNS}`,
      [args.dagRunId, taskIds, taskIds.map((t) => args.tasks.get(t) ?? 1)],
    );
    if (res.rows.length > 0) {
      await client.query(
        `UPDATE dag_run SET state = 'queued', ended_at = NULL, updated_at = now()
         WHERE id = $1 AND state IN ('success', 'failed')`,
        [args.dagRunId],
      );
    }
    const interrupted = interruptedTries(res.rows);
    await recordCancelRequests(client, interrupted, 'cleared');
    return { cleared: res.rows.map((r) => r.task_id).sort(), interrupted };
  });
}
