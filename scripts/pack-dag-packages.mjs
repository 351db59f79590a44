#!/usr/bin/env node
/**
 * Builds the packages a DAG repository imports — @sluice/core and
 * @sluice/sdk (with @sluice/sdk/testing) — to plain JavaScript (esbuild) with
 * type declarations (tsc), and packs each with `npm pack` into one folder:
 *
 *   node scripts/pack-dag-packages.mjs [out-dir]     (default: dist/packages)
 *
 * In the monorepo the packages run from their TypeScript sources; only the
 * packed copies point their exports at dist/. Prints the tarball paths.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'dist/packages'));

/** Each package: its folder, and its public entry points (export path → source file under src/). */
const packages = [
  { dir: 'packages/core', entries: { '.': 'index.ts' } },
  { dir: 'packages/sdk', entries: { '.': 'index.ts', './testing': 'testing/index.ts' } },
];

const versions = Object.fromEntries(
  packages.map((p) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, p.dir, 'package.json'), 'utf8'));
    return [pkg.name, pkg.version];
  }),
);

function build(p) {
  const src = path.join(root, p.dir);
  const pkg = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-pack-'));
  const dist = path.join(stage, 'dist');
  const deps = Object.keys(pkg.dependencies ?? {});
  esbuild.buildSync({
    entryPoints: Object.values(p.entries).map((e) => path.join(src, 'src', e)),
    outdir: dist,
    outbase: path.join(src, 'src'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: deps,
    logLevel: 'warning',
  });
  const tsconfig = path.join(stage, 'tsconfig.build.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(src, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        rootDir: path.join(src, 'src'),
        outDir: dist,
        typeRoots: [path.join(root, 'node_modules/@types')],
      },
      include: [path.join(src, 'src')],
      exclude: [path.join(src, 'src/**/*.test.ts'), path.join(src, 'src/test-fixtures.ts')],
    }),
  );
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', tsconfig], { stdio: 'inherit' });
  const exports = Object.fromEntries(
    Object.entries(p.entries).map(([key, file]) => {
      const base = `./dist/${file.replace(/\.ts$/, '')}`;
      return [key, { types: `${base}.d.ts`, import: `${base}.js` }];
    }),
  );
  const dependencies = Object.fromEntries(
    Object.entries(pkg.dependencies ?? {}).map(([name, range]) => [
      name,
      versions[name] ? `^${versions[name]}` : range,
    ]),
  );
  const published = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: 'UNLICENSED',
    type: 'module',
    exports,
    files: ['dist'],
    engines: { node: '>=20.10' },
    dependencies,
  };
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  fs.rmSync(tsconfig);
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  fs.rmSync(stage, { recursive: true, force: true });
  return path.join(out, name);
}

fs.mkdirSync(out, { recursive: true });
for (const p of packages) process.stdout.write(`${build(p)}\n`);
