/**
 * Parses the DAGs folder (in child processes: user code never runs in the
 * scheduler) and records the result: new DAG versions, import errors.
 */
import { loadDagFolder } from '@sluice/dag-loader';
import { readDagFiles, syncDags } from '@sluice/db';
import type { Logger } from 'pino';
import type { Pool } from 'pg';

export async function processDagFolder(
  pool: Pool,
  folder: string,
  logger: Logger,
  bundleCommit: string | null = null,
): Promise<{ dags: number; errors: number }> {
  const started = Date.now();
  const { dags, errors } = await loadDagFolder(folder, { owners: await readDagFiles(pool) });
  const { newVersions } = await syncDags(pool, {
    parsedAt: new Date(),
    bundleCommit,
    dags: dags.map((d) => ({
      dagId: d.dagId,
      fileLoc: d.fileLoc,
      hash: d.hash,
      structure: d.spec,
      bundle: d.bundle,
      source: d.source,
      pausedOnCreation: d.spec.pausedOnCreation,
    })),
    errors,
  });
  if (newVersions.length > 0) logger.info({ dags: newVersions }, 'new DAG versions');
  for (const e of errors) logger.warn({ file: e.fileLoc, line: e.line, message: e.message }, 'DAG import error');
  logger.debug({ dags: dags.length, errors: errors.length, ms: Date.now() - started }, 'parsed DAGs folder');
  return { dags: dags.length, errors: errors.length };
}
