import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registryExport } from './bundle';
import { type EvaluatorPool, createEvaluatorPool } from './evaluate-pool';

let dir: string;
let pool: EvaluatorPool | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-pool-'));
});
afterEach(() => {
  pool?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A bundle defining one DAG spec `{ id }` after running `before` at its top level. */
function bundle(id: string, before = ''): string {
  const path = join(dir, `${id}.mjs`);
  writeFileSync(
    path,
    `${before}\nexport const ${registryExport} = () => [{ toSpec: () => ({ id: ${JSON.stringify(id)} }) }];\n`,
  );
  return path;
}

describe('createEvaluatorPool', () => {
  it('counts a file’s import time from when its child is up, not while node starts it', async () => {
    // Every child this pool forks spends 800 ms starting (a loaded machine), more than the 500 ms a file may take.
    const slowStart = join(dir, 'slow-start.mjs');
    writeFileSync(slowStart, 'const until = Date.now() + 800; while (Date.now() < until);\n');
    const before = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${before ?? ''} --import ${slowStart}`;
    try {
      pool = createEvaluatorPool(1, 500, process.env);
      expect(await pool.evaluate('quick.ts', bundle('quick'))).toEqual({ specs: [{ id: 'quick' }] });
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
  });

  it('imports the files sent behind a hanging one in a fresh child', async () => {
    pool = createEvaluatorPool(1, 500);
    const paths = [
      bundle('hangs', 'await new Promise(() => setInterval(() => undefined, 1000));'),
      bundle('next'),
      bundle('last'),
    ];
    const outcomes = await Promise.all(paths.map((p, i) => pool?.evaluate(`f${i}.ts`, p)));
    expect(outcomes).toEqual([
      {
        error: {
          message: 'importing this file took longer than 500 ms (does it wait on something at import time?)',
          stack: null,
          timedOut: true,
        },
      },
      { specs: [{ id: 'next' }] },
      { specs: [{ id: 'last' }] },
    ]);
  });

  it('imports a file again in a fresh child when a timer of an earlier file crashed the child meanwhile', async () => {
    pool = createEvaluatorPool(1, 10_000);
    const imports = join(dir, 'slow-imports.log');
    const paths = [
      bundle('leaves_a_timer', `setTimeout(() => { throw new Error('late'); }, 100);`),
      // Long enough that the timer fires while this file is imported, however loaded the machine.
      bundle(
        'slow',
        `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(imports)}, 'x');\nawait new Promise((resolve) => setTimeout(resolve, 3000));`,
      ),
      bundle('after'),
    ];
    const outcomes = await Promise.all(paths.map((p, i) => pool?.evaluate(`f${i}.ts`, p)));
    expect(outcomes).toEqual([
      { specs: [{ id: 'leaves_a_timer' }] },
      { specs: [{ id: 'slow' }] },
      { specs: [{ id: 'after' }] },
    ]);
    // The crash happened and the file was imported a second time, in a fresh child.
    expect(readFileSync(imports, 'utf8')).toBe('xx');
  });

  it('blames a file that crashes its child when it was the first file there', async () => {
    pool = createEvaluatorPool(1, 5000);
    const crashes = bundle(
      'crashes',
      `setTimeout(() => { throw new Error('own timer'); }, 0);\nawait new Promise((resolve) => setTimeout(resolve, 200));`,
    );
    const outcome = await pool.evaluate('crashes.ts', crashes);
    expect(outcome).toMatchObject({ error: { message: 'uncaught error while importing: Error: own timer' } });
    expect(await pool.evaluate('after.ts', bundle('after'))).toEqual({ specs: [{ id: 'after' }] });
  });
});
