/**
 * `sluice dags plan --base` on git histories made here with the git CLI:
 * each test commits a base, edits the work tree, and reads the plan.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/sluice.mjs', import.meta.url));
const nodeModules = fileURLToPath(new URL('../../../node_modules', import.meta.url));
const NOW = '2026-12-06T10:00:00.000Z';

const repos: string[] = [];
afterEach(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A git repository with `files` under dags/ committed as the base. */
function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-plan-test-'));
  repos.push(dir);
  // The DAG files import @sluice/sdk; the type-check finds it here, as in a DAG repository.
  symlinkSync(nodeModules, path.join(dir, 'node_modules'));
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, files);
  git(dir, 'add', '.');
  git(dir, '-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-q', '-m', 'base');
  return dir;
}

function write(dir: string, files: Record<string, string | null>): void {
  mkdirSync(path.join(dir, 'dags'), { recursive: true });
  for (const [name, source] of Object.entries(files)) {
    if (source === null) rmSync(path.join(dir, 'dags', name));
    else writeFileSync(path.join(dir, 'dags', name), source);
  }
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
}

function plan(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'dags', 'plan', '--now', NOW, ...args],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, timeout: 90_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A DAG file: `extract → load`, with options to vary. */
function etl(
  opts: {
    id?: string;
    schedule?: string;
    timezone?: string;
    start?: string;
    catchup?: boolean;
    load?: string;
    extra?: string;
  } = {},
): string {
  return `import { dag, fn, shell } from '@sluice/sdk';
export const d = dag({
  id: '${opts.id ?? 'etl'}',
  schedule: '${opts.schedule ?? '@daily'}',
  timezone: '${opts.timezone ?? 'UTC'}',
  start: '${opts.start ?? '2026-01-01'}',
  catchup: ${opts.catchup ?? false},
});
const extract = d.task('extract', fn(async () => ({ rows: 1 })));
${opts.load ?? "d.task('load', { upstream: [extract] }, shell({ command: 'echo load' }));"}
${opts.extra ?? ''}
`;
}

type JsonPlan = {
  exitCode: number;
  counts: Record<string, number>;
  dags: Array<{
    dagId: string;
    kind: string;
    renamedFrom: string | null;
    changes: Array<{ field: string; before: unknown; after: unknown }>;
    tasks: Array<{ taskId: string; kind: string; changes: Array<{ field: string }> }>;
    graph: string[];
    catchUp: { runs: number; notCreated: number } | null;
  }>;
};

// Each test spawns the CLI, which loads and type-checks the DAG files: seconds alone, far more on a loaded machine.
describe('sluice dags plan --base', { timeout: 120_000 }, () => {
  it('exits 0 and says so when the work tree changes no DAG', async () => {
    const dir = repoWith({ 'etl.ts': etl() });
    const r = await plan(dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No DAG changes (1 unchanged).');
  });

  it('reports added, removed and renamed DAGs and exits 3', async () => {
    const dir = repoWith({ 'etl.ts': etl(), 'old.ts': etl({ id: 'old_report', load: '' }) });
    write(dir, {
      'etl.ts': etl({ id: 'etl_daily' }),
      'old.ts': null,
      'new.ts': etl({ id: 'fresh', load: "d.task('publish', fn(async () => 0));" }),
    });
    const r = await plan(dir, '--base', 'main', '--format', 'json');
    expect(r.code).toBe(3);
    const p = JSON.parse(r.stdout) as JsonPlan;
    expect(p.dags.map((d) => [d.dagId, d.kind, d.renamedFrom])).toEqual([
      ['etl_daily', 'renamed', 'etl'],
      ['fresh', 'added', null],
      ['old_report', 'removed', null],
    ]);
    expect(p.exitCode).toBe(3);
  });

  it('reports task changes: operator, upstream, trigger rule, retries, timeout, pool; and the graph diff', async () => {
    const dir = repoWith({ 'etl.ts': etl() });
    write(dir, {
      'etl.ts': etl({
        load: `const clean = d.task('clean', { upstream: [extract] }, fn(async () => 1));
d.task('load', { upstream: [clean], triggerRule: 'all_done', retries: 3, executionTimeout: '10m', pool: 'warehouse' }, fn(async () => 2));`,
      }),
    });
    const r = await plan(dir, '--format', 'json');
    const [d] = (JSON.parse(r.stdout) as JsonPlan).dags;
    expect(d?.kind).toBe('changed');
    expect(d?.tasks.map((t) => [t.taskId, t.kind, t.changes.map((c) => c.field)])).toEqual([
      ['clean', 'added', []],
      ['load', 'changed', ['operator', 'options', 'upstream', 'triggerRule', 'retries', 'executionTimeoutMs', 'pool']],
    ]);
    expect(d?.graph).toEqual(['  extract', '+ extract → clean', '+ clean → load', '- extract → load']);
  });

  it('flags the DST shift when a Europe/Copenhagen daily DAG moves to 02:30', async () => {
    const dir = repoWith({ 'etl.ts': etl({ schedule: '0 4 * * *', timezone: 'Europe/Copenhagen' }) });
    write(dir, { 'etl.ts': etl({ schedule: '30 2 * * *', timezone: 'Europe/Copenhagen' }) });
    const r = await plan(dir, '--now', '2027-03-25T12:00:00Z');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('    schedule: "0 4 * * *" → "30 2 * * *"\n');
    expect(r.stdout).toContain(
      [
        '    next runs (Europe/Copenhagen):',
        '      #  before                     after',
        '      1  2027-03-26 04:00 +01:00    2027-03-26 02:30 +01:00',
        '      2  2027-03-27 04:00 +01:00    2027-03-27 02:30 +01:00',
        '      3  2027-03-28 04:00 +02:00 ⚠  2027-03-28 03:30 +02:00 ⚠',
      ].join('\n'),
    );
    expect(r.stdout).toContain(
      '⚠ 02:30 does not exist on 2027-03-28 in Europe/Copenhagen (clocks go forward): that run happens at 2027-03-28 03:30 +02:00',
    );
  });

  it('counts catch-up runs: a start date moved back 30 days creates none of them, a new catchup DAG creates all', async () => {
    const dir = repoWith({ 'etl.ts': etl({ start: '2026-11-06', catchup: true }) });
    write(dir, {
      'etl.ts': etl({ start: '2026-10-07', catchup: true }),
      'backfilled.ts': etl({ id: 'backfilled', start: '2026-11-06', catchup: true, load: '' }),
    });
    const r = await plan(dir, '--format', 'json');
    const p = JSON.parse(r.stdout) as JsonPlan;
    const byId = new Map(p.dags.map((d) => [d.dagId, d]));
    expect(byId.get('etl')?.changes.map((c) => c.field)).toEqual(['startDate']);
    expect(byId.get('etl')?.catchUp).toMatchObject({ runs: 0, notCreated: 30 });
    expect(byId.get('backfilled')?.catchUp).toMatchObject({ runs: 30, notCreated: 0 });
  });

  it('exits 1 listing an import error and a type error in the work tree', async () => {
    const dir = repoWith({ 'etl.ts': etl() });
    write(dir, {
      'etl.ts': etl({ load: "d.task('load', { upstream: [extract] }, fn(async (ctx) => ctx.output(extract).rowz));" }),
      'broken.ts': "import { dag } from '@sluice/sdk';\ndag({ id: 'broken', schedule: 'every day' });\n",
    });
    const r = await plan(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken\.ts.*schedule "every day"/);
    expect(r.stdout).toMatch(/etl\.ts:10:\d+: TS2339: Property 'rowz' does not exist/);
  });

  it('writes Markdown for a pull request comment', async () => {
    const dir = repoWith({ 'etl.ts': etl() });
    write(dir, { 'etl.ts': etl({ schedule: '@hourly' }) });
    const r = await plan(dir, '--format', 'markdown');
    expect(r.stdout).toContain('### Sluice plan against HEAD (');
    expect(r.stdout).toContain('#### `~` etl — changed');
    expect(r.stdout).toContain('| 1 | 2026-12-07 00:00 +00:00 | 2026-12-06 11:00 +00:00 |');
  });

  it('exits 2 for a ref that is not a commit', async () => {
    const dir = repoWith({ 'etl.ts': etl() });
    const r = await plan(dir, '--base', 'no-such-branch');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--base no-such-branch is not a commit');
  });
});
