/**
 * Moves queued runs of one DAG to running while it has fewer than
 * `maxActiveRuns` running, oldest logical date first. The DAG row is locked
 * so the count and the update are one decision, whichever scheduler makes it.
 * A paused DAG starts nothing; its running runs go on to the end. Runs of
 * an active backfill are started by startBackfillRuns under its own limit.
 */
import type { Pool } from 'pg';
import { countsAgainstDag } from './backfills';
import { withTransaction } from './queryable';
import { rs, type RunMove, type TaskMove } from './states';

export const moves: readonly TaskMove[] = [];
export const runMoves: readonly RunMove[] = [{ from: ['queued'], to: 'running' }];

export async function startQueuedRuns(
  pool: Pool,
  dagId: string,
  maxActiveRuns: number,
): Promise<Array<{ id: string; dagVersionId: string; lagSeconds: number }>> {
  return withTransaction(pool, async (client) => {
    // The DAG lock (see scheduleRun's lockDagOfRun): runs being created need not wait for it.
    const dag = await client.query<{ is_paused: boolean }>(
      `SELECT is_paused FROM dag WHERE dag_id = $1 FOR NO KEY UPDATE`,
      [dagId],
    );
    const row = dag.rows[0];
    if (!row || row.is_paused) return [];
    // lagSeconds: from when the run could start (a scheduled run's run-after, a manual run's queueing) to now.
    const started = await client.query<{ id: string; dagVersionId: string; lagSeconds: number }>(
      `UPDATE dag_run SET state = ${rs.running}, started_at = COALESCE(started_at, now()), ended_at = NULL, updated_at = now()
       WHERE id IN (
         SELECT id FROM dag_run r WHERE dag_id = $1 AND state = ${rs.queued} AND ${countsAgainstDag('r')}
         ORDER BY logical_date, queued_at, id
         LIMIT GREATEST(0, $2 - (SELECT count(*) FROM dag_run r WHERE dag_id = $1 AND state = ${rs.running}
                                   AND ${countsAgainstDag('r')})))
       RETURNING id, dag_version_id AS "dagVersionId",
         EXTRACT(EPOCH FROM now() - CASE WHEN run_type = 'scheduled' THEN data_interval_end ELSE queued_at END)::float8
           AS "lagSeconds"`,
      [dagId, maxActiveRuns],
    );
    return started.rows;
  });
}
