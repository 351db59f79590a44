/**
 * A DAG's versions, newest first, and one version's source: what the UI's
 * version history, code view and diff read. The bundle, which can be large,
 * is never read here.
 */
import { prepared, type Queryable } from '../sql/queryable';

export interface DagVersionRow {
  hash: string;
  fileLoc: string;
  bundleCommit: string | null;
  createdAt: Date;
  /** False for versions stored before sources were kept. */
  hasSource: boolean;
}

const versionsStatement = prepared(
  'read.dagVersions',
  `SELECT hash, file_loc AS "fileLoc", bundle_commit AS "bundleCommit", created_at AS "createdAt",
          source IS NOT NULL AS "hasSource"
   FROM dag_version WHERE dag_id = $1
   ORDER BY created_at DESC, id DESC LIMIT $2`,
);

export async function listDagVersions(db: Queryable, dagId: string, limit: number): Promise<DagVersionRow[]> {
  return (await db.query<DagVersionRow>(versionsStatement([dagId, limit]))).rows;
}

const versionSourceStatement = prepared(
  'read.dagVersionSource',
  `SELECT hash, file_loc AS "fileLoc", bundle_commit AS "bundleCommit", created_at AS "createdAt",
          source IS NOT NULL AS "hasSource", source
   FROM dag_version WHERE dag_id = $1 AND hash = $2`,
);

/** One version with its source (null when it was stored before sources were kept); null when there is none. */
export async function readDagVersionSource(
  db: Queryable,
  dagId: string,
  hash: string,
): Promise<(DagVersionRow & { source: string | null }) | null> {
  const [row] = (await db.query<DagVersionRow & { source: string | null }>(versionSourceStatement([dagId, hash]))).rows;
  return row ?? null;
}
