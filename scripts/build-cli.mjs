#!/usr/bin/env node
/**
 * Compiles the `sluice` command once, so it starts without compiling
 * TypeScript (docs/adr/0019-the-cli-compiled-once.md):
 *
 *   node scripts/build-cli.mjs [out-dir]     (default: apps/cli/dist)
 *
 * One ES module bundle of apps/cli with the workspace packages in it, split
 * at the dynamic imports so `sluice --help` loads only the command parsers
 * and the API client; the database, the DAG loader and the worker load with
 * the commands that use them. Next to it: the task process the worker forks
 * (fn-child.js), the DAG loader's import child, and inputs.json, the source
 * files the bundle was built from (bin/sluice.mjs runs the sources instead
 * when one of them is newer).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Left out of the bundle and resolved from node_modules at run time: native
 * code (argon2's binding, esbuild's binary, the optional pg and msgpackr
 * addons) and the TypeScript compiler (large, and read as files by the
 * type-check). The packed CLI lists the first four as its dependencies.
 */
export const external = ['esbuild', 'typescript', '@node-rs/argon2', 'msgpackr-extract', 'pg-native'];

// Bundled CommonJS dependencies call require() (for Node built-ins) inside ES modules.
const requireShim =
  "import { createRequire as __cliRequire } from 'node:module';\nconst require = __cliRequire(import.meta.url);";

export async function buildCli(out) {
  fs.rmSync(out, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: {
      main: path.join(root, 'apps/cli/src/main.ts'),
      'fn-child': path.join(root, 'apps/worker/src/fn-child.ts'),
    },
    outdir: out,
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    banner: { js: requireShim },
    metafile: true,
    logLevel: 'warning',
  });
  const importChild = 'packages/dag-loader/src/evaluate-child.mjs';
  fs.copyFileSync(path.join(root, importChild), path.join(out, 'evaluate-child.mjs'));
  const sources = [...Object.keys(result.metafile.inputs), importChild]
    .filter((f) => !f.includes('node_modules/'))
    .map((f) => path.relative(out, path.join(root, f)));
  fs.writeFileSync(path.join(out, 'inputs.json'), `${JSON.stringify(sources)}\n`);
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildCli(path.resolve(process.argv[2] ?? path.join(root, 'apps/cli/dist')));
}
