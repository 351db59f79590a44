/**
 * The compiled CLI (scripts/build-cli.mjs): it runs, and what it loads at
 * start — the static imports of main.js, followed chunk to chunk — holds no
 * database, worker, engine, DAG loader or AWS SDK code; those come with the
 * commands that use them.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
// Laid out as the package is: the bundle in dist/, the version in package.json above it.
const pkg = mkdtempSync(path.join(tmpdir(), 'sluice-cli-bundle-'));
const out = path.join(pkg, 'dist');

beforeAll(() => {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build-cli.mjs'), out], { stdio: 'pipe' });
  copyFileSync(path.join(repoRoot, 'apps/cli/package.json'), path.join(pkg, 'package.json'));
}, 120_000);
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

/** main.js and every chunk it imports statically, transitively. */
function loadedAtStart(): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    const text = readFileSync(path.join(out, file), 'utf8');
    files.set(file, text);
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)";$|^import\s*"\.\/([^"]+)";$/gms))
      visit(m[1] ?? m[2] ?? '');
  };
  visit('main.js');
  return files;
}

/** The source files esbuild marks (`// path`) in a bundle's text. */
function sourcesIn(text: string): string[] {
  return [...text.matchAll(/^\/\/ ((?:packages|apps|node_modules)\/\S+)$/gm)].map((m) => m[1] ?? '');
}

describe('the compiled CLI', () => {
  it('prints its help from the bundle alone', () => {
    const help = execFileSync(process.execPath, [path.join(out, 'main.js'), '--help'], { encoding: 'utf8' });
    expect(help).toContain('Usage: sluice');
    expect(help).toContain('dags');
  });

  it('loads at start only the command parsers, the API client and their libraries', () => {
    const sources = [...loadedAtStart().values()].flatMap(sourcesIn);
    expect(sources).toContain('apps/cli/src/program.ts');
    expect(sources).toContain('packages/client/src/client.ts');
    const heavy =
      /^(packages\/(db|engine|dag-loader|operators|queue|aws-emulator)\/|apps\/worker\/|node_modules\/(@aws-sdk|@prisma|bullmq|ioredis|pg|luxon)\/)/;
    expect(sources.filter((s) => heavy.test(s))).toEqual([]);
  });
});
