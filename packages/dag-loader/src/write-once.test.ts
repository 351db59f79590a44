import { chmod, mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsafeDirectoryError, privateDir } from './write-once';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-private-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const uid = process.getuid?.() ?? -1;

describe('privateDir', () => {
  it('creates the directory and its parent with mode 0700', async () => {
    const dir = await privateDir('bundles', root);
    expect(dir).toBe(join(root, `sluice-${uid}`, 'bundles'));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('tightens a directory others could write to', async () => {
    const dir = join(root, `sluice-${uid}`, 'bundles');
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o777);
    await privateDir('bundles', root);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('refuses a link where the directory should be', async () => {
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere);
    await mkdir(join(root, `sluice-${uid}`));
    await symlink(elsewhere, join(root, `sluice-${uid}`, 'bundles'));
    await expect(privateDir('bundles', root)).rejects.toThrow(UnsafeDirectoryError);
    await expect(privateDir('bundles', root)).rejects.toThrow(/is not a directory \(a link\?\)/);
  });
});
