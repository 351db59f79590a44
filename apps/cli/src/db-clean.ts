/** `sluice db clean` against the database: cleanHistory, with the S3 log archive when asked. */
import { cleanHistory, createDb } from '@sluice/db';
import type { CleanRequest, CleanSummary } from './context';
import { s3LogArchive } from './log-archive';

export async function cleanDbWith(
  databaseUrl: string,
  o: CleanRequest,
  env: Record<string, string | undefined>,
): Promise<CleanSummary> {
  const db = createDb({ databaseUrl, max: 1 });
  const archive = o.archiveLogs ? s3LogArchive(o.archiveLogs, env) : null;
  try {
    return await cleanHistory(db.pool, {
      before: o.before,
      dagIds: o.dagIds,
      dryRun: o.dryRun,
      batchRuns: o.batchRuns,
      ...(archive ? { archive: (logs) => archive.archive(logs) } : {}),
    });
  } finally {
    archive?.close();
    await db.close();
  }
}
