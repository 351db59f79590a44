/**
 * Bundles DAG files with esbuild: one ES module per file for Node 20, Node
 * built-ins external, an inline source map (without sources content) so
 * stack traces point at the DAG file.
 *
 * Every bundle starts with its own copy of the SDK this loader ships with,
 * so each file's dag() calls land in a registry of its own, which the bundle
 * exports. That copy is built once per call, as a script defining
 * `__sluiceSdk`, and esbuild pastes it at the top of every bundle as its
 * banner; a DAG file's `@sluice/sdk` imports read from it, and the DAG file
 * itself is the entry point. Bundling a thousand files then links and prints
 * only their own code, not the SDK a thousand times over (that was three
 * quarters of esbuild's time). The source map covers the DAG code only: a
 * frame inside the SDK shows its position in the bundle.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import * as sdk from '@sluice/sdk';

export interface BundleError {
  line: number | null;
  column: number | null;
  message: string;
}

export type BundleResult = { code: string } | { error: BundleError };

/** The name every bundle's registry accessor is exported under. */
export const registryExport = '__sluiceRegisteredDags';

const require = createRequire(import.meta.url);

/**
 * The SDK and core sources every bundle is built from: the workspace packages,
 * or, in the packed CLI, the copies shipped next to its code (the published
 * packages hold JavaScript, not the sources the slim core is cut from).
 */
function sourceEntry(pkg: 'sdk' | 'core'): string {
  const shipped = fileURLToPath(new URL(`./sluice-sources/${pkg}/index.ts`, import.meta.url));
  return existsSync(shipped) ? shipped : require.resolve(`@sluice/${pkg}`);
}
const sdkEntry = sourceEntry('sdk');
const coreEntry = sourceEntry('core');
const pureDirs = [dirname(sdkEntry) + sep, dirname(coreEntry) + sep];
const skipResolve = Symbol('sluice-skip');

const coreSrc = dirname(coreEntry);
/**
 * What the SDK needs from core at runtime. The SDK reaches core through this
 * slim module rather than core's index, which would make esbuild parse zod
 * and cron-parser only to drop them again.
 */
const slimCore = ['errors.ts', 'timezone.ts', 'ids.ts', 'aws-values.ts', 'assert-never.ts', 'mapping.ts', 'assets.ts']
  .map((f) => `export * from ${JSON.stringify(join(coreSrc, f))};`)
  .join('\n');

/** The SDK and core are free of side effects: only what is used ends up in a bundle. */
const pureSluiceFiles: esbuild.Plugin = {
  name: 'sluice-pure-files',
  setup(build) {
    build.onResolve({ filter: /^@sluice\/core$/ }, (args) =>
      args.importer.startsWith(pureDirs[0] ?? sdkEntry)
        ? { path: 'slim-core', namespace: 'sluice-slim-core', sideEffects: false }
        : { path: coreEntry, sideEffects: false },
    );
    build.onLoad({ filter: /.*/, namespace: 'sluice-slim-core' }, () => ({
      contents: slimCore,
      resolveDir: coreSrc,
      loader: 'ts',
    }));
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

/** The variable the SDK copy at the top of every bundle is assigned to. */
const sdkGlobal = '__sluiceSdk';
const sdkExports = Object.keys(sdk).join(', ');
/** What a DAG file's `@sluice/sdk` resolves to: every SDK export, read from the bundle's copy. */
const sdkLink = `export const { ${sdkExports} } = ${sdkGlobal};\n`;

const sdkFromPrelude: esbuild.Plugin = {
  name: 'sluice-sdk-from-prelude',
  setup(build) {
    build.onResolve({ filter: /^@sluice\/sdk$/ }, () => ({ path: 'sdk', namespace: 'sluice-sdk', sideEffects: false }));
    build.onLoad({ filter: /.*/, namespace: 'sluice-sdk' }, () => ({ contents: sdkLink, loader: 'js' }));
  },
};

// Lets bundled CommonJS dependencies call require() inside an ES module.
const requireShim =
  "import { createRequire as __sluiceCreateRequire } from 'node:module';\nconst require = __sluiceCreateRequire(import.meta.url);\n";

/**
 * What every bundle starts with: the require shim, the SDK as a script that
 * puts its exports (as plain properties) in `__sluiceSdk`, and the export of
 * that copy's registry.
 */
async function buildPrelude(): Promise<string> {
  const result = await esbuild.build({
    stdin: {
      contents: `import { ${sdkExports} } from ${JSON.stringify(sdkEntry)};\n${sdkGlobal} = { ${sdkExports} };\n`,
      resolveDir: dirname(sdkEntry),
      loader: 'ts',
    },
    // Paths in the script's comments are relative to the SDK, so the text is the same wherever the loader runs.
    absWorkingDir: dirname(sdkEntry),
    bundle: true,
    write: false,
    platform: 'node',
    format: 'iife',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [pureSluiceFiles],
  });
  const script = result.outputFiles?.[0]?.text;
  if (script === undefined) throw new Error('esbuild produced no SDK script');
  return `${requireShim}var ${sdkGlobal};\n${script}export const ${registryExport} = ${sdkGlobal}.registeredDags;\n`;
}

export interface BundleOptions {
  /** Source map paths are relative to this folder (default: the file's folder), so bundles do not depend on where the checkout lives. */
  rootDir?: string;
}

function commonOptions(rootDir: string, prelude: string): esbuild.BuildOptions {
  return {
    absWorkingDir: rootDir,
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcesContent: false,
    banner: { js: prelude },
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [sdkFromPrelude, pureSluiceFiles],
  };
}

function toBundleError(raw: unknown, rootDir: string, absPath: string): BundleError {
  const failure = raw as Partial<esbuild.BuildFailure>;
  const first = failure.errors?.[0];
  if (!first) return { line: null, column: null, message: raw instanceof Error ? raw.message : String(raw) };
  const loc = first.location;
  const inOtherFile = loc && join(rootDir, loc.file) !== absPath ? `${loc.file}:${loc.line}:${loc.column + 1}: ` : '';
  const others = (failure.errors?.length ?? 1) - 1;
  const message = `${inOtherFile}${first.text}${others > 0 ? ` (and ${others} more error${others > 1 ? 's' : ''})` : ''}`;
  if (!loc || inOtherFile) return { line: null, column: null, message };
  return { line: loc.line, column: loc.column + 1, message };
}

/** Bundles a DAG file; a syntax or resolution error comes back with its line and column (1-based). */
export async function bundleDagFile(absPath: string, options: BundleOptions = {}): Promise<BundleResult> {
  return bundleAlone(absPath, options.rootDir ?? dirname(absPath), await buildPrelude());
}

async function bundleAlone(absPath: string, rootDir: string, prelude: string): Promise<BundleResult> {
  try {
    const result = await esbuild.build({
      ...commonOptions(rootDir, prelude),
      entryPoints: [{ in: absPath, out: '__sluice_bundle__' }],
      outdir: rootDir,
    });
    const output = result.outputFiles?.[0];
    if (!output)
      return { error: { line: null, column: null, message: `esbuild produced no output for ${basename(absPath)}` } };
    return { code: output.text };
  } catch (raw) {
    return { error: toBundleError(raw, rootDir, absPath) };
  }
}

/**
 * Bundles many DAG files in one esbuild build, so what the files share is
 * parsed once. Files with errors are found from the error locations and
 * bundled alone to report them; the rest are rebuilt together.
 */
export async function bundleDagFiles(absPaths: readonly string[], rootDir: string): Promise<Map<string, BundleResult>> {
  const results = new Map<string, BundleResult>();
  const prelude = await buildPrelude();
  let pending = [...absPaths];
  while (pending.length > 0) {
    try {
      const result = await esbuild.build({
        ...commonOptions(rootDir, prelude),
        entryPoints: pending.map((path, i) => ({ in: path, out: `__sluice_entry_${i}` })),
        outdir: rootDir,
      });
      const outputs = new Map((result.outputFiles ?? []).map((o) => [basename(o.path), o.text]));
      pending.forEach((path, i) => {
        const code = outputs.get(`__sluice_entry_${i}.js`);
        results.set(
          path,
          code === undefined
            ? { error: { line: null, column: null, message: 'esbuild produced no output' } }
            : { code },
        );
      });
      return results;
    } catch (raw) {
      const failure = raw as Partial<esbuild.BuildFailure>;
      const failed = new Set(
        (failure.errors ?? []).flatMap((e) => (e.location ? [join(rootDir, e.location.file)] : [])),
      );
      const broken = pending.filter((p) => failed.has(p));
      // An error outside the DAG files themselves (a shared helper): bundle every file alone.
      const alone = broken.length > 0 ? broken : pending;
      const single = await Promise.all(alone.map((path) => bundleAlone(path, rootDir, prelude)));
      alone.forEach((path, i) => {
        results.set(path, single[i] ?? { error: { line: null, column: null, message: 'not bundled' } });
      });
      pending = broken.length > 0 ? pending.filter((p) => !failed.has(p)) : [];
    }
  }
  return results;
}
