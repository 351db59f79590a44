/**
 * What the DAG list and the grid would show, reduced to one md5 in
 * Postgres: the API's ETag for them. A client polling with If-None-Match
 * gets a 304 for one bounded query, without the rows crossing to Node or
 * the JSON being built, while nothing it shows has moved (docs/adr/0014).
 * Every field the response shows is in the digest.
 */
import { prepared, type Queryable } from '../sql/queryable';
import { RECENT_RUNS, RUN_COUNT_CAP } from './runPages';

const NEWEST_FIRST = 'r.logical_date DESC, r.queued_at DESC, r.id DESC';
const RUN_FIELDS = `concat_ws(',', r.run_id, r.state, r.run_type, r.logical_date, r.data_interval_start,
  r.data_interval_end, r.started_at, r.ended_at)`;

const dagListDigestStatement = prepared(
  'read.dagListDigest',
  `SELECT md5(coalesce(string_agg(s.line, '|' ORDER BY s.dag_id), '')) AS digest FROM (
     SELECT d.dag_id, concat_ws(',', d.dag_id, d.is_paused, d.file_loc, d.next_run_at, d.current_version_id, runs.list) AS line
     FROM dag d
     CROSS JOIN LATERAL (
       SELECT string_agg(${RUN_FIELDS}, ';' ORDER BY ${NEWEST_FIRST}) AS list
       FROM (SELECT * FROM dag_run r WHERE r.dag_id = d.dag_id ORDER BY ${NEWEST_FIRST} LIMIT $3) r
     ) runs
     WHERE d.is_active AND d.current_version_id IS NOT NULL
       AND ($1::text IS NULL OR d.dag_id = $1) AND ($2::boolean IS NULL OR d.is_paused = $2)
   ) s`,
);

/** The digest of `listDagRows(db, q)`'s rows. */
export async function dagListDigest(db: Queryable, q: { dagId?: string; paused?: boolean } = {}): Promise<string> {
  const res = await db.query<{ digest: string }>(
    dagListDigestStatement([q.dagId ?? null, q.paused ?? null, RECENT_RUNS]),
  );
  return res.rows[0]?.digest ?? '';
}

const gridDigestStatement = prepared(
  'read.gridDigest',
  `WITH runs AS MATERIALIZED (
     SELECT * FROM dag_run r WHERE r.dag_id = $1 ORDER BY ${NEWEST_FIRST} LIMIT $2
   )
   SELECT md5(concat_ws('|',
     (SELECT current_version_id FROM dag WHERE dag_id = $1),
     (SELECT string_agg(${RUN_FIELDS}, ';' ORDER BY ${NEWEST_FIRST}) FROM runs r),
     (SELECT string_agg(concat_ws(',', ti.dag_run_id, ti.task_id, ti.map_index, ti.state, ti.try_number, ti.started_at,
                                  ti.ended_at, ti.duration_ms), ';' ORDER BY ti.dag_run_id, ti.task_id, ti.map_index)
        FROM task_instance ti WHERE ti.dag_run_id = ANY(ARRAY(SELECT id FROM runs))),
     (SELECT count(*) FROM (SELECT 1 FROM dag_run r WHERE r.dag_id = $1 LIMIT $3) c)
   )) AS digest`,
);

/** The digest of the grid of `dagId`'s last `limit` runs: its version, runs, task instances and run count. */
export async function gridDigest(db: Queryable, dagId: string, limit: number): Promise<string> {
  const res = await db.query<{ digest: string }>(gridDigestStatement([dagId, limit, RUN_COUNT_CAP + 1]));
  return res.rows[0]?.digest ?? '';
}
