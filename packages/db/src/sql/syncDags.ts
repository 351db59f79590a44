/**
 * Records one parse of the DAGs folder: a new version per changed DAG, the
 * current version and file of every DAG, and the import errors — all in one
 * transaction, so readers never see half a parse.
 *
 * A parse of a thousand DAGs is a handful of set-based statements, not a few
 * per DAG, and a version's bundle is only sent when Postgres does not have
 * that version yet: the scheduler re-parses the folder every few seconds,
 * and most parses change nothing.
 */
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from './queryable';
import { syncAssetReferences, type DagAssetRefs } from './assets';

export interface ParsedDag {
  dagId: string;
  fileLoc: string;
  hash: string;
  structure: unknown;
  bundle: string;
  /** The DAG file's text, stored with a new version for the UI's code view. */
  source?: string | null;
  pausedOnCreation: boolean;
}

export interface ParsedImportError {
  fileLoc: string;
  line: number | null;
  column: number | null;
  message: string;
}

export interface SyncDagsInput {
  /** A later entry for the same DAG id replaces an earlier one. */
  dags: readonly ParsedDag[];
  /** A later error for the same file replaces an earlier one. */
  errors: readonly ParsedImportError[];
  parsedAt: Date;
  /** The git commit the files were read from (a git DAG bundle); recorded on the versions this parse creates. */
  bundleCommit?: string | null;
}

/** Versions sent in one INSERT: a cold parse of many DAGs is not one huge message, nor over Postgres' 65,535 parameters. */
const versionBatch = { maxChars: 16 * 1024 * 1024, maxRows: 1000 };

export async function syncDags(pool: Pool, input: SyncDagsInput): Promise<{ newVersions: string[] }> {
  const dags = lastPerKey(input.dags, (d) => d.dagId);
  const errors = lastPerKey(input.errors, (e) => e.fileLoc);
  return withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO dag (dag_id, is_paused, is_active, file_loc, last_parsed_at, updated_at)
       SELECT d.dag_id, d.is_paused, true, d.file_loc, $4, now()
       FROM unnest($1::text[], $2::boolean[], $3::text[]) AS d(dag_id, is_paused, file_loc)
       ON CONFLICT (dag_id) DO UPDATE SET is_active = true, file_loc = EXCLUDED.file_loc,
         last_parsed_at = EXCLUDED.last_parsed_at, updated_at = now()`,
      [dags.map((d) => d.dagId), dags.map((d) => d.pausedOnCreation), dags.map((d) => d.fileLoc), input.parsedAt],
    );
    const versionIds = await findVersions(client, dags);
    const created = new Set<string>();
    for (const batch of batchesOf(
      dags.filter((d) => !versionIds.has(d.dagId)),
      versionBatch,
    )) {
      // One parameter per value, not arrays: a bundle goes over the wire as is, without array quoting on either side.
      const rows = batch.map(
        (_, i) =>
          `($${i * 7 + 1}, $${i * 7 + 2}, $${i * 7 + 3}::jsonb, $${i * 7 + 4}, $${i * 7 + 5}, $${i * 7 + 6}, $${i * 7 + 7})`,
      );
      const inserted = await client.query<{ dag_id: string; id: string }>(
        `INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc, bundle_commit, source) VALUES ${rows.join(', ')}
         ON CONFLICT (dag_id, hash) DO NOTHING
         RETURNING dag_id, id`,
        batch.flatMap((d) => [
          d.dagId,
          d.hash,
          JSON.stringify(d.structure),
          d.bundle,
          d.fileLoc,
          input.bundleCommit ?? null,
          d.source ?? null,
        ]),
      );
      for (const row of inserted.rows) {
        versionIds.set(row.dag_id, row.id);
        created.add(row.dag_id);
      }
    }
    // Another parse committed the same version after we looked: use its row.
    const raced = dags.filter((d) => !versionIds.has(d.dagId));
    if (raced.length > 0) for (const [dagId, id] of await findVersions(client, raced)) versionIds.set(dagId, id);
    const missing = dags.find((d) => !versionIds.has(d.dagId));
    if (missing) throw new Error(`Could not record version ${missing.hash} of DAG ${missing.dagId}`);
    const moved = await client.query<{ dag_id: string }>(
      // A new version may have a new timetable: the next pass works out the next run again.
      `UPDATE dag SET current_version_id = v.id, next_run_at = NULL, updated_at = now()
       FROM unnest($1::text[], $2::uuid[]) AS v(dag_id, id)
       WHERE dag.dag_id = v.dag_id AND dag.current_version_id IS DISTINCT FROM v.id
       RETURNING dag.dag_id`,
      [[...versionIds.keys()], [...versionIds.values()]],
    );
    // What the new current versions say about assets: which they wait on, which their tasks update.
    const movedIds = new Set(moved.rows.map((r) => r.dag_id));
    await syncAssetReferences(
      client,
      dags.filter((d) => movedIds.has(d.dagId)).map((d) => assetRefsOf(d.dagId, d.structure)),
    );
    // A DAG whose file is gone stops being scheduled (its history stays). A
    // DAG whose file merely broke keeps running on its last good version.
    const brokenFiles = errors.map((e) => e.fileLoc);
    await client.query(
      `UPDATE dag SET is_active = false, updated_at = now()
       WHERE is_active AND NOT (dag_id = ANY($1::text[])) AND NOT (file_loc = ANY($2::text[]))`,
      [dags.map((d) => d.dagId), brokenFiles],
    );
    await client.query(`DELETE FROM import_error WHERE NOT (file_loc = ANY($1::text[]))`, [brokenFiles]);
    if (errors.length > 0) {
      await client.query(
        `INSERT INTO import_error (file_loc, line, "column", message, created_at)
         SELECT e.file_loc, e.line, e.col, e.message, $5
         FROM unnest($1::text[], $2::integer[], $3::integer[], $4::text[]) AS e(file_loc, line, col, message)
         ON CONFLICT (file_loc) DO UPDATE SET line = EXCLUDED.line, "column" = EXCLUDED."column",
           message = EXCLUDED.message, created_at = CASE WHEN import_error.message = EXCLUDED.message
             THEN import_error.created_at ELSE EXCLUDED.created_at END`,
        [
          brokenFiles,
          errors.map((e) => e.line),
          errors.map((e) => e.column),
          errors.map((e) => e.message),
          input.parsedAt,
        ],
      );
    }
    return { newVersions: dags.filter((d) => created.has(d.dagId)).map((d) => d.dagId) };
  });
}

/** The assets a stored DagSpec names (read loosely: the spec was validated before it was stored). */
export function assetRefsOf(dagId: string, structure: unknown): DagAssetRefs {
  const spec = (structure ?? {}) as {
    assetSchedule?: { assets?: Array<string | { assets?: string[] }> };
    tasks?: Array<{ taskId?: string; outlets?: string[] }>;
  };
  const scheduledOn = (spec.assetSchedule?.assets ?? []).flatMap((i) =>
    typeof i === 'string' ? [i] : (i.assets ?? []),
  );
  const outlets = (spec.tasks ?? []).flatMap((t) => (t.outlets ?? []).map((uri) => ({ taskId: t.taskId ?? '', uri })));
  return { dagId, scheduledOn: [...new Set(scheduledOn)], outlets };
}

/** Ids of the versions Postgres already has, by DAG id, for each DAG's (id, hash). */
async function findVersions(client: PoolClient, dags: readonly ParsedDag[]): Promise<Map<string, string>> {
  const found = await client.query<{ dag_id: string; id: string }>(
    `SELECT v.dag_id, v.id FROM dag_version v
     JOIN unnest($1::text[], $2::text[]) AS p(dag_id, hash) ON v.dag_id = p.dag_id AND v.hash = p.hash`,
    [dags.map((d) => d.dagId), dags.map((d) => d.hash)],
  );
  return new Map(found.rows.map((r) => [r.dag_id, r.id]));
}

/** The items with the last one of each key kept, in order of first appearance. */
function lastPerKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

/** Consecutive batches of at most `maxRows` DAGs whose bundles and sources add up to at most `maxChars` (a larger one goes alone). */
function batchesOf(dags: readonly ParsedDag[], limits: { maxChars: number; maxRows: number }): ParsedDag[][] {
  const batches: ParsedDag[][] = [];
  let current: ParsedDag[] = [];
  let chars = 0;
  for (const d of dags) {
    const size = d.bundle.length + (d.source?.length ?? 0);
    if (current.length > 0 && (chars + size > limits.maxChars || current.length >= limits.maxRows)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(d);
    chars += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * The file each active DAG was last recorded from: the loader gives a DAG id
 * defined by two files to the one that has it, so a new file reusing an id
 * cannot take a DAG over by sorting first.
 */
export async function readDagFiles(pool: Pool): Promise<Map<string, string>> {
  const res = await pool.query<{ dag_id: string; file_loc: string }>(
    `SELECT dag_id, file_loc FROM dag WHERE is_active`,
  );
  return new Map(res.rows.map((r) => [r.dag_id, r.file_loc]));
}
