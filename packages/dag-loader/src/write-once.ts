/** Files named after their content, written once and atomically. */
import { randomBytes } from 'node:crypto';
import { rename, stat, writeFile } from 'node:fs/promises';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `content` to `path` unless the file is there already: the name
 * must identify the content. Written under a unique name and renamed, so a
 * reader never sees half a file and concurrent writers do not clash.
 */
export async function writeOnce(path: string, content: string): Promise<void> {
  if (await exists(path)) return;
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, content);
  await rename(temp, path);
}
