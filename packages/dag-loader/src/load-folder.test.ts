import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DagSpec } from '@sluice/core';
import { bundleDagFile } from './bundle';
import { dagVersionHash } from './hash';
import { type ImportErrorInfo, type LoadResult, listDagFiles, loadCacheDir, loadDagFolder } from './load-folder';

const fixtures = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** 1-based line of the fixture line carrying `marker`. */
function lineOf(file: string, marker: string): number {
  const index = readFileSync(fixtures(file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker));
  if (index < 0) throw new Error(`marker ${marker} not in ${file}`);
  return index + 1;
}

describe('loadDagFolder on a folder of good DAG files', () => {
  let result: LoadResult;
  beforeAll(async () => {
    result = await loadDagFolder(fixtures('clean'));
  });

  it('returns each DAG with its file, valid spec, bundle and hash', () => {
    expect(result.errors).toEqual([]);
    const etl = result.dags.find((d) => d.dagId === 'fixture_etl');
    expect(etl?.fileLoc).toBe('etl.ts');
    expect(DagSpec.parse(etl?.spec)).toEqual(etl?.spec);
    expect(etl?.spec.tasks.map((t) => [t.taskId, t.upstream])).toEqual([
      ['extract', []],
      ['double', ['extract']],
      ['echo', ['double']],
      ['explode', []],
    ]);
    expect(etl?.bundle).toContain('sourceMappingURL=data:application/json;base64,');
    expect(etl && dagVersionHash(etl.spec, etl.bundle)).toBe(etl?.hash);
  });

  it('keeps each file’s text as written, for people to read', () => {
    const etl = result.dags.find((d) => d.dagId === 'fixture_etl');
    expect(etl?.source).toBe(readFileSync(join(fixtures('clean'), 'etl.ts'), 'utf8'));
  });

  it('loads every DAG a file creates, exported or not', () => {
    expect(result.dags.filter((d) => d.fileLoc === 'two_dags.ts').map((d) => d.dagId)).toEqual([
      'fixture_first',
      'fixture_second',
    ]);
  });

  it('gives the same hash when nothing changed', async () => {
    const again = await loadDagFolder(fixtures('clean'));
    expect(again.dags.map((d) => d.hash)).toEqual(result.dags.map((d) => d.hash));
  });

  it('does not write a bundle again that an earlier load wrote', async () => {
    const etl = result.dags.find((d) => d.dagId === 'fixture_etl');
    const path = join(
      await loadCacheDir(),
      `${createHash('sha256')
        .update(etl?.bundle ?? '')
        .digest('hex')
        .slice(0, 32)}.mjs`,
    );
    expect(readFileSync(path, 'utf8')).toBe(etl?.bundle);
    const before = statSync(path);
    await loadDagFolder(fixtures('clean'));
    const after = statSync(path);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });
});

describe('loadDagFolder on a folder with broken files', () => {
  let result: LoadResult;
  const errorOf = (fileLoc: string): ImportErrorInfo | undefined => result.errors.find((e) => e.fileLoc === fileLoc);

  beforeAll(async () => {
    // One child for every file, so a crash after earlier files exercises the retry in a fresh child.
    result = await loadDagFolder(fixtures('mixed'), { timeoutMs: 3000, concurrency: 1 });
  }, 60_000);

  it('keeps loading the good files', () => {
    expect(result.dags.map((d) => [d.dagId, d.fileLoc])).toEqual([
      ['fixture_etl', 'etl.ts'],
      ['fixture_type_error', 'type_error.ts'],
    ]);
  });

  it('reports a syntax error with its line and column', () => {
    expect(errorOf('syntax_error.ts')).toEqual({
      fileLoc: 'syntax_error.ts',
      line: 5,
      column: 20,
      message: 'Expected "}" but found ";"',
    });
  });

  it('reports an error thrown on import at the line that threw', () => {
    expect(errorOf('throws.ts')).toMatchObject({
      line: lineOf('mixed/throws.ts', 'throws-line'),
      column: 9,
      message: 'Error: no tables configured',
    });
  });

  it('reports an invalid dag() option at the dag() call', () => {
    expect(errorOf('bad_option.ts')).toMatchObject({
      line: lineOf('mixed/bad_option.ts', 'bad-option-line'),
      message:
        'InvalidOptionsError: dag("fixture_bad_option") option maxActiveRuns must be an integer >= 1, got number 0',
    });
  });

  it('reports validation failures with their paths, at the DAG id', () => {
    expect(errorOf('cycle.ts')?.message).toBe('DAG "fixture_cycle" is invalid: tasks.a.upstream: cycle: a → b → a');
    expect(errorOf('unknown_upstream.ts')?.message).toBe(
      'DAG "fixture_unknown_upstream" is invalid: tasks.a.upstream: unknown upstream task "ghost"',
    );
    expect(errorOf('bad_cron.ts')).toMatchObject({ line: 3, column: 28 });
    expect(errorOf('bad_cron.ts')?.message).toMatch(
      /^DAG "fixture_bad_cron" is invalid: schedule: schedule "61 \* \* \* \*" is not a valid cron expression/,
    );
  });

  it('reports the same DAG id in a second file on the second file', () => {
    expect(errorOf('repeat_of_etl.ts')).toMatchObject({
      line: 4,
      message: 'DAG "fixture_etl" is already defined in etl.ts; DAG ids must be unique',
    });
    expect(errorOf('etl.ts')).toBeUndefined();
  });

  it('turns process.exit() in a DAG file into an import error at that line', () => {
    expect(errorOf('exits.ts')).toMatchObject({
      line: lineOf('mixed/exits.ts', 'exit-line'),
      message: 'Error: DAG file called process.exit(1); DAG files must not exit the process',
    });
  });

  it('times out a file that never finishes importing', () => {
    expect(errorOf('nested/hangs.ts')).toEqual({
      fileLoc: 'nested/hangs.ts',
      line: null,
      column: null,
      message: 'importing this file took longer than 3000 ms (does it wait on something at import time?)',
    });
  });

  it('blames an uncaught exception during import on the file that threw it', () => {
    expect(errorOf('crashes_later.ts')).toMatchObject({
      line: 6,
      message: 'uncaught error while importing: Error: thrown from a timer',
    });
  });

  it('reports nothing else', () => {
    expect(result.errors.map((e) => e.fileLoc)).toEqual([
      'bad_cron.ts',
      'bad_option.ts',
      'crashes_later.ts',
      'cycle.ts',
      'exits.ts',
      'nested/hangs.ts',
      'repeat_of_etl.ts',
      'syntax_error.ts',
      'throws.ts',
      'unknown_upstream.ts',
    ]);
  });
});

describe('bundleDagFile', () => {
  it('bundles the SDK in and leaves Node built-ins external', async () => {
    const result = await bundleDagFile(fixtures('clean/etl.ts'));
    if (!('code' in result)) throw new Error(result.error.message);
    expect(result.code).toContain('function dag(');
    expect(result.code).toContain("from 'node:module'");
    // Only what the SDK uses from core is bundled, not zod.
    expect(result.code).not.toContain('ZodType');
    expect(result.code.length).toBeLessThan(100_000);
  });
});

describe('listDagFiles', () => {
  it('finds .ts files recursively, skipping tests, declarations, node_modules and dot-folders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-list-'));
    try {
      for (const file of [
        'a.ts',
        'sub/b.ts',
        'a.test.ts',
        'types.d.ts',
        'node_modules/x/c.ts',
        '.git/d.ts',
        'notes.md',
      ]) {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, file), '');
      }
      expect(await listDagFiles(dir)).toEqual([join(dir, 'a.ts'), join(dir, 'sub/b.ts')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadDagFolder when a new file reuses a DAG id', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-owners-'));
    // The newcomer sorts before the file that has the DAG.
    writeFileSync(
      join(dir, 'a_newcomer.ts'),
      `import { dag, shell } from '@sluice/sdk';\nconst d = dag({ id: 'owned' });\nd.task('new', shell({ command: 'true' }));\n`,
    );
    writeFileSync(
      join(dir, 'b_real.ts'),
      `import { dag, shell } from '@sluice/sdk';\nconst d = dag({ id: 'owned' });\nd.task('real', shell({ command: 'true' }));\n`,
    );
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the DAG with the file that had it and makes the newcomer the import error', async () => {
    const result = await loadDagFolder(dir, { owners: new Map([['owned', 'b_real.ts']]) });
    expect(result.dags.map((d) => [d.dagId, d.fileLoc, d.spec.tasks.map((t) => t.taskId)])).toEqual([
      ['owned', 'b_real.ts', ['real']],
    ]);
    expect(result.errors).toEqual([
      {
        fileLoc: 'a_newcomer.ts',
        line: 2,
        column: expect.any(Number),
        message: 'DAG "owned" is already defined in b_real.ts; DAG ids must be unique',
      },
    ]);
    // An id nobody had yet still goes to the first file in path order.
    const unowned = await loadDagFolder(dir, { owners: new Map() });
    expect(unowned.dags.map((d) => [d.dagId, d.fileLoc])).toEqual([['owned', 'a_newcomer.ts']]);
    expect(unowned.errors.map((e) => e.fileLoc)).toEqual(['b_real.ts']);
  });

  it('keeps the id for the file that had it while that file is broken', async () => {
    const brokenDir = mkdtempSync(join(tmpdir(), 'sluice-owners-broken-'));
    try {
      writeFileSync(
        join(brokenDir, 'a_newcomer.ts'),
        `import { dag, shell } from '@sluice/sdk';\nconst d = dag({ id: 'owned' });\nd.task('new', shell({ command: 'true' }));\n`,
      );
      writeFileSync(
        join(brokenDir, 'b_real.ts'),
        `import { dag } from '@sluice/sdk';\nthrow new Error('half-saved');\n`,
      );
      const result = await loadDagFolder(brokenDir, { owners: new Map([['owned', 'b_real.ts']]) });
      expect(result.dags).toEqual([]);
      expect(result.errors.map((e) => [e.fileLoc, e.message])).toEqual([
        ['a_newcomer.ts', 'DAG "owned" is already defined in b_real.ts; DAG ids must be unique'],
        ['b_real.ts', 'Error: half-saved'],
      ]);
    } finally {
      rmSync(brokenDir, { recursive: true, force: true });
    }
  });
});
