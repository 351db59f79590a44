/**
 * The two sides `sluice dags plan` compares: the DAG files in the work tree
 * (loaded and type-checked as `dags validate` does), and either the same
 * folder at another git ref (extracted with `git archive` and loaded the
 * same way) or what an API has deployed (its DAGs' current versions and
 * their runs in flight).
 */
import { execFile as execFileCb, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@sluice/client';
import { DagSpec } from '@sluice/core';
import { CommandFailed, UsageError } from './context';

const execFile = promisify(execFileCb);

export interface PlanDag {
  spec: DagSpec;
  hash: string;
  fileLoc: string;
}

export interface PlanError {
  fileLoc: string;
  line: number | null;
  column: number | null;
  message: string;
}

/** A run of the deployed DAG that has not finished: it ends on the version it started with. */
export interface InFlightRun {
  runId: string;
  state: string;
  versionHash: string;
}

export interface DeployedDag extends PlanDag {
  /** End of the latest scheduled run's data interval, null when it never ran on a schedule. */
  lastScheduledEnd: Date | null;
  /** Logical date of the oldest scheduled run the API listed, if any. */
  firstScheduled: Date | null;
  inFlight: InFlightRun[];
}

export type BaseSide =
  | { kind: 'git'; ref: string; commit: string; dags: PlanDag[]; errors: PlanError[] }
  | { kind: 'api'; url: string; dags: DeployedDag[] };

/** The work tree's DAG files: what loads, and every import and type error. */
export async function loadWorkTree(folder: string): Promise<{ dags: PlanDag[]; errors: PlanError[] }> {
  const { loadDagFolder, typeCheckDagFolder } = await import('@sluice/dag-loader');
  if (!existsSync(folder)) throw new UsageError(`DAG folder ${folder} does not exist`);
  const root = path.resolve(folder);
  const loaded = await loadDagFolder(root);
  const failed = new Set(loaded.errors.map((e) => e.fileLoc));
  const typeErrors = (await typeCheckDagFolder(root)).filter(
    (e) => !(failed.has(e.fileLoc) && /^TS1\d{3}:/.test(e.message)),
  );
  return {
    dags: loaded.dags.map((d) => ({ spec: d.spec, hash: d.hash, fileLoc: d.fileLoc })),
    errors: [...loaded.errors, ...typeErrors],
  };
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (raw) {
    const err = raw as { stderr?: string; message?: string };
    throw new CommandFailed(`git ${args.join(' ')} failed: ${(err.stderr ?? err.message ?? '').trim()}`);
  }
}

/** `git archive <commit> -- <prefix> | tar -x -C <dir>`. */
function extract(top: string, commit: string, prefix: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', commit, '--', prefix || '.'], { cwd: top });
    const tar = spawn('tar', ['-x', '-C', dir]);
    archive.stdout.pipe(tar.stdin);
    let stderr = '';
    archive.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    tar.on('error', reject);
    archive.on('error', reject);
    tar.on('exit', (code) =>
      code === 0 ? resolve() : reject(new CommandFailed(`git archive ${commit} failed: ${stderr.trim()}`)),
    );
  });
}

/** The same DAG folder at `ref`: extracted to a temporary folder, loaded, removed. */
export async function loadGitRef(folder: string, ref: string): Promise<BaseSide> {
  const { loadDagFolder } = await import('@sluice/dag-loader');
  const dir = path.resolve(folder);
  const top = await git(dir, ['rev-parse', '--show-toplevel']);
  const prefix = (await git(dir, ['rev-parse', '--show-prefix'])).replace(/\/$/, '');
  const commit = await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new UsageError(`--base ${ref} is not a commit in ${top}`);
  });
  const listed = await git(top, ['ls-tree', '--name-only', commit, '--', prefix || '.']);
  if (listed === '') return { kind: 'git', ref, commit, dags: [], errors: [] };
  const tmp = await mkdtemp(path.join(tmpdir(), 'sluice-plan-'));
  try {
    await extract(top, commit, prefix, tmp);
    // Imports of npm packages resolve as they do in the work tree.
    if (existsSync(path.join(top, 'node_modules')))
      await symlink(path.join(top, 'node_modules'), path.join(tmp, 'node_modules'));
    const loaded = await loadDagFolder(path.join(tmp, prefix));
    return {
      kind: 'git',
      ref,
      commit,
      dags: loaded.dags.map((d) => ({ spec: d.spec, hash: d.hash, fileLoc: d.fileLoc })),
      errors: loaded.errors,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** What the API at `url` runs: every active DAG's current version and its unfinished runs. */
export async function loadDeployed(url: string, env: Record<string, string | undefined>): Promise<BaseSide> {
  const token = env.SLUICE_API_TOKEN;
  const client = createClient({
    baseUrl: url,
    ...(token
      ? {
          fetch: (input: string | URL | Request, init?: RequestInit) =>
            globalThis.fetch(input, {
              ...init,
              headers: { ...(init?.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
            }),
        }
      : {}),
  });
  const page = await client.listDags();
  const dags: DeployedDag[] = [];
  for (const summary of page.items) {
    const detail = await client.getDag(summary.dagId);
    const scheduled = detail.recentRuns.filter((r) => r.runType === 'scheduled');
    const latest = scheduled.reduce<string | null>(
      (max, r) => (max === null || r.dataIntervalEnd > max ? r.dataIntervalEnd : max),
      null,
    );
    const oldest = scheduled.reduce<string | null>(
      (min, r) => (min === null || r.logicalDate < min ? r.logicalDate : min),
      null,
    );
    const inFlight: InFlightRun[] = [];
    for (const run of detail.recentRuns.filter((r) => r.state === 'queued' || r.state === 'running')) {
      const full = await client.getRun(detail.dagId, run.runId);
      inFlight.push({ runId: run.runId, state: run.state, versionHash: full.versionHash });
    }
    dags.push({
      spec: DagSpec.parse(detail.spec),
      hash: detail.versionHash,
      fileLoc: detail.fileLoc,
      lastScheduledEnd: latest === null ? null : new Date(latest),
      firstScheduled: oldest === null ? null : new Date(oldest),
      inFlight,
    });
  }
  return { kind: 'api', url, dags };
}
