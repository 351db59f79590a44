/**
 * Reads of assets for the API, the CLI and the UI: the asset list with each
 * asset's last event, one asset with its producers, consumers and recent
 * events, what a DAG waits for, and which DAGs a DAG is linked to. Each
 * read is bounded by what it returns: an asset's events are one range of
 * `asset_event_recent_idx`, never a scan of its history (ADR 0014).
 */
import type { AssetEventData } from '@sluice/core';
import { ASSET_EVENT_COLUMNS, assetEventData, type AssetEventRow } from '../sql/assets';
import type { Queryable } from '../sql/queryable';

export interface AssetListRow {
  uri: string;
  createdAt: Date;
  /** Tasks with the asset among their outlets. */
  producers: Array<{ dagId: string; taskId: string }>;
  /** DAGs scheduled on the asset. */
  consumers: string[];
  lastEvent: AssetEventData | null;
}

const REFS = `
  COALESCE((SELECT json_agg(json_build_object('dagId', r.dag_id, 'taskId', r.task_id) ORDER BY r.dag_id, r.task_id)
              FROM asset_reference r WHERE r.asset_id = a.id AND r.task_id <> ''), '[]') AS producers,
  COALESCE((SELECT json_agg(r.dag_id ORDER BY r.dag_id)
              FROM asset_reference r WHERE r.asset_id = a.id AND r.task_id = ''), '[]') AS consumers`;

/** Every asset by URI (after `afterUri`, at most `limit`), with its producers, consumers and newest event. */
export async function listAssetRows(
  db: Queryable,
  opts: { limit: number; afterUri?: string | undefined; prefix?: string | undefined },
): Promise<AssetListRow[]> {
  const res = await db.query<{
    uri: string;
    createdAt: Date;
    producers: AssetListRow['producers'];
    consumers: string[];
    last: (Omit<AssetEventRow, 'createdAt'> & { createdAt: string }) | null;
  }>(
    `SELECT a.uri, a.created_at AS "createdAt", ${REFS},
       (SELECT json_build_object('id', e.id, 'uri', a.uri, 'extra', e.extra, 'sourceDagId', e.source_dag_id,
                 'sourceRunId', e.source_run_id, 'sourceTaskId', e.source_task_id, 'sourceTry', e.source_try,
                 'sourceActor', e.source_actor, 'createdAt', e.created_at)
          FROM asset_event e WHERE e.asset_id = a.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS last
     FROM asset a
     WHERE ($2::text IS NULL OR a.uri > $2) AND ($3::text IS NULL OR starts_with(a.uri, $3))
     ORDER BY a.uri LIMIT $1`,
    [opts.limit, opts.afterUri ?? null, opts.prefix ?? null],
  );
  return res.rows.map((r) => ({
    uri: r.uri,
    createdAt: r.createdAt,
    producers: r.producers,
    consumers: r.consumers,
    lastEvent: r.last ? assetEventData({ ...r.last, createdAt: new Date(r.last.createdAt) }) : null,
  }));
}

/** An event with the runs it triggered (asset-triggered runs that consumed it). */
export interface AssetEventWithRuns extends AssetEventData {
  triggeredRuns: Array<{ dagId: string; runId: string }>;
}

export interface AssetDetailRow {
  uri: string;
  createdAt: Date;
  producers: Array<{ dagId: string; taskId: string }>;
  /** DAGs scheduled on the asset, with how many of its events each has queued (not consumed by a run yet). */
  consumers: Array<{ dagId: string; queuedEvents: number }>;
  /** Newest first. */
  events: AssetEventWithRuns[];
}

/** One asset by URI, with its newest `eventLimit` events (before `before`, when paging); null when unknown. */
export async function readAssetDetail(
  db: Queryable,
  uri: string,
  opts: { eventLimit: number; before?: { createdAt: Date; id: string } | undefined },
): Promise<AssetDetailRow | null> {
  const asset = await db.query<{ id: string; uri: string; createdAt: Date; producers: AssetDetailRow['producers'] }>(
    `SELECT a.id, a.uri, a.created_at AS "createdAt",
       COALESCE((SELECT json_agg(json_build_object('dagId', r.dag_id, 'taskId', r.task_id) ORDER BY r.dag_id, r.task_id)
                   FROM asset_reference r WHERE r.asset_id = a.id AND r.task_id <> ''), '[]') AS producers
     FROM asset a WHERE a.uri = $1`,
    [uri],
  );
  const row = asset.rows[0];
  if (!row) return null;
  const consumers = await db.query<{ dagId: string; queuedEvents: number }>(
    `SELECT r.dag_id AS "dagId",
       (SELECT count(*)::int FROM asset_dag_run_queue q WHERE q.dag_id = r.dag_id AND q.asset_id = r.asset_id) AS "queuedEvents"
     FROM asset_reference r WHERE r.asset_id = $1 AND r.task_id = '' ORDER BY r.dag_id`,
    [row.id],
  );
  const events = await db.query<AssetEventRow & { triggeredRuns: Array<{ dagId: string; runId: string }> }>(
    `SELECT ${ASSET_EVENT_COLUMNS},
       COALESCE((SELECT json_agg(json_build_object('dagId', r.dag_id, 'runId', r.run_id) ORDER BY r.queued_at)
                   FROM dag_run_asset_event l JOIN dag_run r ON r.id = l.dag_run_id
                  WHERE l.asset_event_id = e.id), '[]') AS "triggeredRuns"
     FROM asset_event e JOIN asset a ON a.id = e.asset_id
     WHERE e.asset_id = $1 AND ($3::timestamptz IS NULL OR (e.created_at, e.id) < ($3, $4::uuid))
     ORDER BY e.created_at DESC, e.id DESC LIMIT $2`,
    [row.id, opts.eventLimit, opts.before?.createdAt ?? null, opts.before?.id ?? null],
  );
  return {
    uri: row.uri,
    createdAt: row.createdAt,
    producers: row.producers,
    consumers: consumers.rows,
    events: events.rows.map((e) => ({ ...assetEventData(e), triggeredRuns: e.triggeredRuns })),
  };
}

/** Per asset a DAG has events queued for: how many, and the newest one's time. */
export async function readQueuedAssetEvents(
  db: Queryable,
  dagId: string,
): Promise<Map<string, { events: number; lastAt: Date }>> {
  const res = await db.query<{ uri: string; events: number; lastAt: Date }>(
    `SELECT a.uri, count(*)::int AS events, max(q.created_at) AS "lastAt"
     FROM asset_dag_run_queue q JOIN asset a ON a.id = q.asset_id
     WHERE q.dag_id = $1 GROUP BY a.uri`,
    [dagId],
  );
  return new Map(res.rows.map((r) => [r.uri, { events: r.events, lastAt: r.lastAt }]));
}

/** The operator kinds that name another DAG in `options.dagId`. */
export const DAG_LINK_OPERATORS = ['sluice.triggerDag', 'sluice.dagRunSensor'] as const;

export interface DagLinks {
  /** Tasks of other DAGs updating an asset this DAG is scheduled on. */
  fedBy: Array<{ uri: string; dagId: string; taskId: string }>;
  /** DAGs scheduled on an asset this DAG's tasks update. */
  feeds: Array<{ uri: string; dagId: string; taskId: string }>;
  /** Tasks of this DAG that trigger or wait on another DAG (`kind` is the operator kind). */
  linksTo: Array<{ taskId: string; kind: string; dagId: string }>;
  /** Tasks of other DAGs that trigger or wait on this one. */
  linkedFrom: Array<{ dagId: string; taskId: string; kind: string }>;
}

/**
 * Which DAGs a DAG is linked to, through assets (asset_reference) and
 * through tasks that trigger or wait on a DAG. The second reads the current
 * version of every active DAG: it is for `sluice dags show`, not for a
 * polled page.
 */
export async function readDagLinks(db: Queryable, dagId: string): Promise<DagLinks> {
  const assets = await db.query<{ direction: 'fedBy' | 'feeds'; uri: string; dagId: string; taskId: string }>(
    `SELECT 'fedBy' AS direction, a.uri, p.dag_id AS "dagId", p.task_id AS "taskId"
       FROM asset_reference mine JOIN asset_reference p ON p.asset_id = mine.asset_id AND p.task_id <> ''
         JOIN asset a ON a.id = mine.asset_id
      WHERE mine.dag_id = $1 AND mine.task_id = ''
     UNION ALL
     SELECT 'feeds', a.uri, c.dag_id, mine.task_id
       FROM asset_reference mine JOIN asset_reference c ON c.asset_id = mine.asset_id AND c.task_id = ''
         JOIN asset a ON a.id = mine.asset_id
      WHERE mine.dag_id = $1 AND mine.task_id <> ''
     ORDER BY 1, 2, 3, 4`,
    [dagId],
  );
  const links = await db.query<{ fromDag: string; taskId: string; kind: string; toDag: string }>(
    `SELECT d.dag_id AS "fromDag", t ->> 'taskId' AS "taskId", t -> 'operator' ->> 'kind' AS kind,
            t -> 'operator' -> 'options' ->> 'dagId' AS "toDag"
       FROM dag d JOIN dag_version v ON v.id = d.current_version_id
         CROSS JOIN LATERAL jsonb_array_elements(v.structure -> 'tasks') t
      WHERE d.is_active AND t -> 'operator' ->> 'kind' = ANY($2::text[])
        AND (d.dag_id = $1 OR t -> 'operator' -> 'options' ->> 'dagId' = $1)
      ORDER BY 1, 2`,
    [dagId, DAG_LINK_OPERATORS],
  );
  const pick = (direction: 'fedBy' | 'feeds') =>
    assets.rows
      .filter((r) => r.direction === direction)
      .map(({ uri, dagId: d, taskId }) => ({ uri, dagId: d, taskId }));
  return {
    fedBy: pick('fedBy'),
    feeds: pick('feeds'),
    linksTo: links.rows
      .filter((l) => l.fromDag === dagId && l.toDag !== null)
      .map((l) => ({ taskId: l.taskId, kind: l.kind, dagId: l.toDag })),
    linkedFrom: links.rows
      .filter((l) => l.toDag === dagId && l.fromDag !== dagId)
      .map((l) => ({ dagId: l.fromDag, taskId: l.taskId, kind: l.kind })),
  };
}
