/**
 * Asset events and the queues of the DAGs scheduled on them (docs/adr/0027).
 *
 * An event is recorded by a task's success (in the finish statement, see
 * finishTaskTry's OUTLET_EVENTS) or posted from outside (API, CLI); either
 * way it is queued, in the same statement, for every active and unpaused DAG
 * whose current version is scheduled on its asset. The scheduler turns a
 * DAG's queue into a run when the DAG's condition holds, in one transaction
 * under the DAG lock that creates the run, links the events to it and
 * deletes the queue rows: each batch of events makes exactly one run,
 * whichever of several schedulers gets there.
 */
import type { Pool, PoolClient } from 'pg';
import type { AssetEventData, AssetEventSource } from '@sluice/core';
import { insertDagRun, type NewDagRun } from './createDagRun';
import { withTransaction, type Queryable } from './queryable';
import type { RunMove, TaskMove } from './states';

/** Creates queue rows and runs in their first state; moves none. */
export const moves: readonly TaskMove[] = [];
export const runMoves: readonly RunMove[] = [];

/**
 * The INSERT that queues the events of CTE `events` (id, asset_id) for each
 * active, unpaused DAG scheduled on their asset: a paused DAG does not
 * collect events while it is paused (as in Airflow).
 */
export function queueForConsumers(events: string): string {
  return `INSERT INTO asset_dag_run_queue (dag_id, asset_event_id, asset_id)
       SELECT ref.dag_id, ${events}.id, ${events}.asset_id
       FROM ${events} JOIN asset_reference ref ON ref.asset_id = ${events}.asset_id AND ref.task_id = ''
         JOIN dag d ON d.dag_id = ref.dag_id AND d.is_active AND NOT d.is_paused
       ON CONFLICT DO NOTHING`;
}

/** What a DAG version declares about assets: the URIs it is scheduled on and each task's outlets. */
export interface DagAssetRefs {
  dagId: string;
  scheduledOn: readonly string[];
  outlets: ReadonlyArray<{ taskId: string; uri: string }>;
}

/**
 * Makes asset_reference say what these DAGs' current versions declare,
 * creating the assets they name, and drops queued events of assets a DAG is
 * no longer scheduled on. Called in the sync transaction for the DAGs whose
 * current version changed.
 */
export async function syncAssetReferences(client: PoolClient, dags: readonly DagAssetRefs[]): Promise<void> {
  if (dags.length === 0) return;
  const refs = dags.flatMap((d) => [
    ...d.scheduledOn.map((uri) => ({ dagId: d.dagId, taskId: '', uri })),
    ...d.outlets.map((o) => ({ dagId: d.dagId, taskId: o.taskId, uri: o.uri })),
  ]);
  const dagIds = dags.map((d) => d.dagId);
  if (refs.length > 0) {
    await client.query(
      `INSERT INTO asset (uri) SELECT DISTINCT u FROM unnest($1::text[]) AS u ORDER BY u ON CONFLICT (uri) DO NOTHING`,
      [[...new Set(refs.map((r) => r.uri))]],
    );
  }
  await client.query(`DELETE FROM asset_reference WHERE dag_id = ANY($1::text[])`, [dagIds]);
  if (refs.length > 0) {
    await client.query(
      `INSERT INTO asset_reference (asset_id, dag_id, task_id)
       SELECT a.id, r.dag_id, r.task_id FROM unnest($1::text[], $2::text[], $3::text[]) AS r(dag_id, task_id, uri)
         JOIN asset a ON a.uri = r.uri
       ON CONFLICT DO NOTHING`,
      [refs.map((r) => r.dagId), refs.map((r) => r.taskId), refs.map((r) => r.uri)],
    );
  }
  await client.query(
    `DELETE FROM asset_dag_run_queue q WHERE q.dag_id = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM asset_reference ref
                        WHERE ref.asset_id = q.asset_id AND ref.dag_id = q.dag_id AND ref.task_id = '')`,
    [dagIds],
  );
}

/**
 * Records an event posted from outside (API, CLI) and queues it for the DAGs
 * scheduled on its asset, in one statement. Null when no DAG declares an
 * asset with this URI.
 */
export async function recordExternalAssetEvent(
  db: Queryable,
  input: { uri: string; extra: Record<string, unknown>; actor: string },
): Promise<{ event: AssetEventData; queuedFor: string[] } | null> {
  const res = await db.query<{ id: string; createdAt: Date; queuedFor: string[] }>(
    `WITH ev AS (
       INSERT INTO asset_event (asset_id, extra, source_actor)
       SELECT a.id, $2::jsonb, $3 FROM asset a WHERE a.uri = $1
       RETURNING id, asset_id, created_at
     ), q AS (${queueForConsumers('ev')} RETURNING dag_id)
     SELECT ev.id, ev.created_at AS "createdAt", COALESCE((SELECT array_agg(dag_id ORDER BY dag_id) FROM q), '{}') AS "queuedFor"
     FROM ev`,
    [input.uri, JSON.stringify(input.extra), input.actor],
  );
  const row = res.rows[0];
  if (!row) return null;
  return {
    event: {
      id: row.id,
      uri: input.uri,
      extra: input.extra,
      source: { kind: 'external', actor: input.actor },
      createdAt: row.createdAt.toISOString(),
    },
    queuedFor: row.queuedFor,
  };
}

/** DAGs with at least one event queued: the only ones a scheduler pass looks at for asset-triggered runs. */
export async function dagsWithQueuedAssetEvents(db: Queryable): Promise<Set<string>> {
  // A loose index scan over the primary key: one probe per DAG, however many events wait.
  const res = await db.query<{ dag_id: string }>(
    `WITH RECURSIVE d AS (
       (SELECT dag_id FROM asset_dag_run_queue ORDER BY dag_id LIMIT 1)
       UNION ALL
       SELECT (SELECT q.dag_id FROM asset_dag_run_queue q WHERE q.dag_id > d.dag_id ORDER BY q.dag_id LIMIT 1)
       FROM d WHERE d.dag_id IS NOT NULL
     ) SELECT dag_id FROM d WHERE dag_id IS NOT NULL`,
  );
  return new Set(res.rows.map((r) => r.dag_id));
}

/** One queued event as the scheduler weighs it. */
export interface QueuedAssetEvent {
  eventId: string;
  uri: string;
  createdAt: Date;
}

/**
 * Under the DAG lock: reads the DAG's queue, asks `decide` whether (and
 * which) run to create, and if so creates it, links the queued events to it
 * and empties the queue, in one transaction. A second scheduler waits for
 * the lock and then finds the queue empty. Null when the DAG is paused or
 * gone, its queue is empty, or `decide` says not yet.
 */
export async function createAssetTriggeredRun(
  pool: Pool,
  dagId: string,
  decide: (queued: readonly QueuedAssetEvent[]) => NewDagRun | null,
): Promise<{ id: string; runId: string; events: number } | null> {
  return withTransaction(pool, async (client) => {
    // The DAG lock (as startQueuedRuns takes it).
    const dag = await client.query<{ is_paused: boolean }>(
      `SELECT is_paused FROM dag WHERE dag_id = $1 FOR NO KEY UPDATE`,
      [dagId],
    );
    const row = dag.rows[0];
    if (!row || row.is_paused) return null;
    const queued = await client.query<QueuedAssetEvent>(
      `SELECT q.asset_event_id AS "eventId", a.uri, e.created_at AS "createdAt"
       FROM asset_dag_run_queue q JOIN asset a ON a.id = q.asset_id JOIN asset_event e ON e.id = q.asset_event_id
       WHERE q.dag_id = $1 ORDER BY e.created_at, e.id`,
      [dagId],
    );
    if (queued.rows.length === 0) return null;
    const run = decide(queued.rows);
    if (!run) return null;
    const created = await insertDagRun(client, run);
    if (!created) return null;
    const ids = queued.rows.map((q) => q.eventId);
    await client.query(`INSERT INTO dag_run_asset_event (dag_run_id, asset_event_id) SELECT $1, unnest($2::uuid[])`, [
      created.id,
      ids,
    ]);
    await client.query(`DELETE FROM asset_dag_run_queue WHERE dag_id = $1 AND asset_event_id = ANY($2::uuid[])`, [
      dagId,
      ids,
    ]);
    return { id: created.id, runId: run.runId, events: ids.length };
  });
}

/** Columns of an asset event (alias `e`, its asset `a`) as an AssetEventRow. */
export const ASSET_EVENT_COLUMNS = `e.id, a.uri, e.extra, e.source_dag_id AS "sourceDagId", e.source_run_id AS "sourceRunId",
  e.source_task_id AS "sourceTaskId", e.source_try AS "sourceTry", e.source_actor AS "sourceActor", e.created_at AS "createdAt"`;

export interface AssetEventRow {
  id: string;
  uri: string;
  extra: Record<string, unknown>;
  sourceDagId: string | null;
  sourceRunId: string | null;
  sourceTaskId: string | null;
  sourceTry: number | null;
  sourceActor: string | null;
  createdAt: Date;
}

/** An event row as data. */
export function assetEventData(row: AssetEventRow): AssetEventData {
  const source: AssetEventSource =
    row.sourceTaskId !== null && row.sourceDagId !== null
      ? {
          kind: 'task',
          dagId: row.sourceDagId,
          runId: row.sourceRunId,
          taskId: row.sourceTaskId,
          tryNumber: row.sourceTry ?? 0,
        }
      : { kind: 'external', actor: row.sourceActor ?? 'unknown' };
  return { id: row.id, uri: row.uri, extra: row.extra, source, createdAt: row.createdAt.toISOString() };
}

/** The events an asset-triggered run was created for, oldest first; empty for any other run. */
export async function readTriggeringEvents(db: Queryable, dagRunId: string): Promise<AssetEventData[]> {
  const res = await db.query<AssetEventRow>(
    `SELECT ${ASSET_EVENT_COLUMNS}
     FROM dag_run_asset_event l JOIN asset_event e ON e.id = l.asset_event_id JOIN asset a ON a.id = e.asset_id
     WHERE l.dag_run_id = $1 ORDER BY e.created_at, e.id`,
    [dagRunId],
  );
  return res.rows.map(assetEventData);
}
