/**
 * Ends tries that the worker could not end itself: past their
 * executionTimeout, or whose worker stopped heartbeating. Conditional on the
 * state and try number they were judged in, so a worker finishing at the
 * same moment wins or loses cleanly.
 */
import type { PoolClient } from 'pg';
import type { SerializedError, TaskInstanceState } from '@sluice/core';
import type { TaskMove } from './states';

/** The try's worker could not end it: the scheduler does, from where it was judged. */
export const moves: readonly TaskMove[] = [
  { from: ['running', 'deferred'], to: 'up_for_retry' },
  { from: ['running', 'deferred'], to: 'failed' },
];

export interface TryFailure {
  taskInstanceId: string;
  taskId: string;
  from: TaskInstanceState;
  tryNumber: number;
  to: 'up_for_retry' | 'failed';
  nextRetryAt: Date | null;
  error: SerializedError;
}

export async function failTaskTries(client: PoolClient, failures: readonly TryFailure[]): Promise<TryFailure[]> {
  const applied: TryFailure[] = [];
  // One row per statement, in one transaction: in id order, as every
  // multi-row write to task_instance locks (lockOrder.ts).
  const inIdOrder = [...failures].sort((a, b) => (a.taskInstanceId < b.taskInstanceId ? -1 : 1));
  for (const f of inIdOrder) {
    const res = await client.query(
      `UPDATE task_instance SET state = $4, next_retry_at = $5, ended_at = now(),
         duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE (extract(epoch FROM now() - started_at) * 1000)::int END,
         updated_at = now()
       WHERE id = $1 AND state = $2 AND try_number = $3`,
      [f.taskInstanceId, f.from, f.tryNumber, f.to, f.nextRetryAt],
    );
    if (res.rowCount !== 1) continue;
    // The try row says what became of the try, as a worker's finish would:
    // up_for_retry while tries remain, failed on the last.
    await client.query(
      `INSERT INTO task_try (task_instance_id, try_number, state, ended_at, error)
       VALUES ($1, $2, $4, now(), $3::jsonb)
       ON CONFLICT (task_instance_id, try_number) DO UPDATE SET state = EXCLUDED.state, ended_at = now(),
         duration_ms = CASE WHEN task_try.started_at IS NULL THEN NULL
           ELSE (extract(epoch FROM now() - task_try.started_at) * 1000)::int END,
         error = EXCLUDED.error`,
      [f.taskInstanceId, f.tryNumber, JSON.stringify(f.error), f.to],
    );
    applied.push(f);
  }
  return applied;
}
