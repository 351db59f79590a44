/**
 * `sluice dags validate`: loads a DAG folder exactly as the scheduler would
 * and type-checks its files with the TypeScript compiler, so a wrong
 * `ctx.output` type fails a pull request before it reaches production.
 */
import { resolve } from 'node:path';
import type ts from 'typescript';
import { type ImportErrorInfo, type LoadOptions, listDagFiles, loadDagFolder, toFileLoc } from './load-folder';

export interface ValidatedDag {
  dagId: string;
  fileLoc: string;
  taskCount: number;
}

export interface ValidateResult {
  dags: ValidatedDag[];
  errors: ImportErrorInfo[];
}

/** The compiler options of the nearest tsconfig.json above `dir`, or strict defaults. */
function compilerOptionsFor(ts: typeof import('typescript'), dir: string): ts.CompilerOptions {
  const defaults: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    isolatedModules: true,
  };
  const configPath = ts.findConfigFile(dir, (f) => ts.sys.fileExists(f), 'tsconfig.json');
  if (!configPath) return { ...defaults, noEmit: true };
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    },
  );
  return { ...(parsed?.options ?? defaults), noEmit: true };
}

/** Type errors in the DAG files under `dir` (not in what they import from elsewhere). */
export async function typeCheckDagFolder(dir: string): Promise<ImportErrorInfo[]> {
  // Loaded here, not with the package: the compiler is ~100 MB of memory the
  // scheduler and workers, which only load and run DAGs, never need.
  const { default: ts } = await import('typescript');
  const files = await listDagFiles(dir);
  if (files.length === 0) return [];
  const program = ts.createProgram(files, compilerOptionsFor(ts, dir));
  const inFolder = new Set(files.map((f) => resolve(f)));
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const source of program.getSourceFiles()) {
    if (!inFolder.has(resolve(source.fileName))) continue;
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d): ImportErrorInfo => {
      const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      if (!d.file || d.start === undefined) return { fileLoc: '', line: null, column: null, message };
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return { fileLoc: toFileLoc(dir, resolve(d.file.fileName)), line: line + 1, column: character + 1, message };
    });
}

/** Loads and type-checks every DAG file under `dir`, touching no database. */
export async function validateDagFolder(dir: string, options: LoadOptions = {}): Promise<ValidateResult> {
  const root = resolve(dir);
  const loaded = await loadDagFolder(root, options);
  const typeErrors = await typeCheckDagFolder(root);
  // The bundler already reported a file's syntax error; the compiler's TS1xxx follow-ups would repeat it.
  const failed = new Set(loaded.errors.map((e) => e.fileLoc));
  const errors = [
    ...loaded.errors,
    ...typeErrors.filter((e) => !(failed.has(e.fileLoc) && /^TS1\d{3}:/.test(e.message))),
  ];
  errors.sort((a, b) => (a.fileLoc < b.fileLoc ? -1 : a.fileLoc > b.fileLoc ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  return {
    dags: loaded.dags.map((d) => ({ dagId: d.dagId, fileLoc: d.fileLoc, taskCount: d.spec.tasks.length })),
    errors,
  };
}
