/**
 * Triggering runs through the API and reading what happened from Postgres,
 * the source of truth (timestamps are timestamptz(3): millisecond precision).
 */
import { ts } from '@sluice/db';
import type { Stack } from './stack';

export async function trigger(stack: Stack, dagId: string, runId: string): Promise<void> {
  const res = await fetch(`${stack.apiUrl}/api/v1/dags/${encodeURIComponent(dagId)}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ runId }),
  });
  if (res.status !== 201) throw new Error(`trigger ${dagId}/${runId}: HTTP ${res.status} ${await res.text()}`);
}

export async function markFailed(stack: Stack, dagId: string, runId: string): Promise<void> {
  await fetch(`${stack.apiUrl}/api/v1/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(runId)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'failed' }),
  });
}

export interface RunsOutcome {
  /** True when every run ended before the deadline. */
  finished: boolean;
  states: Record<string, number>;
  /** Task instances in state success across the runs. */
  succeeded: number;
}

/** Waits until every run of `runIds` is success or failed, or `timeoutMs` passes. */
export async function waitForRuns(
  stack: Stack,
  dagId: string,
  runIds: readonly string[],
  timeoutMs: number,
): Promise<RunsOutcome> {
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  for (;;) {
    const r = await stack.db.pool.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM dag_run WHERE dag_id = $1 AND run_id = ANY($2::text[]) GROUP BY state',
      [dagId, runIds],
    );
    const states = Object.fromEntries(r.rows.map((row) => [row.state, row.n]));
    const ended = (states['success'] ?? 0) + (states['failed'] ?? 0);
    if (ended === runIds.length || Date.now() > deadline) {
      const s = await stack.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id
         WHERE r.dag_id = $1 AND r.run_id = ANY($2::text[]) AND ti.state = ${ts.success}`,
        [dagId, runIds],
      );
      return { finished: ended === runIds.length, states, succeeded: s.rows[0]?.n ?? 0 };
    }
    await new Promise((res) => setTimeout(res, delay));
    delay = Math.min(200, delay * 2);
  }
}

export interface TaskTimes {
  taskId: string;
  start: number;
  end: number;
}

/** Start and end (epoch ms) of every task instance of a run, by task id. */
export async function taskTimes(stack: Stack, dagId: string, runId: string): Promise<TaskTimes[]> {
  const r = await stack.db.pool.query<TaskTimes>(
    `SELECT ti.task_id AS "taskId", (extract(epoch FROM ti.started_at) * 1000)::float8 AS start, (extract(epoch FROM ti.ended_at) * 1000)::float8 AS "end"
     FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id
     WHERE r.dag_id = $1 AND r.run_id = $2 ORDER BY ti.task_id`,
    [dagId, runId],
  );
  return r.rows;
}

/**
 * The window the runs took, from the first run being queued (the trigger)
 * to the last task instance ending, in ms; and how many task instances succeeded in it.
 */
export async function runsWindow(
  stack: Stack,
  dagId: string,
  runIds: readonly string[],
): Promise<{ ms: number; taskInstances: number }> {
  const r = await stack.db.pool.query<{ ms: number; n: number }>(
    `SELECT (extract(epoch FROM max(ti.ended_at) - min(r.queued_at)) * 1000)::float8 AS ms, count(*) FILTER (WHERE ti.state = ${ts.success})::int AS n
     FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id
     WHERE r.dag_id = $1 AND r.run_id = ANY($2::text[])`,
    [dagId, runIds],
  );
  const row = r.rows[0];
  return { ms: row?.ms ?? Number.NaN, taskInstances: row?.n ?? 0 };
}
