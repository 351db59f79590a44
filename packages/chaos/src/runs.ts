/**
 * Driving runs through the API and reading their outcome from Postgres, the
 * source of truth. Reads tolerate the database being away (a fault): a
 * failed read counts as "not yet".
 */
import { stoppableTaskStates, unfinishedTaskStates } from '@sluice/core';
import { taskStatesSql } from '@sluice/db';
import type { Cluster } from './cluster';
import { poll } from './faults';

async function call(cluster: Cluster, method: string, route: string, body: unknown): Promise<Response> {
  return fetch(`${cluster.apiUrl}/api/v1${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const enc = encodeURIComponent;

export async function trigger(cluster: Cluster, dagId: string, runId: string): Promise<void> {
  const res = await call(cluster, 'POST', `/dags/${enc(dagId)}/runs`, { runId });
  if (res.status !== 201) throw new Error(`trigger ${dagId}/${runId}: HTTP ${res.status} ${await res.text()}`);
}

export async function clearTask(cluster: Cluster, dagId: string, runId: string, taskId: string): Promise<void> {
  const res = await call(cluster, 'POST', `/dags/${enc(dagId)}/runs/${enc(runId)}/tasks/${enc(taskId)}/clear`, {});
  if (res.status !== 200) throw new Error(`clear ${dagId}/${runId}/${taskId}: HTTP ${res.status} ${await res.text()}`);
}

export async function markTaskFailed(cluster: Cluster, dagId: string, runId: string, taskId: string): Promise<void> {
  const res = await call(cluster, 'PATCH', `/dags/${enc(dagId)}/runs/${enc(runId)}/tasks/${enc(taskId)}`, {
    state: 'failed',
  });
  if (res.status !== 200)
    throw new Error(`mark ${dagId}/${runId}/${taskId} failed: HTTP ${res.status} ${await res.text()}`);
}

export async function runStates(
  cluster: Cluster,
  dagId: string,
  runIds: readonly string[],
): Promise<Map<string, string>> {
  const r = await cluster.pool.query<{ runId: string; state: string }>(
    'SELECT run_id AS "runId", state FROM dag_run WHERE dag_id = $1 AND run_id = ANY($2::text[])',
    [dagId, runIds],
  );
  return new Map(r.rows.map((row) => [row.runId, row.state]));
}

export interface RunsOutcome {
  runs: number;
  success: number;
  failed: number;
  /** Not ended when the bound passed. */
  stuck: number;
  stuckRuns: string[];
  /** From the first trigger to the last run's end (or the bound), ms. */
  ms: number;
}

const ended = (s: string | undefined) => s === 'success' || s === 'failed';

/** Waits until every run ended or `timeoutMs` passed; `since` is when the runs were triggered. */
export async function waitForRuns(
  cluster: Cluster,
  dagId: string,
  runIds: readonly string[],
  since: number,
  timeoutMs: number,
): Promise<RunsOutcome> {
  let last = new Map<string, string>();
  await poll(
    timeoutMs,
    async () => {
      last = await runStates(cluster, dagId, runIds);
      return runIds.every((id) => ended(last.get(id))) ? true : undefined;
    },
    250,
  );
  const ms = Date.now() - since;
  const stuckRuns = runIds.filter((id) => !ended(last.get(id)));
  const count = (s: string) => runIds.filter((id) => last.get(id) === s).length;
  return {
    runs: runIds.length,
    success: count('success'),
    failed: count('failed'),
    stuck: stuckRuns.length,
    stuckRuns,
    ms,
  };
}

export async function taskState(
  cluster: Cluster,
  dagId: string,
  runId: string,
  taskId: string,
): Promise<string | undefined> {
  const r = await cluster.pool.query<{ state: string }>(
    `SELECT ti.state FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id WHERE r.dag_id = $1 AND r.run_id = $2 AND ti.task_id = $3`,
    [dagId, runId, taskId],
  );
  return r.rows[0]?.state;
}

export interface OpenTry {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  state: string;
  hostname: string | null;
  runState: string;
}

/** Tries still running or deferred with no end time. */
export async function openTries(cluster: Cluster): Promise<OpenTry[]> {
  const r = await cluster.pool.query<OpenTry>(
    `SELECT r.dag_id AS "dagId", r.run_id AS "runId", ti.task_id AS "taskId", t.try_number AS "tryNumber", t.state, t.hostname, r.state AS "runState"
     FROM task_try t JOIN task_instance ti ON ti.id = t.task_instance_id JOIN dag_run r ON r.id = ti.dag_run_id
     WHERE t.state IN (${taskStatesSql(stoppableTaskStates)}) AND t.ended_at IS NULL ORDER BY r.run_id, ti.task_id`,
  );
  return r.rows;
}

/** Every try (1..try_number) of every task instance of `dagIds`, for mapping markers back to tries. */
export async function triesOf(
  cluster: Cluster,
  dagIds: readonly string[],
): Promise<Array<{ dagId: string; runId: string; taskId: string; tryNumber: number }>> {
  const r = await cluster.pool.query<{ dagId: string; runId: string; taskId: string; tryNumber: number }>(
    `SELECT r.dag_id AS "dagId", r.run_id AS "runId", ti.task_id AS "taskId", t.try_number AS "tryNumber"
     FROM task_try t JOIN task_instance ti ON ti.id = t.task_instance_id JOIN dag_run r ON r.id = ti.dag_run_id WHERE r.dag_id = ANY($1::text[])`,
    [dagIds],
  );
  return r.rows;
}

export interface TaskView {
  runId: string;
  taskId: string;
  state: string;
  tryNumber: number;
  hostname: string | null;
}

/** Task instances of `runIds` not in a terminal state (evidence for a stuck run), at most `limit`. */
export async function unfinishedTasks(
  cluster: Cluster,
  dagId: string,
  runIds: readonly string[],
  limit = 20,
): Promise<TaskView[]> {
  const r = await cluster.pool.query<TaskView>(
    `SELECT r.run_id AS "runId", ti.task_id AS "taskId", ti.state, ti.try_number AS "tryNumber", ti.hostname
     FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id
     WHERE r.dag_id = $1 AND r.run_id = ANY($2::text[]) AND ti.state IN (${taskStatesSql(unfinishedTaskStates)})
     ORDER BY r.run_id, ti.task_id LIMIT $3`,
    [dagId, runIds, limit],
  );
  return r.rows;
}

export interface TryView {
  taskId: string;
  tryNumber: number;
  state: string;
  hostname: string | null;
  ended: boolean;
  error: string | null;
}

/** Every try of a run's tasks with its error message (evidence for a scenario that went wrong). */
export async function triesOfRun(cluster: Cluster, dagId: string, runId: string): Promise<TryView[]> {
  const r = await cluster.pool.query<TryView>(
    `SELECT ti.task_id AS "taskId", t.try_number AS "tryNumber", t.state, t.hostname, t.ended_at IS NOT NULL AS ended,
            left(coalesce(t.error->>'name', '') || ': ' || coalesce(t.error->>'message', ''), 300) AS error
     FROM task_try t JOIN task_instance ti ON ti.id = t.task_instance_id JOIN dag_run r ON r.id = ti.dag_run_id
     WHERE r.dag_id = $1 AND r.run_id = $2 ORDER BY ti.task_id, t.try_number`,
    [dagId, runId],
  );
  return r.rows;
}
