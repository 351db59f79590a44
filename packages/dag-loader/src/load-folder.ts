/**
 * Loads a DAG folder: bundles every DAG file in one esbuild build, imports the
 * bundles in child processes, validates each DAG and hashes it. A broken
 * file becomes an import error; the other files keep loading.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative, sep } from 'node:path';
import { DagValidationError, type DagSpec, toError, validateDag } from '@sluice/core';
import { bundleDagFiles } from './bundle';
import {
  type EvalError as ImportFailure,
  type EvalOutcome,
  type EvaluatorPool,
  createEvaluatorPool,
} from './evaluate-pool';
import { dagVersionHash } from './hash';
import { locateInStack, locateQuoted } from './stack';
import { privateDir, writeOnce } from './write-once';

export interface LoadedDag {
  dagId: string;
  /** Path of the DAG file relative to the folder, with `/` separators. */
  fileLoc: string;
  spec: DagSpec;
  /** The file's bundle: what the worker imports to run `fn` tasks. */
  bundle: string;
  /** The file's text, for people to read (the UI's code view). */
  source: string;
  /** sha256 of the canonical spec JSON and the bundle; identifies the DAG version. */
  hash: string;
}

export interface ImportErrorInfo {
  fileLoc: string;
  line: number | null;
  column: number | null;
  message: string;
}

export interface LoadResult {
  dags: LoadedDag[];
  errors: ImportErrorInfo[];
}

export interface LoadOptions {
  /** Longest one file may take to import (default 30 s). */
  timeoutMs?: number;
  /** Child processes importing files (default: up to 2, fewer on one core). */
  concurrency?: number;
  /** The environment DAG files see (default: `importEnv(process.env)`, no secrets). */
  env?: NodeJS.ProcessEnv;
  /**
   * The file each DAG id came from in the last recorded parse. When two files
   * define one id, the file that has it keeps it and the other gets the
   * import error, whichever sorts first; an id nobody had yet goes to the
   * first file in path order.
   */
  owners?: ReadonlyMap<string, string>;
}

/** Files written and queued for import at once; the pool bounds the imports themselves. */
const writeConcurrency = 64;

/**
 * Where bundles are written for the child processes to import, named after
 * their content: a bundle unchanged since an earlier load, by any process,
 * is there already. Creating a file costs far more than finding it (about
 * 1 ms against 0.02 ms on the benchmark machine), and most of a folder is
 * unchanged from one parse to the next. Like the worker's bundle cache,
 * nothing here is deleted by Sluice. The folder is this user's only (0700),
 * and a file found there is used only if it holds exactly the bundle.
 */
export const loadCacheDir = (): Promise<string> => privateDir('load');

/** Every `*.ts` file under `dir` that is not a test or declaration file, outside node_modules and dot-folders; sorted. */
export async function listDagFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) await walk(path);
      } else if (
        entry.isFile() &&
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.test.ts') &&
        !entry.name.endsWith('.d.ts')
      ) {
        found.push(path);
      }
    }
  };
  await walk(dir);
  return found.sort();
}

export function toFileLoc(dir: string, absPath: string): string {
  return relative(dir, absPath).split(sep).join('/');
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  });
  await Promise.all(runners);
  return results;
}

interface FileOutcome {
  fileLoc: string;
  absPath: string;
  bundle: string | null;
  source: string;
  specs: unknown[];
  error: ImportErrorInfo | null;
}

/** The variables a DAG file sees at import: enough to run, none of the loading process's secrets. */
export const IMPORT_ENV_NAMES: readonly string[] = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ'];

/** `source` cut down to IMPORT_ENV_NAMES and `extra` names (SLUICE_DAG_IMPORT_ENV). */
export function importEnv(source: NodeJS.ProcessEnv, extra: readonly string[] = []): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const name of [...IMPORT_ENV_NAMES, ...extra]) {
    const value = source[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Files whose import timed out, by bundle hash: an unchanged file is not
 * imported again for TIMED_OUT_RETRY_MS, so one file looping at import
 * does not make every parse wait out its timeout.
 */
const timedOut = new Map<string, { error: ImportFailure; at: number }>();
const TIMED_OUT_RETRY_MS = 10 * 60_000;

async function evaluateOnce(
  pool: EvaluatorPool,
  fileLoc: string,
  bundlePath: string,
  sha: string,
): Promise<EvalOutcome> {
  const known = timedOut.get(sha);
  if (known && Date.now() - known.at < TIMED_OUT_RETRY_MS) return { error: known.error };
  const outcome = await pool.evaluate(fileLoc, bundlePath);
  if ('error' in outcome && outcome.error.timedOut) timedOut.set(sha, { error: outcome.error, at: Date.now() });
  else timedOut.delete(sha);
  return outcome;
}

export async function loadDagFolder(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const files = await listDagFiles(dir);
  if (files.length === 0) return { dags: [], errors: [] };

  const bundleDir = await loadCacheDir();
  const pool = createEvaluatorPool(
    options.concurrency ?? Math.min(2, availableParallelism(), files.length),
    timeoutMs,
    options.env ?? importEnv(process.env),
  );
  try {
    const bundles = await bundleDagFiles(files, dir);
    const outcomes = await mapLimit(files, writeConcurrency, async (absPath): Promise<FileOutcome> => {
      const fileLoc = toFileLoc(dir, absPath);
      const bundled = bundles.get(absPath) ?? { error: { line: null, column: null, message: 'not bundled' } };
      if ('error' in bundled)
        return { fileLoc, absPath, bundle: null, source: '', specs: [], error: { fileLoc, ...bundled.error } };
      // Every bundle sits directly in bundleDir, so its source map resolves the DAG file to <bundleDir>/<fileLoc>.
      const sha = createHash('sha256').update(bundled.code).digest('hex').slice(0, 32);
      const bundlePath = join(bundleDir, `${sha}.mjs`);
      await writeOnce(bundlePath, bundled.code);
      const evaluated = await evaluateOnce(pool, fileLoc, bundlePath, sha);
      if ('specs' in evaluated) {
        const source = await readFile(absPath, 'utf8');
        return { fileLoc, absPath, bundle: bundled.code, source, specs: evaluated.specs, error: null };
      }
      const where = locateInStack(evaluated.error.stack, join(bundleDir, ...fileLoc.split('/')));
      return {
        fileLoc,
        absPath,
        bundle: null,
        source: '',
        specs: [],
        error: { fileLoc, line: where?.line ?? null, column: where?.column ?? null, message: evaluated.error.message },
      };
    });
    return await collect(outcomes, options.owners ?? new Map<string, string>());
  } finally {
    pool.close();
  }
}

/** Validates and hashes what each file defined, in file order, so "the second file" is well defined. */
async function collect(outcomes: FileOutcome[], owners: ReadonlyMap<string, string>): Promise<LoadResult> {
  const dags: LoadedDag[] = [];
  const errors: ImportErrorInfo[] = [];
  const definedIn = new Map<string, string>();
  // Ids a newcomer cannot take, even when it comes first: those whose
  // owning file still defines them, or is broken (its DAG keeps running on
  // its last good version, and keeps its id).
  const keptByOwner = new Set<string>();
  const broken = new Set(outcomes.filter((o) => o.error || o.bundle === null).map((o) => o.fileLoc));
  for (const [id, fileLoc] of owners) if (broken.has(fileLoc)) keptByOwner.add(id);
  for (const outcome of outcomes) {
    if (broken.has(outcome.fileLoc)) continue;
    for (const raw of outcome.specs) {
      const id = describeId(raw);
      if (owners.get(id) === outcome.fileLoc) keptByOwner.add(id);
    }
  }
  for (const outcome of outcomes) {
    if (outcome.error) {
      errors.push(outcome.error);
      continue;
    }
    if (outcome.specs.length === 0 || outcome.bundle === null) continue;
    /** What went wrong, and the text (a DAG id) to point at in the file. */
    const problems: Array<{ message: string; quoted: string }> = [];
    for (const raw of outcome.specs) {
      let spec: DagSpec;
      try {
        spec = validateDag(raw);
      } catch (thrown) {
        const err = toError(thrown);
        const dagId = err instanceof DagValidationError ? err.dagId : describeId(raw);
        problems.push({ message: err.message, quoted: dagId });
        continue;
      }
      const owner = owners.get(spec.dagId);
      const earlier =
        owner !== undefined && owner !== outcome.fileLoc && keptByOwner.has(spec.dagId)
          ? owner
          : definedIn.get(spec.dagId);
      if (earlier !== undefined) {
        const where = earlier === outcome.fileLoc ? 'earlier in this file' : `in ${earlier}`;
        problems.push({
          message: `DAG "${spec.dagId}" is already defined ${where}; DAG ids must be unique`,
          quoted: spec.dagId,
        });
        continue;
      }
      definedIn.set(spec.dagId, outcome.fileLoc);
      dags.push({
        dagId: spec.dagId,
        fileLoc: outcome.fileLoc,
        spec,
        bundle: outcome.bundle,
        source: outcome.source,
        hash: dagVersionHash(spec, outcome.bundle),
      });
    }
    const first = problems[0];
    if (first) {
      const at = locateQuoted(outcome.source, first.quoted);
      errors.push({
        fileLoc: outcome.fileLoc,
        line: at?.line ?? null,
        column: at?.column ?? null,
        message: problems.map((p) => p.message).join('\n'),
      });
    }
  }
  return { dags, errors };
}

function describeId(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { dagId?: unknown }).dagId : undefined;
  return typeof id === 'string' ? id : '(unknown)';
}
