/**
 * Records one parse of the DAGs folder: a new version per changed DAG, the
 * current version and file of every DAG, and the import errors — all in one
 * transaction, so readers never see half a parse.
 */
import type { Pool } from 'pg';
import { withTransaction } from './queryable';

export interface ParsedDag {
  dagId: string;
  fileLoc: string;
  hash: string;
  structure: unknown;
  bundle: string;
  pausedOnCreation: boolean;
}

export interface ParsedImportError {
  fileLoc: string;
  line: number | null;
  column: number | null;
  message: string;
}

export interface SyncDagsInput {
  dags: readonly ParsedDag[];
  errors: readonly ParsedImportError[];
  parsedAt: Date;
}

export async function syncDags(pool: Pool, input: SyncDagsInput): Promise<{ newVersions: string[] }> {
  return withTransaction(pool, async (client) => {
    const newVersions: string[] = [];
    for (const d of input.dags) {
      await client.query(
        `INSERT INTO dag (dag_id, is_paused, is_active, file_loc, last_parsed_at, updated_at)
         VALUES ($1, $2, true, $3, $4, now())
         ON CONFLICT (dag_id) DO UPDATE SET is_active = true, file_loc = EXCLUDED.file_loc,
           last_parsed_at = EXCLUDED.last_parsed_at, updated_at = now()`,
        [d.dagId, d.pausedOnCreation, d.fileLoc, input.parsedAt],
      );
      const version = await client.query<{ id: string; created: boolean }>(
        `WITH ins AS (
           INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc)
           VALUES ($1, $2, $3::jsonb, $4, $5)
           ON CONFLICT (dag_id, hash) DO NOTHING
           RETURNING id)
         SELECT id, true AS created FROM ins
         UNION ALL
         SELECT id, false AS created FROM dag_version WHERE dag_id = $1 AND hash = $2
         LIMIT 1`,
        [d.dagId, d.hash, JSON.stringify(d.structure), d.bundle, d.fileLoc],
      );
      const row = version.rows[0];
      if (!row) throw new Error(`Could not record version ${d.hash} of DAG ${d.dagId}`);
      if (row.created) newVersions.push(d.dagId);
      await client.query(`UPDATE dag SET current_version_id = $2 WHERE dag_id = $1`, [d.dagId, row.id]);
    }
    // A DAG whose file is gone stops being scheduled (its history stays). A
    // DAG whose file merely broke keeps running on its last good version.
    const brokenFiles = input.errors.map((e) => e.fileLoc);
    await client.query(
      `UPDATE dag SET is_active = false, updated_at = now()
       WHERE is_active AND NOT (dag_id = ANY($1::text[])) AND NOT (file_loc = ANY($2::text[]))`,
      [input.dags.map((d) => d.dagId), brokenFiles],
    );
    await client.query(`DELETE FROM import_error WHERE NOT (file_loc = ANY($1::text[]))`, [brokenFiles]);
    for (const e of input.errors) {
      await client.query(
        `INSERT INTO import_error (file_loc, line, "column", message, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (file_loc) DO UPDATE SET line = EXCLUDED.line, "column" = EXCLUDED."column",
           message = EXCLUDED.message, created_at = CASE WHEN import_error.message = EXCLUDED.message
             THEN import_error.created_at ELSE EXCLUDED.created_at END`,
        [e.fileLoc, e.line, e.column, e.message, input.parsedAt],
      );
    }
    return { newVersions };
  });
}
