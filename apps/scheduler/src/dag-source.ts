/**
 * Where the scheduler reads DAG files: the folder (SLUICE_DAGS_FOLDER), or a
 * git repository (SLUICE_DAGS_GIT=url#ref) fetched every
 * SLUICE_DAGS_GIT_INTERVAL_MS and whenever the API records a refresh. A
 * version read from git records the commit; a failed fetch keeps the
 * commit read last and says why in the bundle's row.
 */
import path from 'node:path';
import { toError } from '@sluice/core';
import { GitDagBundle, parseGitBundle, privateDir } from '@sluice/dag-loader';
import { dagBundleRefreshDue, declareDagBundle, recordDagBundleSync } from '@sluice/db';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import type { SchedulerConfig } from './config';

export interface DagSource {
  /** The folder to parse now and the commit it holds (null for a plain folder); `sync`: fetch first whatever the interval says. */
  folder(sync?: boolean): Promise<{ folder: string; commit: string | null }>;
  /** Whether a sync is due (interval passed, or the API asked for one); always false for a folder. */
  due(): Promise<boolean>;
  /** What it reads from, for the start-up log line. */
  describe: string;
}

/** The bundle's row name: one git bundle per Sluice for now. */
export const BUNDLE_NAME = 'default';

export async function openDagSource(config: SchedulerConfig, pool: Pool, logger: Logger): Promise<DagSource> {
  if (!config.SLUICE_DAGS_GIT) {
    const folder = config.SLUICE_DAGS_FOLDER;
    return { folder: async () => ({ folder, commit: null }), due: async () => false, describe: folder };
  }
  const spec = parseGitBundle(config.SLUICE_DAGS_GIT, config.SLUICE_DAGS_GIT_PATH);
  // A folder per process: another scheduler on this machine never sees a commit removed under it.
  const cache = path.join(await privateDir('git-bundles'), String(process.pid));
  const bundle = new GitDagBundle(spec, cache);
  await declareDagBundle(pool, { name: BUNDLE_NAME, url: spec.url, ref: spec.ref, path: spec.path });
  let lastSync = 0;
  const sync = async () => {
    lastSync = Date.now();
    const at = new Date();
    try {
      const checkout = await bundle.sync();
      await recordDagBundleSync(pool, { name: BUNDLE_NAME, commit: checkout.commit, error: null, at });
      return checkout;
    } catch (raw) {
      const err = toError(raw);
      logger.error({ err, url: spec.url, ref: spec.ref }, 'could not sync the git DAG bundle; keeping the last commit');
      await recordDagBundleSync(pool, { name: BUNDLE_NAME, commit: null, error: err.message, at });
      if (!bundle.current) throw err;
      return bundle.current;
    }
  };
  return {
    describe: `${spec.url}#${spec.ref}${spec.path ? ` (${spec.path}/)` : ''}`,
    async folder(force = false) {
      const fresh = Date.now() - lastSync < config.SLUICE_DAGS_GIT_INTERVAL_MS;
      const current = bundle.current && fresh && !force ? bundle.current : await sync();
      return { folder: current.folder, commit: current.commit };
    },
    async due() {
      if (Date.now() - lastSync >= config.SLUICE_DAGS_GIT_INTERVAL_MS) return true;
      return dagBundleRefreshDue(pool, BUNDLE_NAME);
    },
  };
}
