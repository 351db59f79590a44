#!/usr/bin/env node
/**
 * Builds the packages a DAG repository installs — @sluice/core and
 * @sluice/sdk (with @sluice/sdk/testing) as plain JavaScript (esbuild) with
 * type declarations (tsc), and the `sluice` command (@sluice/cli, the bundle
 * of scripts/build-cli.mjs) — and packs each with `npm pack` into one folder:
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
import { buildCli, external } from './build-cli.mjs';

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
  return pack(stage);
}

/** `npm pack`s the staged package into the out folder, removes the stage, returns the tarball's path. */
function pack(stage) {
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  fs.rmSync(stage, { recursive: true, force: true });
  return path.join(out, name);
}

function installedVersion(dep) {
  return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', dep, 'package.json'), 'utf8')).version;
}

/**
 * @sluice/cli: the compiled CLI and its bin, with the SDK and core sources the
 * DAG loader builds every bundle's SDK from (dist/sluice-sources). Its
 * dependencies are what the bundle leaves out and needs (esbuild, the
 * TypeScript compiler, argon2's binding) and what those core sources import.
 */
async function packCli() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'apps/cli/package.json'), 'utf8'));
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-pack-'));
  await buildCli(path.join(stage, 'dist'));
  // No sources to compare with: bin/sluice.mjs runs the bundle as it is.
  fs.rmSync(path.join(stage, 'dist/inputs.json'));
  for (const name of ['sdk', 'core'])
    fs.cpSync(path.join(root, 'packages', name, 'src'), path.join(stage, 'dist/sluice-sources', name), {
      recursive: true,
      filter: (f) => !f.endsWith('.test.ts') && !f.endsWith('test-fixtures.ts'),
    });
  fs.mkdirSync(path.join(stage, 'bin'));
  fs.copyFileSync(path.join(root, 'apps/cli/bin/sluice.mjs'), path.join(stage, 'bin/sluice.mjs'));
  const core = JSON.parse(fs.readFileSync(path.join(root, 'packages/core/package.json'), 'utf8'));
  const needed = external.filter((dep) => dep !== 'msgpackr-extract' && dep !== 'pg-native');
  const published = {
    name: pkg.name,
    version: pkg.version,
    description: 'The sluice command: validate, test and plan DAGs, and drive a Sluice API',
    license: 'UNLICENSED',
    type: 'module',
    bin: pkg.bin,
    files: ['bin', 'dist'],
    engines: { node: '>=20.10' },
    dependencies: {
      ...Object.fromEntries(needed.map((dep) => [dep, `^${installedVersion(dep)}`])),
      ...core.dependencies,
    },
  };
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  return pack(stage);
}

fs.mkdirSync(out, { recursive: true });
for (const p of packages) process.stdout.write(`${build(p)}\n`);
process.stdout.write(`${await packCli()}\n`);
