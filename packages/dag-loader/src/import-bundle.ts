/**
 * What the worker uses to run `fn` tasks: imports a DAG version's bundle
 * (written once per hash to a private <tmpdir>/sluice-<uid>/bundles/<hash>.mjs,
 * checked against the bundle's content before every first import) and looks
 * task functions up by DAG and task id. Modules are cached per hash.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CallbackEvent, DagSpec } from '@sluice/core';
import type { AnyTaskRef, CallbackFunction, TaskFunction } from '@sluice/sdk';
import { registryExport } from './bundle';
import { privateDir, writeOnce } from './write-once';

/** The part of an SDK Dag a bundle exposes to the worker. */
interface BundledDag {
  dagId: string;
  toSpec(): DagSpec;
  getTaskFunction(taskId: string): TaskFunction<unknown, AnyTaskRef> | undefined;
  /** Absent in bundles built before callbacks existed. */
  getCallback?(taskId: string | null, event: CallbackEvent, index: number): CallbackFunction | undefined;
}

export interface DagModule {
  hash: string;
  dagIds: string[];
  getSpec(dagId: string): DagSpec | undefined;
  /** The function of a task that runs in the bundle; undefined for unknown DAGs, tasks, or non-function operators. */
  getTaskFunction(dagId: string, taskId: string): TaskFunction<unknown, AnyTaskRef> | undefined;
  /** A callback function of a DAG (`taskId` null) or task, by event and place in its list. */
  getCallback(dagId: string, taskId: string | null, event: CallbackEvent, index: number): CallbackFunction | undefined;
}

const cache = new Map<string, Promise<DagModule>>();

/** Directory bundles are written to: this user's only (0700). */
export const bundleCacheDir = (): Promise<string> => privateDir('bundles');

async function load(bundle: string, hash: string): Promise<DagModule> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(hash)) throw new Error(`invalid bundle hash ${JSON.stringify(hash)}`);
  const dir = await bundleCacheDir();
  const path = join(dir, `${hash}.mjs`);
  await writeOnce(path, bundle);
  // Stack traces from task code then point at the DAG file, not the bundle.
  process.setSourceMapsEnabled(true);
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const registered = mod[registryExport];
  if (typeof registered !== 'function')
    throw new Error(`bundle ${hash} does not export the DAG registry; was it built by bundleDagFile?`);
  const dags = new Map<string, BundledDag>();
  for (const d of (registered as () => readonly BundledDag[])()) dags.set(d.dagId, d);
  return {
    hash,
    dagIds: [...dags.keys()],
    getSpec: (dagId) => dags.get(dagId)?.toSpec(),
    getTaskFunction: (dagId, taskId) => dags.get(dagId)?.getTaskFunction(taskId),
    getCallback: (dagId, taskId, event, index) => dags.get(dagId)?.getCallback?.(taskId, event, index),
  };
}

/** Imports a bundle once per hash (concurrent callers share the import). */
export function importDagBundle(bundle: string, hash: string): Promise<DagModule> {
  let loaded = cache.get(hash);
  if (!loaded) {
    loaded = load(bundle, hash);
    cache.set(hash, loaded);
    loaded.catch(() => cache.delete(hash));
  }
  return loaded;
}
