/**
 * A worker's heartbeat for the tries it runs. Returns the tries that are
 * still running as this worker's; the worker aborts the others (cleared,
 * marked, or failed by a timeout check meanwhile).
 */
import { prepared, type Queryable } from './queryable';

const heartbeatStatement = prepared(
  'heartbeatTaskTries',
  `UPDATE task_instance ti SET heartbeat_at = now()
     FROM unnest($1::uuid[], $2::int[]) AS h(id, try_number)
     WHERE ti.id = h.id AND ti.try_number = h.try_number AND ti.state = 'running'
     RETURNING ti.id`,
);

export async function heartbeatTaskTries(
  db: Queryable,
  tries: ReadonlyArray<{ taskInstanceId: string; tryNumber: number }>,
): Promise<Set<string>> {
  if (tries.length === 0) return new Set();
  const res = await db.query<{ id: string }>(heartbeatStatement([tries.map((t) => t.taskInstanceId), tries.map((t) => t.tryNumber)]));
  return new Set(res.rows.map((r) => r.id));
}
