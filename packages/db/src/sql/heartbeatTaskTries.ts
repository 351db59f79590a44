/**
 * A worker's heartbeat for the tries it runs. Returns the tries that are
 * still live, each as (task instance, try): a try is live while its task
 * instance is running on that try number. The worker aborts the others
 * (cleared, marked, or failed by a timeout check meanwhile), even when the
 * same task instance runs a newer try on this worker.
 */
import { prepared, type Queryable } from './queryable';
import { ts, type TaskMove } from './states';
import { lockedInIdOrder } from './lockOrder';

/** A heartbeat moves no state. */
export const moves: readonly TaskMove[] = [];

const heartbeatStatement = prepared(
  'heartbeatTaskTries',
  `WITH ${lockedInIdOrder(
    'unnest($1::uuid[], $2::int[]) AS h(id, try_number)',
    `ti.id = h.id AND ti.try_number = h.try_number AND ti.state = ${ts.running}`,
  )}
   UPDATE task_instance ti SET heartbeat_at = now()
     FROM locked WHERE ti.id = locked.id
     RETURNING ti.id, ti.try_number`,
);

/** The key of one try in the set heartbeatTaskTries returns. */
export const tryKey = (taskInstanceId: string, tryNumber: number): string => `${taskInstanceId}/${tryNumber}`;

/** The live tries among `tries`, as tryKey(taskInstanceId, tryNumber). */
export async function heartbeatTaskTries(
  db: Queryable,
  tries: ReadonlyArray<{ taskInstanceId: string; tryNumber: number }>,
): Promise<Set<string>> {
  if (tries.length === 0) return new Set();
  const res = await db.query<{ id: string; try_number: number }>(
    heartbeatStatement([tries.map((t) => t.taskInstanceId), tries.map((t) => t.tryNumber)]),
  );
  return new Set(res.rows.map((r) => tryKey(r.id, r.try_number)));
}
