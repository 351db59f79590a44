/**
 * A DAG bundle from git: `url#ref` fetched into a bare mirror this process
 * keeps, and the commit `ref` names extracted (`git archive`) into a folder
 * of its own, which the scheduler parses like any DAGs folder. The folder
 * of the commit read last stays until the next commit is extracted; rolling
 * back is pointing `ref` at an older commit.
 */
import { execFile as execFileCb, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { InvalidOptionsError } from '@sluice/core';

const execFile = promisify(execFileCb);

export interface GitBundleSpec {
  url: string;
  /** A branch, tag or commit (default: the remote's HEAD). */
  ref: string;
  /** The folder of the repository holding the DAG files ('' or '.': its root). */
  path: string;
}

export interface GitBundleCheckout {
  commit: string;
  /** The DAG folder inside the extracted commit. */
  folder: string;
}

/** Thrown when git cannot fetch the repository or find the ref. */
export class GitBundleError extends Error {
  override readonly name = 'GitBundleError';
}

/** `https://host/repo.git#main` → url and ref; a bad value throws naming the variable. */
export function parseGitBundle(value: string, dagsPath: string, variable = 'SLUICE_DAGS_GIT'): GitBundleSpec {
  const hash = value.lastIndexOf('#');
  const url = (hash === -1 ? value : value.slice(0, hash)).trim();
  const ref = hash === -1 ? 'HEAD' : value.slice(hash + 1).trim();
  if (url === '') throw new InvalidOptionsError(`${variable} ${JSON.stringify(value)} has no repository URL`);
  if (ref === '' || ref.startsWith('-') || /\s|\.\./.test(ref))
    throw new InvalidOptionsError(`${variable} ${JSON.stringify(value)}: "${ref}" is not a branch, tag or commit`);
  const clean = dagsPath.replace(/^\.?\/*|\/+$/g, '');
  if (clean.split('/').includes('..'))
    throw new InvalidOptionsError(`the DAGs path ${JSON.stringify(dagsPath)} leaves the repository`);
  return { url, ref, path: clean };
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, env: gitEnv() });
    return stdout.trim();
  } catch (raw) {
    const err = raw as { stderr?: string; message?: string };
    throw new GitBundleError(`git ${args[0]} failed: ${(err.stderr || err.message || '').trim()}`);
  }
}

/** git never prompts for credentials here: a scheduler has no one to answer. */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0' };
}

function extract(mirror: string, commit: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', commit], { cwd: mirror, env: gitEnv() });
    const tar = spawn('tar', ['-x', '-C', into]);
    archive.stdout.pipe(tar.stdin);
    let stderr = '';
    archive.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    archive.on('error', reject);
    tar.on('error', reject);
    tar.on('exit', (code) =>
      code === 0 ? resolve() : reject(new GitBundleError(`git archive ${commit} failed: ${stderr.trim()}`)),
    );
  });
}

export class GitDagBundle {
  readonly #mirror: string;
  readonly #trees: string;
  #current: GitBundleCheckout | null = null;

  /** `cacheDir`: where the mirror and extracted commits live (this user's only). */
  constructor(
    readonly spec: GitBundleSpec,
    cacheDir: string,
  ) {
    const key = createHash('sha256').update(spec.url).digest('hex').slice(0, 16);
    this.#mirror = path.join(cacheDir, `${key}.git`);
    this.#trees = path.join(cacheDir, `${key}-commits`);
  }

  /** The checkout read last, if any. */
  get current(): GitBundleCheckout | null {
    return this.#current;
  }

  /** Fetches the repository, resolves the ref and extracts its commit if it is not the current one. */
  async sync(): Promise<GitBundleCheckout> {
    if (!existsSync(this.#mirror)) {
      await mkdir(path.dirname(this.#mirror), { recursive: true, mode: 0o700 });
      await git(path.dirname(this.#mirror), ['init', '--quiet', '--bare', this.#mirror]);
    }
    await git(this.#mirror, [
      'fetch',
      '--quiet',
      '--force',
      '--prune',
      '--tags',
      this.spec.url,
      '+HEAD:refs/remotes/origin/HEAD',
      '+refs/heads/*:refs/heads/*',
    ]);
    const ref = this.spec.ref === 'HEAD' ? 'refs/remotes/origin/HEAD' : this.spec.ref;
    const commit = await git(this.#mirror, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
      throw new GitBundleError(`"${this.spec.ref}" is not a branch, tag or commit of ${this.spec.url}`);
    });
    if (this.#current?.commit === commit) return this.#current;
    const tree = path.join(this.#trees, commit);
    if (!existsSync(tree)) {
      const partial = `${tree}.partial-${process.pid}`;
      await rm(partial, { recursive: true, force: true });
      await mkdir(partial, { recursive: true, mode: 0o700 });
      await extract(this.#mirror, commit, partial);
      await rename(partial, tree);
    }
    const folder = this.spec.path ? path.join(tree, this.spec.path) : tree;
    if (!existsSync(folder)) {
      await rm(tree, { recursive: true, force: true });
      throw new GitBundleError(`commit ${commit.slice(0, 12)} of ${this.spec.url} has no folder "${this.spec.path}"`);
    }
    const previous = this.#current;
    this.#current = { commit, folder };
    if (previous) await rm(path.join(this.#trees, previous.commit), { recursive: true, force: true });
    return this.#current;
  }
}
