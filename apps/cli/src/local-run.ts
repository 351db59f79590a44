/**
 * What `sluice tasks test` and `sluice dags test` run on: the DAG loaded from
 * the folder as the scheduler loads it (bundled, imported in a child,
 * validated), and the worker's operators behind a runner that needs no
 * database or Redis. EMR and Glue tasks go to an emulator started in this
 * process unless AWS is configured (as `sluice start` decides).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DagSpec } from '@sluice/core';
import type { CachedDagVersion } from '@sluice/engine';
import type { LocalRunner } from '@sluice/worker';
import { wantsEmulator } from './aws-env';
import { CommandFailed, EXIT } from './context';

export interface LocalDag {
  spec: DagSpec;
  version: CachedDagVersion;
  fileLoc: string;
}

/** Loads the folder and picks one DAG; a DAG that did not load fails the command with its file's import errors. */
export async function loadLocalDag(folder: string, dagId: string): Promise<LocalDag> {
  const { loadDagFolder } = await import('@sluice/dag-loader');
  const { indexDagVersion } = await import('@sluice/engine');
  if (!existsSync(folder)) throw new CommandFailed(`DAG folder ${folder} does not exist (set SLUICE_DAGS_FOLDER)`);
  const loaded = await loadDagFolder(path.resolve(folder));
  const found = loaded.dags.find((d) => d.dagId === dagId);
  if (!found) {
    const errors = loaded.errors.map((e) => `  ${e.fileLoc}${e.line === null ? '' : `:${e.line}`}: ${e.message}`);
    const known = loaded.dags.map((d) => d.dagId).join(', ') || 'none';
    throw new CommandFailed(
      [
        `no DAG "${dagId}" in ${folder} (DAGs there: ${known})`,
        ...(errors.length ? ['import errors:', ...errors] : []),
      ].join('\n'),
      EXIT.failed,
    );
  }
  return {
    spec: found.spec,
    version: indexDagVersion(`local:${found.hash.slice(0, 12)}`, found.hash, found.spec, found.bundle),
    fileLoc: found.fileLoc,
  };
}

export interface OpenedRunner {
  runner: LocalRunner;
  /** Set when EMR/Glue tasks go to the emulator started for this run. */
  emulatorUrl: string | null;
  close(): Promise<void>;
}

/** A runner for `spec`'s tasks, with the emulator started first when they need AWS and none is configured. */
export async function openRunner(
  spec: DagSpec,
  folder: string,
  env: Record<string, string | undefined>,
): Promise<OpenedRunner> {
  const { createLocalRunner } = await import('@sluice/worker');
  const { externalOperators } = await import('@sluice/operators');
  const needsAws = spec.tasks.some((t) => externalOperators.has(t.operator.kind));
  const variables = localVariables(env);
  if (!needsAws || !wantsEmulator(env)) {
    const runner = createLocalRunner({ variables });
    return { runner, emulatorUrl: null, close: async () => runner.close() };
  }
  const { startAwsEmulator, readSeed, applySeed } = await import('@sluice/aws-emulator');
  const emulator = await startAwsEmulator();
  const seedFile = path.join(folder, 'aws-emulator.json');
  if (existsSync(seedFile)) applySeed(emulator, await readSeed(seedFile));
  const runner = createLocalRunner({
    aws: {
      endpoint: emulator.url,
      region: env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
    },
    checkMinMs: 200,
    checkMaxMs: 1_000,
    variables,
  });
  return {
    runner,
    emulatorUrl: emulator.url,
    close: async () => {
      runner.close();
      await emulator.close();
    },
  };
}

/** Variables for a local run, from `SLUICE_VAR_<NAME>` (the name as written after the prefix, and lower-cased). */
export function localVariables(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('SLUICE_VAR_') || value === undefined) continue;
    const name = key.slice('SLUICE_VAR_'.length);
    out[name] = value;
    out[name.toLowerCase()] ??= value;
  }
  return out;
}
