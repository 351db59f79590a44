import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'check-core-imports.mjs');
let dir = '';
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'core-lint-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function lint(root: string): { code: number; output: string } {
  try {
    return { code: 0, output: execFileSync(process.execPath, [script, root], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (raw) {
    const err = raw as { status: number; stderr: string };
    return { code: err.status, output: err.stderr };
  }
}

describe('the pure-package lint', () => {
  it('passes core files that import only zod, cron-parser and each other', () => {
    const root = tree({ 'packages/core/src/a.ts': "import { z } from 'zod';\nimport { b } from './b';\n" });
    expect(lint(root).code).toBe(0);
  });

  it('fails on I/O imports and process.env in core, naming file and line', () => {
    const root = tree({
      'packages/core/src/a.ts':
        "import { z } from 'zod';\nimport { Pool } from 'pg';\nconst url = process.env.DATABASE_URL;\n",
      'packages/core/src/b.test.ts': "import fs from 'node:fs';\n",
    });
    const { code, output } = lint(root);
    expect(code).toBe(1);
    expect(output).toContain('packages/core/src/a.ts:2: imports "pg"');
    expect(output).toContain('packages/core/src/a.ts:3: reads process.env');
    expect(output).not.toContain('b.test.ts');
  });

  it('keeps the SDK free of node built-ins', () => {
    const root = tree({ 'packages/sdk/src/x.ts': "import { readFileSync } from 'node:fs';\n" });
    expect(lint(root).output).toContain('packages/sdk/src/x.ts:1: imports "node:fs"');
  });
});
