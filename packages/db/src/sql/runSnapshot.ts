/**
 * What a scheduling pass decides on: a run, its task instances, the DAG's
 * active count, the pools and the clock, read in one round trip (under the
 * DAG lock when the pass is to write).
 */
import type { PoolClient, QueryConfig, QueryResult } from 'pg';
import { activeTaskStates, type DagRunState, type TaskInstanceView } from '@sluice/core';
import { prepared, sendBatch } from './queryable';
import { taskStatesSql } from './states';

/** A task instance as the scheduling decision reads it, plus what applying it needs. */
export interface TaskInstanceRow extends TaskInstanceView {
  id: string;
  /** -1 for an unmapped task (or a mapped one not expanded yet). */
  mapIndex: number;
  pool: string;
  poolSlots: number;
  /** The worker queue its tries go to. */
  queue: string;
  /** Whether the try recorded an external job (EMR step, Glue run). */
  hasExternal: boolean;
}

export interface RunSnapshot {
  run: {
    id: string;
    dagId: string;
    state: DagRunState;
    startedAt: Date | null;
    dagVersionId: string;
  };
  taskInstances: TaskInstanceRow[];
  /** Task instances of this DAG (all runs) that are queued, running or deferred. */
  activeInDag: number;
  /** The same, per task id (what maxActiveTisPerDag counts); a task with none is absent. */
  activeByTask: Map<string, number>;
  /** Pools that exist, with their slots and the slots active tasks hold. */
  pools: Map<string, { slots: number; used: number }>;
  now: Date;
}

export const TI_COLUMNS = `id, task_id AS "taskId", state, try_number AS "tryNumber", max_tries AS "maxTries",
  next_retry_at AS "nextRetryAt", started_at AS "startedAt", heartbeat_at AS "heartbeatAt",
  pool, pool_slots AS "poolSlots", queue, (external IS NOT NULL) AS "hasExternal", followed,
  map_index AS "mapIndex"`;

const ACTIVE = taskStatesSql(activeTaskStates);

/**
 * The DAG lock. FOR NO KEY UPDATE excludes every other holder of it, but
 * not the key-share locks of foreign-key checks: a run being created (or a
 * version recorded) for the DAG does not wait for a scheduling pass.
 */
export const lockDagOfRun = prepared(
  'scheduleRun.lock',
  `SELECT 1 FROM dag WHERE dag_id = (SELECT dag_id FROM dag_run WHERE id = $1) FOR NO KEY UPDATE`,
);
const readRunHead = prepared(
  'scheduleRun.head',
  `SELECT r.id, r.dag_id AS "dagId", r.state, r.started_at AS "startedAt", r.dag_version_id AS "dagVersionId",
       (SELECT COALESCE(json_object_agg(a.task_id, a.n), '{}') FROM
          (SELECT task_id, count(*) AS n FROM task_instance WHERE dag_id = r.dag_id AND state IN (${ACTIVE})
           GROUP BY task_id) a) AS "activeByTask",
       ARRAY(SELECT name FROM pool) AS pools,
       now() AS now
     FROM dag_run r WHERE r.id = $1`,
);
const readAllTaskInstances = prepared(
  'scheduleRun.all',
  `SELECT ${TI_COLUMNS} FROM task_instance WHERE dag_run_id = $1`,
);
const readSomeTaskInstances = prepared(
  'scheduleRun.some',
  `SELECT ${TI_COLUMNS} FROM task_instance WHERE dag_run_id = $1 AND task_id = ANY($2::text[])`,
);

/** Counts read as numbers (Postgres' bigint arrives as a string). */
export function countsOf(entries: Iterable<readonly [string, number | string]>): Map<string, number> {
  return new Map([...entries].map(([k, n]) => [k, Number(n)]));
}

export function totalOf(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

/**
 * One round trip: (BEGIN and the DAG lock, then) the run with the DAG's
 * active count, the clock and the names of the pools that exist, and its
 * task instances. Under the lock the reads come after it, each with its own
 * snapshot, so nothing the previous holder committed is missed. Pools are
 * locked and counted in a second trip only when one of these task instances
 * uses one (and only under the lock).
 *
 * `first`: a write committed in its own transaction ahead of the reads;
 * 'not applied' when its `applied` says it changed nothing.
 */
export async function readSnapshot(
  client: PoolClient,
  runId: string,
  onlyTaskIds: readonly string[] | null,
  opts: {
    lock: boolean;
    first?: { statement: QueryConfig; applied(result: QueryResult): boolean } | undefined;
    /** Read again inside the transaction that holds the DAG lock already (after an expansion). */
    again?: boolean;
  },
): Promise<RunSnapshot | null | 'not applied'> {
  const reads = [
    readRunHead([runId]),
    onlyTaskIds ? readSomeTaskInstances([runId, onlyTaskIds]) : readAllTaskInstances([runId]),
  ];
  const first = opts.first ? ['BEGIN', opts.first.statement, 'COMMIT'] : [];
  const locking = opts.lock && !opts.again;
  const results = await sendBatch(client, locking ? [...first, 'BEGIN', lockDagOfRun([runId]), ...reads] : reads);
  if (opts.first && !opts.first.applied(results[1] as QueryResult)) return 'not applied';
  const [head, tis] = results.slice(-2);
  if (locking && results[first.length + 1]?.rowCount !== 1) return null;
  const row = (
    head as QueryResult<
      RunSnapshot['run'] & { activeByTask: Record<string, number | string>; now: Date; pools: string[] }
    >
  ).rows[0];
  if (!row) return null;
  const { activeByTask: byTask, now, pools: existingPools, ...run } = row;
  const activeByTask = countsOf(Object.entries(byTask));
  const taskInstances = (tis as QueryResult<TaskInstanceRow>).rows;
  const pools = new Map<string, { slots: number; used: number }>();
  const existing = new Set(existingPools);
  const poolNames = [...new Set(taskInstances.map((t) => t.pool))].filter((p) => existing.has(p));
  if (opts.lock && poolNames.length > 0) {
    const poolRows = await client.query<{ name: string; slots: number; used: string }>(
      `SELECT p.name, p.slots,
         (SELECT COALESCE(sum(pool_slots), 0) FROM task_instance
          WHERE pool = p.name AND state IN (${ACTIVE})) AS used
       FROM pool p WHERE p.name = ANY($1::text[]) ORDER BY p.name FOR UPDATE OF p`,
      [poolNames],
    );
    for (const p of poolRows.rows) pools.set(p.name, { slots: p.slots, used: Number(p.used) });
  }
  return { run, taskInstances, activeInDag: totalOf(activeByTask), activeByTask, pools, now };
}
