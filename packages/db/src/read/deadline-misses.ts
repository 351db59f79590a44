import type { Queryable } from '../sql/queryable';

export interface DeadlineMissRow {
  runId: string;
  state: string;
  deadlineAt: Date;
  missedAt: Date;
}

/** A DAG's latest runs that missed their deadline, newest first (a partial index: runs that never missed cost nothing). */
export async function readDeadlineMisses(db: Queryable, dagId: string, limit: number): Promise<DeadlineMissRow[]> {
  const res = await db.query<DeadlineMissRow>(
    `SELECT run_id AS "runId", state, deadline_at AS "deadlineAt", deadline_missed_at AS "missedAt"
       FROM dag_run
      WHERE dag_id = $1 AND deadline_missed_at IS NOT NULL
      ORDER BY deadline_missed_at DESC
      LIMIT $2`,
    [dagId, limit],
  );
  return res.rows;
}
