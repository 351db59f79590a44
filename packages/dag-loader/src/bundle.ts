/**
 * Bundles one DAG file with esbuild: ESM for Node 20, the SDK bundled in,
 * Node built-ins external, an inline source map (without sources content)
 * so stack traces point at the DAG file. The SDK and core are marked free of
 * side effects so only what a DAG uses ends up in its bundle.
 */
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import * as esbuild from 'esbuild';

export interface BundleError {
  line: number | null;
  column: number | null;
  message: string;
}

export type BundleResult = { code: string } | { error: BundleError };

/** The name every bundle's registry accessor is exported under. */
export const registryExport = '__sluiceRegisteredDags';

const require = createRequire(import.meta.url);
const sdkEntry = require.resolve('@sluice/sdk');
const coreEntry = require.resolve('@sluice/core');
const pureDirs = [dirname(sdkEntry) + sep, dirname(coreEntry) + sep];
const skipResolve = Symbol('sluice-skip');

const sluicePackages: esbuild.Plugin = {
  name: 'sluice-packages',
  setup(build) {
    // Every DAG bundle uses the SDK this loader ships with, wherever the DAG folder is.
    build.onResolve({ filter: /^@sluice\/sdk$/ }, () => ({ path: sdkEntry, sideEffects: false }));
    build.onResolve({ filter: /^@sluice\/core$/ }, () => ({ path: coreEntry, sideEffects: false }));
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === skipResolve || !pureDirs.some((d) => args.importer.startsWith(d))) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: skipResolve,
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, sideEffects: false };
    });
  },
};

// Lets bundled CommonJS dependencies call require() inside an ES module.
const banner = "import { createRequire as __sluiceCreateRequire } from 'node:module';\nconst require = __sluiceCreateRequire(import.meta.url);";

export interface BundleOptions {
  /** Source map paths are relative to this folder (default: the file's folder), so bundles do not depend on where the checkout lives. */
  rootDir?: string;
}

/** Bundles a DAG file; a syntax or resolution error comes back with its line and column (1-based). */
export async function bundleDagFile(absPath: string, options: BundleOptions = {}): Promise<BundleResult> {
  const rootDir = options.rootDir ?? dirname(absPath);
  const entryImport = './' + relative(rootDir, absPath).split(sep).join('/');
  try {
    const result = await esbuild.build({
      stdin: {
        contents: `import ${JSON.stringify(entryImport)};\nexport { registeredDags as ${registryExport} } from '@sluice/sdk';\n`,
        resolveDir: rootDir,
        sourcefile: '<sluice-entry>',
        loader: 'ts',
      },
      absWorkingDir: rootDir,
      outfile: join(rootDir, '__sluice_bundle__.mjs'),
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      banner: { js: banner },
      legalComments: 'none',
      logLevel: 'silent',
      plugins: [sluicePackages],
    });
    const output = result.outputFiles[0];
    if (!output) return { error: { line: null, column: null, message: `esbuild produced no output for ${basename(absPath)}` } };
    return { code: output.text };
  } catch (raw) {
    const failure = raw as Partial<esbuild.BuildFailure>;
    const first = failure.errors?.[0];
    if (!first) return { error: { line: null, column: null, message: raw instanceof Error ? raw.message : String(raw) } };
    const loc = first.location;
    const inOtherFile = loc && join(rootDir, loc.file) !== absPath ? `${loc.file}:${loc.line}:${loc.column + 1}: ` : '';
    const others = (failure.errors?.length ?? 1) - 1;
    const message = `${inOtherFile}${first.text}${others > 0 ? ` (and ${others} more error${others > 1 ? 's' : ''})` : ''}`;
    if (!loc || inOtherFile) return { error: { line: null, column: null, message } };
    return { error: { line: loc.line, column: loc.column + 1, message } };
  }
}
