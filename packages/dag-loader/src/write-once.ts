/**
 * Files named after their content, written once and atomically, in
 * directories only this user can write: code is imported from them, so a
 * file planted by someone else, or left half-written, must never be what
 * runs.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Thrown when a directory Sluice imports code from could be written by others. */
export class UnsafeDirectoryError extends Error {
  override readonly name = 'UnsafeDirectoryError';
}

const uid = (): number => (typeof process.getuid === 'function' ? process.getuid() : -1);

/**
 * `<tmpdir>/sluice-<uid>/<name>`, created with mode 0700. An existing
 * directory must be a real directory owned by this user; one that others
 * could write to is tightened, and one owned by someone else is refused.
 */
export async function privateDir(name: string, root = tmpdir()): Promise<string> {
  const top = join(root, `sluice-${uid()}`);
  const dir = join(top, name);
  for (const d of [top, dir]) {
    await mkdir(d, { mode: 0o700, recursive: true });
    const st = await lstat(d);
    if (!st.isDirectory())
      throw new UnsafeDirectoryError(`${d} is not a directory (a link?); remove it so Sluice can make its own`);
    if (uid() !== -1 && st.uid !== uid()) {
      throw new UnsafeDirectoryError(
        `${d} belongs to user ${st.uid}, not to this process's user ${uid()}; remove it so Sluice can make its own`,
      );
    }
    if ((st.mode & 0o077) !== 0) await chmod(d, 0o700);
  }
  return dir;
}

async function contentOf(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Makes `path` hold exactly `content`: a file already there with the same
 * content is kept, anything else (planted, stale, half-written) is replaced.
 * Written under a unique name and renamed, so a reader never sees half a
 * file and concurrent writers do not clash.
 */
export async function writeOnce(path: string, content: string): Promise<void> {
  if ((await contentOf(path)) === content) return;
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, content, { mode: 0o600 });
  await rename(temp, path);
}
