/**
 * `sluice db clean` and the scheduler's daily retention: deletes finished
 * runs older than a cutoff (and everything under them), then the finished
 * backfills those runs belonged to, then old audit rows and old asset events
 * nothing refers to any more, in batches — each batch its own short transaction — optionally
 * handing each batch's task logs to `archive` first. A batch whose runs
 * were all locked by someone else ends the clean; the next one takes them.
 */
import type { Pool } from 'pg';
import {
  type CleanCounts,
  type CleanFilter,
  countOld,
  deleteOldAuditEvents,
  deleteOldBackfills,
  deleteOldAssetEvents,
  deleteRuns,
  nextOldRuns,
  noCounts,
  readRunLogs,
} from './sql/retention';

export type ArchivedLog = Awaited<ReturnType<typeof readRunLogs>>[number];

export interface CleanOptions extends CleanFilter {
  /** Runs per batch (default 10). */
  batchRuns?: number;
  /** Audit rows per batch (default 5000). */
  batchAudit?: number;
  /** Count what would go; delete nothing. */
  dryRun?: boolean;
  /** Stores a batch's task logs somewhere else before they are deleted; a throw stops the clean. */
  archive?(logs: ArchivedLog[]): Promise<void>;
  /** Told after each batch: what it deleted and how long its statement took. */
  onBatch?(deleted: CleanCounts, ms: number): void;
}

export async function cleanHistory(pool: Pool, opts: CleanOptions): Promise<CleanCounts> {
  const filter: CleanFilter = { before: opts.before, dagIds: opts.dagIds };
  if (opts.dryRun) return countOld(pool, filter);
  const total = noCounts();
  const batchRuns = opts.batchRuns ?? 10;
  for (;;) {
    const ids = await nextOldRuns(pool, filter, batchRuns);
    if (ids.length === 0) break;
    if (opts.archive) {
      const logs = await readRunLogs(pool, ids);
      if (logs.length > 0) await opts.archive(logs);
    }
    const started = performance.now();
    const deleted = await deleteRuns(pool, ids);
    opts.onBatch?.({ ...deleted, backfills: 0, auditEvents: 0, assetEvents: 0 }, performance.now() - started);
    if (deleted.runs === 0) break;
    for (const key of ['runs', 'taskInstances', 'tries', 'logLines', 'outputs', 'callbacks'] as const)
      total[key] += deleted[key];
  }
  // After the runs: a backfill goes once none of its runs is left.
  for (;;) {
    const started = performance.now();
    const n = await deleteOldBackfills(pool, filter, batchRuns);
    opts.onBatch?.({ ...noCounts(), backfills: n }, performance.now() - started);
    total.backfills += n;
    if (n < batchRuns) break;
  }
  const batchAudit = opts.batchAudit ?? 5000;
  for (;;) {
    const started = performance.now();
    const n = await deleteOldAuditEvents(pool, filter, batchAudit);
    opts.onBatch?.({ ...noCounts(), auditEvents: n }, performance.now() - started);
    total.auditEvents += n;
    if (n < batchAudit) break;
  }
  // After the runs: the triggering events of runs just deleted are free to go.
  for (;;) {
    const started = performance.now();
    const n = await deleteOldAssetEvents(pool, filter, batchAudit);
    opts.onBatch?.({ ...noCounts(), assetEvents: n }, performance.now() - started);
    total.assetEvents += n;
    if (n < batchAudit) break;
  }
  return total;
}
