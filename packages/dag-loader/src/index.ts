/**
 * @sluice/dag-loader — turns a folder of DAG files into validated, hashed
 * DagSpecs with their bundles (scheduler, `sluice dags validate`), and
 * imports a bundle to run its task functions (worker).
 */
export { bundleDagFile } from './bundle';
export type { BundleResult, BundleError, BundleOptions } from './bundle';
export { loadDagFolder, listDagFiles } from './load-folder';
export type { LoadedDag, ImportErrorInfo, LoadResult, LoadOptions } from './load-folder';
export { validateDagFolder, typeCheckDagFolder } from './validate-folder';
export type { ValidateResult, ValidatedDag } from './validate-folder';
export { importDagBundle, bundleCacheDir } from './import-bundle';
export type { DagModule } from './import-bundle';
export { canonicalJson, dagVersionHash } from './hash';
export { GitDagBundle, GitBundleError, parseGitBundle } from './git-bundle';
export type { GitBundleSpec, GitBundleCheckout } from './git-bundle';
export { privateDir } from './write-once';
