import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTaskContext } from '@sluice/sdk';
import { bundleCacheDir, importDagBundle } from './import-bundle';
import { loadDagFolder } from './load-folder';

const clean = fileURLToPath(new URL('./fixtures/clean', import.meta.url));

function ctxFor(dagId: string, taskId: string, upstream: string[], outputs: Record<string, unknown>) {
  const day = new Date('2026-01-05T00:00:00Z');
  return createTaskContext({
    run: {
      dagId,
      runId: 'r',
      taskId,
      logicalDate: day,
      dataInterval: { start: day, end: day },
      conf: {},
      tryNumber: 1,
      maxTries: 1,
    },
    upstream,
    outputs: new Map(Object.entries(outputs)),
    writeLog: () => undefined,
    readVariable: async (name) => Promise.reject(new Error(`no variable ${name} in this test`)),
    signal: new AbortController().signal,
  });
}

describe('importDagBundle', () => {
  it('runs task functions from a loaded bundle and caches the module per hash', async () => {
    const { dags } = await loadDagFolder(clean);
    const etl = dags.find((d) => d.dagId === 'fixture_etl');
    if (!etl) throw new Error('fixture_etl not loaded');
    const mod = await importDagBundle(etl.bundle, etl.hash);
    expect(mod.dagIds).toEqual(['fixture_etl']);
    expect(mod.getSpec('fixture_etl')).toEqual(etl.spec);

    const extract = mod.getTaskFunction('fixture_etl', 'extract');
    expect(await extract?.(ctxFor('fixture_etl', 'extract', [], {}))).toEqual({ rows: 3, day: '2026-01-05' });
    const double = mod.getTaskFunction('fixture_etl', 'double');
    expect(await double?.(ctxFor('fixture_etl', 'double', ['extract'], { extract: { rows: 3 } }))).toBe(6);
    expect(mod.getTaskFunction('fixture_etl', 'echo')).toBeUndefined();
    expect(mod.getTaskFunction('nope', 'extract')).toBeUndefined();

    expect(await importDagBundle(etl.bundle, etl.hash)).toBe(mod);
  });

  it('keeps the DAGs of different files apart', async () => {
    const { dags } = await loadDagFolder(clean);
    const two = dags.find((d) => d.dagId === 'fixture_second');
    if (!two) throw new Error('fixture_second not loaded');
    const mod = await importDagBundle(two.bundle, two.hash);
    expect(mod.dagIds).toEqual(['fixture_first', 'fixture_second']);
    expect(await mod.getTaskFunction('fixture_second', 'c')?.(ctxFor('fixture_second', 'c', ['b'], { b: 1 }))).toBe(2);
  });

  it('rejects a hash that is not a file name', async () => {
    await expect(importDagBundle('export {}', '../evil')).rejects.toThrow('invalid bundle hash');
  });
});

describe('where bundles are imported from', () => {
  it('replaces a file planted at a bundle path with the real bundle before importing it', async () => {
    const { dags } = await loadDagFolder(clean);
    const etl = dags.find((d) => d.dagId === 'fixture_etl');
    if (!etl) throw new Error('fixture_etl not loaded');
    // A new hash, so no earlier test imported it in this process.
    const hash = `planted${Date.now().toString(36)}`;
    const planted = join(await bundleCacheDir(), `${hash}.mjs`);
    await writeFile(planted, 'globalThis.__plantedRan = true; export const x = 1;');
    const mod = await importDagBundle(etl.bundle, hash);
    expect((globalThis as { __plantedRan?: boolean }).__plantedRan).toBeUndefined();
    expect(mod.dagIds).toEqual(['fixture_etl']);
    expect(await readFile(planted, 'utf8')).toBe(etl.bundle);
  });

  it('keeps bundles in a directory only this user can read or write', async () => {
    const dir = await bundleCacheDir();
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(dirname(dir))).mode & 0o777).toBe(0o700);
  });
});
