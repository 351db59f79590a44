/**
 * The one transaction in which task instances of a run are promoted:
 * snapshot → pure decision → conditional writes. The DAG row is locked first,
 * so decisions about one DAG (its maxActiveTasks, and two upstreams finishing
 * at once) are taken one at a time by whichever scheduler or worker gets
 * there; every write is still conditional on the state it was decided from.
 */
import type { Pool, PoolClient } from 'pg';
import {
  assertNever,
  isTerminalTaskState,
  type DagRunState,
  type RunDecision,
  type TaskDecision,
  type TaskInstanceView,
} from '@sluice/core';
import { withTransaction } from './queryable';
import { failTaskTries } from './failTaskTries';
import { INTERRUPTED_COLUMNS, interruptedTries, type InterruptedRow, type InterruptedTry } from './interrupted';

/** A task instance as the scheduling decision reads it, plus what applying it needs. */
export interface TaskInstanceRow extends TaskInstanceView {
  id: string;
  pool: string;
  poolSlots: number;
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
  /** Pools that exist, with their slots and the slots active tasks hold. */
  pools: Map<string, { slots: number; used: number }>;
  now: Date;
}

export interface Decisions {
  tasks: TaskDecision[];
  run: RunDecision | null;
}

export interface ScheduleRunResult {
  /** Tries to put on the queue, now that their state says queued. */
  enqueued: Array<{ taskInstanceId: string; tryNumber: number }>;
  /** Task ids that moved to a terminal state in this pass. */
  finished: string[];
  /** Tries ended under a running external job (timeouts): their jobs are to be cancelled. */
  interrupted: InterruptedTry[];
  /**
   * Tries whose worker vanished while they had an external job going: not
   * failed but parked as deferred, so another worker resumes the wait (and
   * adopts the job by its marker). Their checks are due now.
   */
  resumed: Array<{ taskInstanceId: string; tryNumber: number; dueAt: number }>;
  runState: DagRunState | null;
}

const TI_COLUMNS = `id, task_id AS "taskId", state, try_number AS "tryNumber", max_tries AS "maxTries",
  next_retry_at AS "nextRetryAt", started_at AS "startedAt", heartbeat_at AS "heartbeatAt",
  pool, pool_slots AS "poolSlots", (external IS NOT NULL) AS "hasExternal"`;

export async function scheduleRun(
  pool: Pool,
  runId: string,
  onlyTaskIds: readonly string[] | null,
  decide: (snapshot: RunSnapshot) => Decisions,
): Promise<ScheduleRunResult> {
  return withTransaction(pool, async (client) => {
    const runRes = await client.query<RunSnapshot['run']>(
      `SELECT id, dag_id AS "dagId", state, started_at AS "startedAt", dag_version_id AS "dagVersionId"
       FROM dag_run WHERE id = $1`,
      [runId],
    );
    const run = runRes.rows[0];
    if (!run || run.state !== 'running') return { enqueued: [], finished: [], interrupted: [], resumed: [], runState: run?.state ?? null };
    await client.query(`SELECT 1 FROM dag WHERE dag_id = $1 FOR UPDATE`, [run.dagId]);
    const snapshot = await readSnapshot(client, run, onlyTaskIds);
    const decisions = decide(snapshot);
    return applyDecisions(client, snapshot, decisions);
  });
}

async function readSnapshot(
  client: PoolClient,
  run: RunSnapshot['run'],
  onlyTaskIds: readonly string[] | null,
): Promise<RunSnapshot> {
  const tis = await client.query<TaskInstanceRow>(
    onlyTaskIds
      ? `SELECT ${TI_COLUMNS} FROM task_instance WHERE dag_run_id = $1 AND task_id = ANY($2::text[])`
      : `SELECT ${TI_COLUMNS} FROM task_instance WHERE dag_run_id = $1`,
    onlyTaskIds ? [run.id, onlyTaskIds] : [run.id],
  );
  const active = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM task_instance WHERE dag_id = $1 AND state IN ('queued', 'running', 'deferred')`,
    [run.dagId],
  );
  const poolNames = [...new Set(tis.rows.map((t) => t.pool))];
  const poolRows = await client.query<{ name: string; slots: number; used: string }>(
    `SELECT p.name, p.slots,
       (SELECT COALESCE(sum(pool_slots), 0) FROM task_instance
        WHERE pool = p.name AND state IN ('queued', 'running', 'deferred')) AS used
     FROM pool p WHERE p.name = ANY($1::text[]) ORDER BY p.name FOR UPDATE OF p`,
    [poolNames],
  );
  const now = await client.query<{ now: Date }>(`SELECT now() AS now`);
  return {
    run,
    taskInstances: tis.rows,
    activeInDag: Number(active.rows[0]?.n ?? 0),
    pools: new Map(poolRows.rows.map((p) => [p.name, { slots: p.slots, used: Number(p.used) }])),
    now: now.rows[0]?.now ?? new Date(),
  };
}

async function applyDecisions(client: PoolClient, snapshot: RunSnapshot, decisions: Decisions): Promise<ScheduleRunResult> {
  const byTask = new Map(snapshot.taskInstances.map((t) => [t.taskId, t]));
  const finished: string[] = [];
  const enqueued: ScheduleRunResult['enqueued'] = [];
  const interrupted: InterruptedTry[] = [];
  const resumed: ScheduleRunResult['resumed'] = [];
  // A write that finds its task moved by someone else makes the rest of this
  // view stale for that task; its later decisions and the run's are dropped.
  const stale = new Set<string>();

  for (const d of decisions.tasks) {
    const ti = byTask.get(d.taskId);
    if (!ti || stale.has(d.taskId)) continue;
    switch (d.type) {
      case 'set_state': {
        const terminal = isTerminalTaskState(d.to);
        const res = await client.query(
          `UPDATE task_instance SET state = $3, updated_at = now(),
             ended_at = CASE WHEN $4 THEN now() ELSE ended_at END,
             next_retry_at = CASE WHEN $3 = 'scheduled' THEN NULL ELSE next_retry_at END
           WHERE id = $1 AND state = $2`,
          [ti.id, d.from, d.to, terminal],
        );
        if (res.rowCount !== 1) stale.add(d.taskId);
        else if (terminal) finished.push(d.taskId);
        break;
      }
      case 'enqueue': {
        const res = await client.query<{ try_number: number }>(
          `UPDATE task_instance SET state = 'queued', try_number = $2, queued_at = now(),
             started_at = NULL, ended_at = NULL, duration_ms = NULL, hostname = NULL, heartbeat_at = NULL, updated_at = now()
           WHERE id = $1 AND state = 'scheduled' AND try_number = $2 - 1
           RETURNING try_number`,
          [ti.id, d.tryNumber],
        );
        const row = res.rows[0];
        if (row) enqueued.push({ taskInstanceId: ti.id, tryNumber: row.try_number });
        else stale.add(d.taskId);
        break;
      }
      case 'fail_try': {
        const zombie = d.reason.includes('heartbeat');
        if (zombie && d.from === 'running' && ti.hasExternal) {
          const res = await client.query<{ due: Date }>(
            `UPDATE task_instance SET state = 'deferred', next_retry_at = now(), heartbeat_at = NULL, hostname = NULL, updated_at = now()
             WHERE id = $1 AND state = 'running' AND try_number = $2
             RETURNING next_retry_at AS due`,
            [ti.id, d.tryNumber],
          );
          const row = res.rows[0];
          if (row) resumed.push({ taskInstanceId: ti.id, tryNumber: d.tryNumber, dueAt: row.due.getTime() });
          else stale.add(d.taskId);
          break;
        }
        const [applied] = await failTaskTries(client, [
          {
            taskInstanceId: ti.id,
            taskId: d.taskId,
            from: d.from,
            tryNumber: d.tryNumber,
            to: d.to,
            nextRetryAt: d.nextRetryAt,
            error: { name: zombie ? 'ZombieTaskError' : 'TaskTimeoutError', message: d.reason },
          },
        ]);
        if (!applied) stale.add(d.taskId);
        else {
          if (d.to === 'failed') finished.push(d.taskId);
          if (ti.hasExternal) interrupted.push({ taskInstanceId: ti.id, tryNumber: d.tryNumber });
        }
        break;
      }
      case 'waiting':
        break;
      default:
        assertNever(d);
    }
  }

  let runState: DagRunState | null = snapshot.run.state;
  const run = stale.size > 0 ? null : decisions.run;
  if (run) {
    if (run.type === 'fail_run_timeout') {
      // Airflow skips what a timed-out run left unfinished; a worker running
      // one of them sees at its next heartbeat that the try is no longer its.
      const skipped = await client.query<{ task_id: string } & InterruptedRow>(
        `UPDATE task_instance ti SET state = 'skipped', ended_at = now(), next_retry_at = NULL, updated_at = now()
         FROM (SELECT id, state, external FROM task_instance WHERE dag_run_id = $1 FOR UPDATE) prev
         WHERE ti.id = prev.id AND ti.task_id = ANY($2::text[])
           AND ti.state NOT IN ('success', 'failed', 'skipped', 'upstream_failed')
         RETURNING ti.task_id, ${INTERRUPTED_COLUMNS}`,
        [snapshot.run.id, run.unfinishedTaskIds],
      );
      finished.push(...skipped.rows.map((r) => r.task_id));
      interrupted.push(...interruptedTries(skipped.rows));
    }
    const to = run.type === 'finish_run' ? run.to : 'failed';
    const res = await client.query(
      `UPDATE dag_run SET state = $2, ended_at = now(), updated_at = now() WHERE id = $1 AND state = 'running'`,
      [snapshot.run.id, to],
    );
    if (res.rowCount === 1) runState = to;
  }
  return { enqueued, finished, interrupted, resumed, runState };
}
