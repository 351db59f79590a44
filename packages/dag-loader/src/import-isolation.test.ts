/**
 * What a DAG file can do to the process that loads it: see its secrets,
 * leave processes behind, or make every parse wait. None of it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importEnv, loadDagFolder } from './load-folder';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-import-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, probe: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a DAG file at import', () => {
  it("sees none of the loading process's secrets", async () => {
    writeFileSync(
      join(dir, 'peek.ts'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the DAG file's own source, a template literal there
      "throw new Error(`key=${process.env.SLUICE_SECRET_KEY} db=${process.env.DATABASE_URL} path=${process.env.PATH ? 'set' : 'unset'}`);\n",
    );
    const env = {
      ...process.env,
      SLUICE_SECRET_KEY: 'the-platform-secret',
      DATABASE_URL: 'postgres://admin:pw@db/sluice',
    };
    const { errors } = await loadDagFolder(dir, { env: importEnv(env) });
    expect(errors[0]?.message).toContain('key=undefined db=undefined path=set');
  });

  it('leaves no process behind, even one it detached into a group of its own', async () => {
    const pidFile = join(dir, 'child.pid');
    writeFileSync(
      join(dir, 'spawns.ts'),
      `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
child.unref();
writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
`,
    );
    await loadDagFolder(dir, { env: importEnv(process.env) });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    await until(`process ${pid} to be gone`, () => !alive(pid));
  });

  it('that loops is not imported again while it is unchanged', async () => {
    const counter = join(dir, 'imports.log');
    writeFileSync(
      join(dir, 'loops.ts'),
      `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(counter)}, 'x');
for (;;) {}
`,
    );
    const first = await loadDagFolder(dir, { timeoutMs: 300 });
    expect(first.errors[0]?.message).toMatch(/took longer than 300 ms/);
    const second = await loadDagFolder(dir, { timeoutMs: 300 });
    expect(second.errors[0]?.message).toMatch(/took longer than 300 ms/);
    expect(readFileSync(counter, 'utf8')).toBe('x');
    // A change to the file is imported afresh.
    writeFileSync(
      join(dir, 'loops.ts'),
      `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(counter)}, 'y');\n`,
    );
    const fixed = await loadDagFolder(dir, { timeoutMs: 300 });
    expect(fixed.errors).toEqual([]);
    expect(existsSync(counter) && readFileSync(counter, 'utf8')).toBe('xy');
  });
});
