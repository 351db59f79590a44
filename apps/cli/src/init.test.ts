/**
 * `sluice init` and the packed packages: a starter repository written into a
 * fresh folder outside the monorepo installs @sluice/sdk and @sluice/core
 * from `npm pack` tarballs (scripts/pack-dag-packages.mjs), type-checks
 * against their declarations and runs its testDag test with vitest.
 */
import { execFile as execFileCb } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

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

  it('installs the packed SDK into a fresh starter, which type-checks and passes its testDag test', async () => {
    const packs = path.join(scratch, 'packs');
    const packed = await run(process.execPath, [path.join(repoRoot, 'scripts/pack-dag-packages.mjs'), packs], repoRoot);
    expect(packed.code).toBe(0);
    expect(
      packed.stdout
        .trim()
        .split('\n')
        .map((f) => path.basename(f)),
    ).toEqual(['sluice-core-0.1.0.tgz', 'sluice-sdk-0.1.0.tgz']);
    const dir = path.join(scratch, 'fresh');
    expect((await run(process.execPath, [bin, 'init', dir, '--packages', packs], scratch)).code).toBe(0);
    const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    expect(install.code, install.stderr).toBe(0);
    // Plain JavaScript with declarations, nothing of the monorepo's sources.
    expect(existsSync(path.join(dir, 'node_modules/@sluice/sdk/dist/testing/index.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules/@sluice/sdk/src'))).toBe(false);
    const tests = await run(path.join(dir, 'node_modules/.bin/vitest'), ['run'], dir);
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/1 passed/);
    expect((await run(path.join(dir, 'node_modules/.bin/tsc'), ['-p', '.'], dir)).code).toBe(0);
    // Outputs are typed through the packed declarations: a wrong field does not compile.
    writeFileSync(
      path.join(dir, 'dags/typo.test.ts'),
      "import { testDag } from '@sluice/sdk/testing';\nimport { exampleEtl, transform } from './example_etl';\nexport const rows: number = (await testDag(exampleEtl)).output(transform).rowz;\n",
    );
    const typo = await run(path.join(dir, 'node_modules/.bin/tsc'), ['-p', '.'], dir);
    expect(typo.code).not.toBe(0);
    expect(typo.stdout).toContain("Property 'rowz' does not exist");
  }, 300_000);
});
