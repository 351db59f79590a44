/**
 * 5. DAG loading: a folder of many generated files, some broken, loaded and
 * validated as the scheduler does it (loadDagFolder, then syncDags records
 * DAG versions and import errors).
 */
import { loadDagFolder } from '@sluice/dag-loader';
import { syncDags } from '@sluice/db';
import { spread, type Spread } from '../stats';
import type { Cleanup } from '../cleanup';
import { loadingDagFiles } from '../dag-files';
import { benchFolder, createBenchSchema, writeDagFiles } from '../stack';

export interface LoadingResult {
  files: number;
  broken: number;
  reps: Array<{ loadMs: number; recordMs: number; totalMs: number }>;
  loadMs: Spread;
  totalMs: Spread;
  dagsLoaded: number;
  /** The broken files are exactly the import errors recorded in Postgres. */
  importErrorsMatch: boolean;
  importErrors: number;
}

export async function measureLoading(
  cleanup: Cleanup,
  tag: string,
  opts: { files: number; broken: number; reps: number },
): Promise<LoadingResult> {
  const files = loadingDagFiles(opts.files, opts.broken);
  const dir = await benchFolder(cleanup, `load-${tag}`);
  await writeDagFiles(dir, files);
  const { db } = await createBenchSchema(cleanup, `${tag}_load`);
  const reps: LoadingResult['reps'] = [];
  let dagsLoaded = 0;
  for (let i = 0; i < opts.reps; i++) {
    const t0 = performance.now();
    const { dags, errors } = await loadDagFolder(dir);
    const t1 = performance.now();
    await syncDags(db.pool, {
      parsedAt: new Date(),
      dags: dags.map((d) => ({
        dagId: d.dagId,
        fileLoc: d.fileLoc,
        hash: d.hash,
        structure: d.spec,
        bundle: d.bundle,
        pausedOnCreation: d.spec.pausedOnCreation,
      })),
      errors,
    });
    const t2 = performance.now();
    dagsLoaded = dags.length;
    reps.push({ loadMs: t1 - t0, recordMs: t2 - t1, totalMs: t2 - t0 });
  }
  const recorded = await db.pool.query<{ file_loc: string }>('SELECT file_loc FROM import_error ORDER BY file_loc');
  const expected = files
    .filter((f) => f.broken)
    .map((f) => f.file)
    .sort();
  const got = recorded.rows.map((r) => r.file_loc);
  return {
    files: opts.files,
    broken: opts.broken,
    reps,
    loadMs: spread(reps.map((r) => r.loadMs)),
    totalMs: spread(reps.map((r) => r.totalMs)),
    dagsLoaded,
    importErrorsMatch: got.length === expected.length && got.every((f, i) => f === expected[i]),
    importErrors: got.length,
  };
}
