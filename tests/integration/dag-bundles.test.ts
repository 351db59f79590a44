/**
 * DAG bundles from git: the scheduler reads DAGs from a bare repository made
 * here with the git CLI, a DAG version and each run record the commit, a
 * refresh (what a merge webhook calls) moves to the new commit, a force-push
 * to an older commit rolls back; `sluice dags plan --against` compares a
 * work tree with what this API runs.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DagBundle, DagSummary } from '@sluice/client';
import { type Harness, repoRoot, startHarness, waitFor } from './harness';

const root = mkdtempSync(path.join(tmpdir(), 'sluice-bundle-test-'));
const bare = path.join(root, 'dags.git');
const work = path.join(root, 'work');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

function dagSource(answer: string): string {
  return `import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'bundled', schedule: null });
d.task('answer', fn(async () => '${answer}'));
`;
}

/** Commits dags/bundled.ts answering `answer` and pushes it to main; returns the commit. */
function commit(answer: string): string {
  writeFileSync(path.join(work, 'dags', 'bundled.ts'), dagSource(answer));
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', `answer ${answer}`);
  git(work, 'push', '-q', 'origin', 'HEAD:main');
  return git(work, 'rev-parse', 'HEAD');
}

let h: Harness;
let first: string;

beforeAll(async () => {
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  git(root, 'clone', '-q', bare, work);
  execFileSync('mkdir', ['-p', path.join(work, 'dags')]);
  first = commit('v1');
  h = await startHarness({
    dags: {},
    env: { SLUICE_DAGS_GIT: `file://${bare}#main`, SLUICE_DAGS_GIT_INTERVAL_MS: '600000' },
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  rmSync(root, { recursive: true, force: true });
});

const dagOf = async (): Promise<DagSummary> => (await request(h.app).get('/api/v1/dags/bundled')).body as DagSummary;

async function runAnswer(): Promise<{ commit: string | null; output: unknown }> {
  const run = await h.trigger('bundled');
  const done = await h.waitForRun('bundled', run.runId, ['success', 'failed']);
  const ti = await request(h.app).get(`/api/v1/dags/bundled/runs/${encodeURIComponent(run.runId)}/tasks/answer`);
  return { commit: done.bundleCommit, output: (ti.body as { output: unknown }).output };
}

describe('DAG bundles from git', () => {
  it('records the commit on the version and on a run, and shows it in the API', async () => {
    expect(await dagOf()).toMatchObject({ bundleCommit: first, sourceUrl: null }); // a file:// repository has no web view
    const bundles = (await request(h.app).get('/api/v1/dag-bundles')).body as { items: DagBundle[] };
    expect(bundles.items).toMatchObject([
      { name: 'default', url: `file://${bare}`, ref: 'main', path: 'dags', commit: first, lastError: null },
    ]);
    expect(await runAnswer()).toEqual({ commit: first, output: 'v1' });
  });

  it('moves to the new commit on POST /dag-bundles/refresh, and back when main is pointed at the old one', async () => {
    const second = commit('v2');
    const refreshed = await request(h.app).post('/api/v1/dag-bundles/refresh').send({});
    expect(refreshed.status).toBe(200);
    await waitFor('the DAG to be read from the new commit', async () =>
      (await dagOf()).bundleCommit === second ? true : undefined,
    );
    expect(await runAnswer()).toEqual({ commit: second, output: 'v2' });

    git(work, 'push', '-q', '--force', 'origin', `${first}:main`);
    await request(h.app).post('/api/v1/dag-bundles/refresh').send({});
    await waitFor('the DAG to be back on the first commit', async () =>
      (await dagOf()).bundleCommit === first ? true : undefined,
    );
    expect(await runAnswer()).toEqual({ commit: first, output: 'v1' });
  });

  it('plans a work tree against this API: the changed DAG and its code, exit 3', async () => {
    const server = h.app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      git(work, 'reset', '-q', '--hard', first);
      symlinkSync(path.join(repoRoot, 'node_modules'), path.join(work, 'node_modules'));
      writeFileSync(
        path.join(work, 'dags', 'bundled.ts'),
        `${dagSource('v3')}d.task('publish', { upstream: [] }, fn(async () => 1));\n`,
      );
      const r = await new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile(
          process.execPath,
          [
            path.join(repoRoot, 'apps/cli/bin/sluice.mjs'),
            'dags',
            'plan',
            '--against',
            `http://127.0.0.1:${port}`,
            '--format',
            'json',
          ],
          { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, timeout: 90_000 },
          (err, stdout) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout }),
        ),
      );
      expect(r.code).toBe(3);
      const plan = JSON.parse(r.stdout) as {
        dags: Array<{
          dagId: string;
          kind: string;
          tasks: Array<{ taskId: string; kind: string }>;
          inFlight: unknown[];
        }>;
      };
      expect(plan.dags).toMatchObject([
        { dagId: 'bundled', kind: 'changed', tasks: [{ taskId: 'publish', kind: 'added' }], inFlight: [] },
      ]);
    } finally {
      server.close();
    }
  }, 120_000); // the CLI it spawns may take up to its 90 s exec timeout on a loaded machine
});
