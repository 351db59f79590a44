/**
 * `sluice init` and the packed packages: a starter repository written into a
 * fresh folder outside the monorepo by the packed CLI installs @sluice/cli,
 * @sluice/sdk and @sluice/core from `npm pack` tarballs
 * (scripts/pack-dag-packages.mjs), type-checks against their declarations,
 * runs its testDag test with vitest, and validates, runs and plans its DAGs
 * with the installed `sluice`.
 */
import { execFile as execFileCb } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execFile = promisify(execFileCb);
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const bin = path.join(repoRoot, 'apps/cli/bin/sluice.mjs');
const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-init-test-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFile(cmd, args, { cwd, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (raw) {
    const err = raw as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('sluice init', () => {
  it('writes an example DAG, its test, tsconfig and a CI workflow that comments the plan', async () => {
    const r = await run(process.execPath, [bin, 'init', 'starter'], scratch);
    expect(r.code).toBe(0);
    const dir = path.join(scratch, 'starter');
    for (const f of ['package.json', 'tsconfig.json', 'dags/example_etl.ts', 'dags/example_etl.test.ts'])
      expect(existsSync(path.join(dir, f))).toBe(true);
    const workflow = readFileSync(path.join(dir, '.github/workflows/sluice.yml'), 'utf8');
    expect(workflow).toContain('npx sluice dags validate dags');
    expect(workflow).toContain('npx vitest run');
    expect(workflow).toContain('dags plan $against --format markdown > plan.md');
    expect(workflow).toContain('gh pr comment');
  });

  it('refuses a folder that is not empty, exit 2', async () => {
    const dir = path.join(scratch, 'taken');
    await run(process.execPath, [bin, 'init', dir], scratch);
    const r = await run(process.execPath, [bin, 'init', dir], scratch);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${dir} is not empty; sluice init writes only into an empty or new folder\n`);
  });
});

/**
 * The whole loop a DAG repository runs, in a folder outside the monorepo, with
 * nothing of the monorepo's: the packed CLI writes the starter, which installs
 * the three tarballs and then validates, tests, runs and plans with them.
 */
describe('a starter repository on the packed packages', () => {
  const packs = path.join(scratch, 'packs');
  const dir = path.join(scratch, 'fresh');
  const git = (args: string[]) =>
    run('git', ['-c', 'user.name=Dana', '-c', 'user.email=dana@example.com', ...args], dir);
  const sluice = (args: string[]) => run('npx', ['--no-install', 'sluice', ...args], dir);

  beforeAll(async () => {
    const packed = await run(process.execPath, [path.join(repoRoot, 'scripts/pack-dag-packages.mjs'), packs], repoRoot);
    expect(packed.code, packed.stderr).toBe(0);
    expect(
      packed.stdout
        .trim()
        .split('\n')
        .map((f) => path.basename(f)),
    ).toEqual(['sluice-core-0.1.0.tgz', 'sluice-sdk-0.1.0.tgz', 'sluice-cli-0.1.0.tgz']);
    // `sluice init` from the packed CLI itself, unpacked and not installed: its bundle needs nothing else for this.
    const unpacked = path.join(scratch, 'unpacked');
    mkdirSync(unpacked);
    expect((await run('tar', ['-xzf', path.join(packs, 'sluice-cli-0.1.0.tgz'), '-C', unpacked], scratch)).code).toBe(
      0,
    );
    const init = await run(
      process.execPath,
      [path.join(unpacked, 'package/bin/sluice.mjs'), 'init', dir, '--packages', packs],
      scratch,
    );
    expect(init.code, init.stderr).toBe(0);
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['add', '-A'],
      ['commit', '-qm', 'Starter DAG repository'],
    ])
      expect((await git(args)).code).toBe(0);
    const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    expect(install.code, install.stderr).toBe(0);
  }, 300_000);

  it('runs the installed CLI: a compiled bundle, no TypeScript sources of its own', async () => {
    expect(realpathSync(path.join(dir, 'node_modules/.bin/sluice'))).toBe(
      path.join(realpathSync(dir), 'node_modules/@sluice/cli/bin/sluice.mjs'),
    );
    expect(existsSync(path.join(dir, 'node_modules/@sluice/cli/dist/main.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules/@sluice/cli/src'))).toBe(false);
    // Plain JavaScript with declarations, nothing of the monorepo's sources.
    expect(existsSync(path.join(dir, 'node_modules/@sluice/sdk/dist/testing/index.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules/@sluice/sdk/src'))).toBe(false);
    const version = await sluice(['--version']);
    expect(version.stdout.trim()).toBe('0.1.0');
  });

  it('validates the DAG files', async () => {
    const r = await sluice(['dags', 'validate']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/example_etl\s+example_etl\.ts\s+3\n1 DAG OK/);
  }, 120_000);

  it('passes its testDag test, and type-checks against the packed declarations', async () => {
    const tests = await run(path.join(dir, 'node_modules/.bin/vitest'), ['run'], dir);
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/1 passed/);
    expect((await run(path.join(dir, 'node_modules/.bin/tsc'), ['-p', '.'], dir)).code).toBe(0);
    // Outputs are typed through the packed declarations: a wrong field does not compile.
    const typo = path.join(dir, 'dags/typo.test.ts');
    writeFileSync(
      typo,
      "import { testDag } from '@sluice/sdk/testing';\nimport { exampleEtl, transform } from './example_etl';\nexport const rows: number = (await testDag(exampleEtl)).output(transform).rowz;\n",
    );
    const failed = await run(path.join(dir, 'node_modules/.bin/tsc'), ['-p', '.'], dir);
    rmSync(typo);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout).toContain("Property 'rowz' does not exist");
  }, 120_000);

  it('runs the example DAG, shell task included, with `sluice dags test`', async () => {
    const r = await sluice(['dags', 'test', 'example_etl', '--logical-date', '2026-11-21']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/transform\s+success\s+1\s+\S+\s+\{"table":"events_20261121","rows":2000\}/);
    expect(r.stdout).toMatch(/load\s+success/);
  }, 120_000);

  it('plans a branch against main: the changes, the DST shifts and the catch-up', async () => {
    expect((await git(['checkout', '-qb', 'copenhagen'])).code).toBe(0);
    const file = path.join(dir, 'dags/example_etl.ts');
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')
        .replace("schedule: '@daily',", "schedule: '30 2 * * *',")
        .replace("timezone: 'UTC',", "timezone: 'Europe/Copenhagen',")}
export const report = exampleEtl.task('report', { upstream: [transform] }, fn(async (ctx) => ctx.output(transform).rows));
`,
    );
    expect((await git(['commit', '-qam', 'Run at 02:30 Copenhagen time; report the row count'])).code).toBe(0);
    const r = await sluice(['dags', 'plan', '--base', 'main', '--format', 'markdown', '--now', '2026-03-20T12:00:00Z']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/^### Sluice plan against main \([0-9a-f]{12}\)/);
    expect(r.stdout).toContain('- schedule: "@daily" → "30 2 * * *"');
    expect(r.stdout).toContain('- timezone: "UTC" → "Europe/Copenhagen"');
    expect(r.stdout).toContain('- task + report (added)');
    expect(r.stdout).toContain('+ transform → report');
    expect(r.stdout).toContain('| 1 | 2026-03-21 01:00 +01:00 | 2026-03-21 02:30 +01:00 |');
    expect(r.stdout).toContain(
      '02:30 does not exist on 2026-03-29 in Europe/Copenhagen (clocks go forward): that run happens at 2026-03-29 03:30 +02:00',
    );
  }, 120_000);
});
