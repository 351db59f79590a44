import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDagFolder } from '@sluice/dag-loader';
import {
  brokenKinds,
  chainDag,
  independentDag,
  layeredDag,
  layeredTaskCount,
  loadingDagFiles,
  mappedFanoutDag,
  staticFanoutDag,
} from './dag-files';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// Inside the repo so the files resolve @sluice/sdk.
const dir = path.join(repoRoot, '.sluice', 'bench-test', randomBytes(6).toString('hex'));

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadingDagFiles', () => {
  it('makes 1,000 files of which exactly 20 are broken, each kind 4 times', () => {
    const files = loadingDagFiles(1000, 20);
    expect(files).toHaveLength(1000);
    expect(new Set(files.map((f) => f.file)).size).toBe(1000);
    const broken = files.filter((f) => f.broken);
    expect(broken).toHaveLength(20);
    for (const kind of brokenKinds) expect(broken.filter((f) => f.broken === kind)).toHaveLength(4);
  });

  it('spreads the broken files through the folder', () => {
    const indexes = loadingDagFiles(1000, 20).flatMap((f, i) => (f.broken ? [i] : []));
    expect(indexes[0]).toBe(25);
    expect(indexes.at(-1)).toBe(975);
  });

  it('rejects more broken files than files', () => {
    expect(() => loadingDagFiles(3, 4)).toThrow('more broken files than files');
  });
});

describe('generated DAG files load as intended', () => {
  it('every broken kind is an import error and every other file a DAG with its tasks', async () => {
    const sample = loadingDagFiles(10, 5);
    const generated = [
      ...sample,
      chainDag('chain_5', 5),
      independentDag('indep_7', 7),
      layeredDag('layers_3x4', 3, 4),
      staticFanoutDag('static_6', 6),
      mappedFanoutDag('mapped_6', 6),
      mappedFanoutDag('mapped_2000', 2000),
    ];
    await mkdir(dir, { recursive: true });
    for (const f of generated) await writeFile(path.join(dir, f.file), f.source);

    const { dags, errors } = await loadDagFolder(dir);

    expect(errors.map((e) => e.fileLoc).sort()).toEqual(
      sample
        .filter((f) => f.broken)
        .map((f) => f.file)
        .sort(),
    );
    const byId = new Map(dags.map((d) => [d.dagId, d.spec]));
    expect(byId.size).toBe(11);
    expect(byId.get('load_00000')?.tasks.map((t) => t.taskId)).toEqual(['extract', 'transform', 'load', 'report']);

    const chain = byId.get('chain_5');
    expect(chain?.tasks.map((t) => t.upstream)).toEqual([[], ['t00000'], ['t00001'], ['t00002'], ['t00003']]);
    expect(byId.get('indep_7')?.tasks.every((t) => t.upstream.length === 0)).toBe(true);

    const layers = byId.get('layers_3x4');
    expect(layers?.tasks).toHaveLength(layeredTaskCount(3, 4));
    // The first join closes the first layer; the second layer fans out from it.
    expect(layers?.tasks[4]?.upstream).toEqual(['t00000', 't00001', 't00002', 't00003']);
    expect(layers?.tasks[5]?.upstream).toEqual(['t00004']);

    // The same fan-out written out and mapped: list → 6 tasks (or 6 instances) → collect.
    const written = byId.get('static_6');
    expect(written?.tasks.map((t) => t.taskId)).toEqual([
      'list',
      't00000',
      't00001',
      't00002',
      't00003',
      't00004',
      't00005',
      'collect',
    ]);
    expect(written?.tasks.at(-1)?.upstream).toHaveLength(6);
    const mapped = byId.get('mapped_6');
    expect(mapped?.tasks.map((t) => [t.taskId, t.upstream])).toEqual([
      ['list', []],
      ['each', ['list']],
      ['collect', ['each']],
    ]);
    expect(mapped?.tasks[1]?.map).toEqual({ over: { from: 'output', taskId: 'list', path: [] } });
    // A map wider than the default limit raises the DAG's maxMapLength to fit.
    expect(byId.get('mapped_2000')?.maxMapLength).toBe(2000);
    expect(mapped?.maxMapLength).toBe(1024);
  }, 60_000);
});
