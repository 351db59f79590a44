/**
 * `sluice tasks test` / `sluice dags test` run the example DAGs as a user
 * would, in a child process whose DATABASE_URL and REDIS_URL point where
 * nothing listens: nothing here may need either.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/sluice.mjs', import.meta.url));
const dagsFolder = fileURLToPath(new URL('../../../dags', import.meta.url));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function sluice(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          DATABASE_URL: 'postgres://postgres@127.0.0.1:9/unreachable',
          REDIS_URL: 'redis://127.0.0.1:9',
          SLUICE_DAGS_FOLDER: dagsFolder,
          ...env,
        },
        timeout: 90_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

type JsonTask = { taskId: string; state: string; tries: number; output?: unknown; error?: { message: string } };

// Each test spawns the CLI (and its task processes): seconds alone, far more on a loaded machine.
describe('sluice dags test', { timeout: 120_000 }, () => {
  it('runs daily_batch_etl in dependency order with no database or Redis and prints a table of outcomes', async () => {
    const r = await sluice(['dags', 'test', 'daily_batch_etl', '--logical-date', '2026-11-21']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('load      | loaded partition dt=2026-11-21');
    const rows = r.stdout.split('\n').filter((l) => /^(extract|transform|load|report) +success +1 /.test(l));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(['extract', 'transform', 'load', 'report']);
  });

  it('retries with --fast-retries, fails downstream by trigger rule, still runs all_done cleanup, exits 1', async () => {
    const r = await sluice(['dags', 'test', 'failing_delivery', '--fast-retries', '--json']);
    expect(r.code).toBe(1);
    const tasks = new Map((JSON.parse(r.stdout).tasks as JsonTask[]).map((t) => [t.taskId, t]));
    expect(tasks.get('load_to_redshift')).toMatchObject({ state: 'failed', tries: 3 });
    expect(tasks.get('mark_delivered')).toMatchObject({ state: 'upstream_failed', tries: 0 });
    expect(tasks.get('cleanup_staging')).toMatchObject({ state: 'success' });
    // --json: the error is JSON too.
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'failed', message: 'failing_delivery failed: load_to_redshift', issues: [] },
    });
  });

  it('runs a task that fails its first try to success on the retry', async () => {
    const r = await sluice(['dags', 'test', 'flaky_ingest', '--fast-retries', '--json']);
    expect(r.code).toBe(0);
    const tasks = JSON.parse(r.stdout).tasks as JsonTask[];
    expect(tasks.find((t) => t.taskId === 'ingest')).toMatchObject({ state: 'success', tries: 2 });
  });

  it('sends EMR tasks to an emulator it starts when no AWS is configured', async () => {
    const r = await sluice(['dags', 'test', 'emr_daily_batch', '--json']);
    expect(r.code).toBe(0);
    const tasks = JSON.parse(r.stdout).tasks as JsonTask[];
    expect(tasks.map((t) => t.state)).toEqual(tasks.map(() => 'success'));
    expect(tasks.find((t) => t.taskId === 'terminate_cluster')?.output).toMatchObject({ finalState: 'TERMINATED' });
  });

  it('follows a branch on a cluster made for the run and terminates it (setup and teardown on the emulator)', async () => {
    // 2026-11-23 is a Monday: the full reload is taken, the daily partition skipped.
    const r = await sluice(['dags', 'test', 'emr_cluster_per_run', '--logical-date', '2026-11-23', '--json']);
    expect(r.code).toBe(0);
    const tasks = JSON.parse(r.stdout).tasks as JsonTask[];
    expect(Object.fromEntries(tasks.map((t) => [t.taskId, t.state]))).toEqual({
      create_cluster: 'success',
      choose_load: 'success',
      full_reload: 'success',
      daily_partition: 'skipped',
      publish: 'success',
      terminate_cluster: 'success',
    });
    expect(tasks.find((t) => t.taskId === 'terminate_cluster')?.output).toMatchObject({ finalState: 'TERMINATED' });
  });
});

describe('sluice tasks test', { timeout: 120_000 }, () => {
  it('runs one fn task from the upstream output given, prints its log and output, exits 0', async () => {
    const extract = { day: '2026-11-21', prefix: 's3://x/', files: 1, rows: 8 };
    const r = await sluice([
      'tasks',
      'test',
      'daily_batch_etl',
      'transform',
      '--upstream-output',
      `extract=${JSON.stringify(extract)}`,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('activity counts {"article_view":4,"share":2,"scroll":1,"ad_click":1}');
    expect(r.stdout).toContain(
      'output: {"day":"2026-11-21","table":"batch_views.user_activities_20261121","counts":{"article_view":4,"share":2,"scroll":1,"ad_click":1}}',
    );
  });

  it('gives a shell task the SLUICE_* facts of the logical date in the DAG time zone', async () => {
    const r = await sluice(['tasks', 'test', 'daily_batch_etl', 'load', '--logical-date', '2026-11-21']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('loaded partition dt=2026-11-21\n');
  });

  it('exits 1 with the error when the try fails, without retrying', async () => {
    const r = await sluice(['tasks', 'test', 'failing_delivery', 'load_to_redshift', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'failed', tries: 1 });
  });

  it('exits 2 naming the option when --upstream-output names a task that is not upstream', async () => {
    const r = await sluice(['tasks', 'test', 'daily_batch_etl', 'transform', '--upstream-output', 'report={}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: "report" is not an upstream task of "transform" (its upstream: extract)\n');
  });

  it('exits 1 listing the DAGs there when the DAG does not exist', async () => {
    const r = await sluice(['tasks', 'test', 'no_such_dag', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no DAG "no_such_dag" in .*dags \(DAGs there: [a-z_, ]+\)\n$/);
    // Listed in order, so the one you meant is easy to find.
    const listed = /\(DAGs there: ([a-z_, ]+)\)/.exec(r.stderr)?.[1]?.split(', ') ?? [];
    expect(listed).toContain('daily_batch_etl');
    expect(listed).toEqual([...listed].sort());
  });
});

describe('a local run and executionTimeout', { timeout: 120_000 }, () => {
  it('kills a shell task past its executionTimeout and fails it with TaskTimeoutError', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-local-timeout-'));
    try {
      writeFileSync(
        path.join(dir, 'slow.ts'),
        "import { dag, shell } from '@sluice/sdk';\n" +
          "const d = dag({ id: 'slow' });\n" +
          "d.task('sleep', { executionTimeout: '1s' }, shell({ command: 'sleep 127' }));\n",
      );
      const started = Date.now();
      const r = await sluice(['tasks', 'test', 'slow', 'sleep', '--json', '--dags-folder', dir]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ state: 'failed', error: { name: 'TaskTimeoutError' } });
      expect(Date.now() - started).toBeLessThan(100_000);
      // The command is gone, not left running after the CLI exited.
      expect(() => execFileSync('pgrep', ['-f', 'sleep 127'])).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
