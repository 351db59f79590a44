import type { Queryable } from '../sql/queryable';

/**
 * The tags of each DAG's current version, for access checks: one DAG, or
 * every DAG (bounded by the number of DAGs, never by history).
 */
export async function readDagTags(db: Queryable, dagId?: string): Promise<Map<string, string[]>> {
  const res = await db.query<{ dag_id: string; tags: unknown }>(
    `SELECT d.dag_id, v.structure -> 'tags' AS tags
       FROM dag d LEFT JOIN dag_version v ON v.id = d.current_version_id
      ${dagId === undefined ? '' : 'WHERE d.dag_id = $1'}`,
    dagId === undefined ? [] : [dagId],
  );
  return new Map(
    res.rows.map((r) => [
      r.dag_id,
      Array.isArray(r.tags) ? r.tags.filter((t): t is string => typeof t === 'string') : [],
    ]),
  );
}
