import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type bundleDagFile, bundleDagFiles } from './bundle';
import { loadDagFolder } from './load-folder';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-bundle-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(files: Record<string, string>): string[] {
  return Object.entries(files).map(([name, source]) => {
    writeFileSync(join(dir, name), source);
    return join(dir, name);
  });
}

function codeOf(result: Awaited<ReturnType<typeof bundleDagFile>> | undefined): string {
  if (!result || !('code' in result)) throw new Error(`not bundled: ${JSON.stringify(result)}`);
  return result.code;
}

describe('bundleDagFiles', () => {
  it('starts every bundle with the same copy of the SDK, whatever the file imports', async () => {
    const paths = write({
      'a.ts': `import { dag } from '@sluice/sdk';\ndag({ id: 'a' });\n`,
      'b.ts': `import { dag, fn, shell } from '@sluice/sdk';\nconst d = dag({ id: 'b' });\nd.task('x', fn(async () => 1));\nd.task('y', shell({ command: 'true' }));\n`,
    });
    const bundles = await bundleDagFiles(paths, dir);
    const [a, b] = paths.map((p) => codeOf(bundles.get(p)));
    const sdkPart = (code: string) => code.slice(0, code.indexOf('// sluice-sdk:sdk'));
    expect(sdkPart(a ?? '')).toContain('function dag(');
    expect(sdkPart(a ?? '')).toBe(sdkPart(b ?? ''));
  });

  it('reports an import of a name the SDK does not export at that import', async () => {
    const [path = ''] = write({ 'typo.ts': `import { dga } from '@sluice/sdk';\ndga({ id: 'typo' });\n` });
    const bundles = await bundleDagFiles([path], dir);
    expect(bundles.get(path)).toEqual({
      error: { line: 1, column: 10, message: expect.stringContaining('No matching export') },
    });
  });
});

describe('a bundled DAG file', () => {
  it('may name its own variables like the SDK copy a bundle starts with', async () => {
    write({
      'shadow.ts': `import { dag, fn } from '@sluice/sdk';\nconst __sluiceSdk = 'mine';\nconst d = dag({ id: 'shadow', tags: [__sluiceSdk] });\nd.task('t', fn(async () => 1));\n`,
    });
    const result = await loadDagFolder(dir);
    expect(result.errors).toEqual([]);
    expect(result.dags.map((d) => [d.dagId, d.spec.tags])).toEqual([['shadow', ['mine']]]);
  });
});
