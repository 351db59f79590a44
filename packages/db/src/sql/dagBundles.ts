/**
 * Git DAG bundles (SLUICE_DAGS_GIT): the scheduler records each sync — the
 * commit it read, or why it could not — and the API records a refresh
 * request that the scheduler's next pass picks up.
 */
import type { Pool } from 'pg';
import type { Queryable } from './queryable';

export interface DagBundleRow {
  name: string;
  url: string;
  ref: string;
  path: string;
  commit: string | null;
  syncedAt: Date | null;
  refreshRequestedAt: Date | null;
  lastError: string | null;
}

const columns = `name, url, ref, path, commit, synced_at AS "syncedAt",
  refresh_requested_at AS "refreshRequestedAt", last_error AS "lastError"`;

/** Declares the bundle a scheduler reads (its url, ref and path), keeping what was synced if they did not change. */
export async function declareDagBundle(
  pool: Pool,
  b: { name: string; url: string; ref: string; path: string },
): Promise<void> {
  await pool.query(
    `INSERT INTO dag_bundle (name, url, ref, path) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, ref = EXCLUDED.ref, path = EXCLUDED.path,
       commit = CASE WHEN (dag_bundle.url, dag_bundle.ref, dag_bundle.path) = (EXCLUDED.url, EXCLUDED.ref, EXCLUDED.path)
         THEN dag_bundle.commit ELSE NULL END,
       updated_at = now()`,
    [b.name, b.url, b.ref, b.path],
  );
}

/** Records a sync: the commit read (error null), or the error and the commit kept. */
export async function recordDagBundleSync(
  pool: Pool,
  s: { name: string; commit: string | null; error: string | null; at: Date },
): Promise<void> {
  await pool.query(
    `UPDATE dag_bundle SET commit = COALESCE($2, commit), synced_at = $4, last_error = $3, updated_at = now()
     WHERE name = $1`,
    [s.name, s.commit, s.error, s.at],
  );
}

/** Asks every bundle to sync at the scheduler's next pass; returns them (none: the scheduler reads a folder). */
export async function requestDagBundleRefresh(db: Queryable): Promise<DagBundleRow[]> {
  const { rows } = await db.query<DagBundleRow>(
    `UPDATE dag_bundle SET refresh_requested_at = now(), updated_at = now() RETURNING ${columns}`,
  );
  return rows.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export async function listDagBundles(db: Queryable): Promise<DagBundleRow[]> {
  const { rows } = await db.query<DagBundleRow>(`SELECT ${columns} FROM dag_bundle ORDER BY name`);
  return rows;
}

/** Whether a refresh was asked for after the bundle's last sync. */
export async function dagBundleRefreshDue(pool: Pool, name: string): Promise<boolean> {
  const { rows } = await pool.query<{ due: boolean }>(
    `SELECT refresh_requested_at IS NOT NULL AND (synced_at IS NULL OR refresh_requested_at > synced_at) AS due
     FROM dag_bundle WHERE name = $1`,
    [name],
  );
  return rows[0]?.due ?? false;
}
