/**
 * Where `sluice login` keeps API tokens: `$XDG_CONFIG_HOME/sluice/credentials.json`
 * (default `~/.config/sluice/`), one token per API URL. The folder is 0700 and
 * the file 0600, written whole to a temporary file and renamed, so a token is
 * never readable by other users of the machine, even for a moment.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const Stored = z.object({
  tokens: z.record(z.string(), z.object({ token: z.string(), username: z.string(), tokenId: z.string().optional() })),
});
type Stored = z.infer<typeof Stored>;
export type StoredToken = Stored['tokens'][string];

export interface CredentialStore {
  /** The file tokens are kept in. */
  readonly file: string;
  read(apiUrl: string): StoredToken | undefined;
  save(apiUrl: string, entry: StoredToken): void;
  remove(apiUrl: string): void;
}

export function configDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'sluice');
}

export function fileCredentialStore(dir: string): CredentialStore {
  const file = path.join(dir, 'credentials.json');
  const load = (): Stored => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return { tokens: {} };
    }
    const parsed = Stored.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${file} is not a Sluice credentials file; remove it and run 'sluice login'`);
    return parsed.data;
  };
  const write = (data: Stored): void => {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  };
  return {
    file,
    read: (apiUrl) => load().tokens[apiUrl],
    save: (apiUrl, entry) => {
      const data = load();
      data.tokens[apiUrl] = entry;
      write(data);
    },
    remove: (apiUrl) => {
      const data = load();
      if (!(apiUrl in data.tokens)) return;
      delete data.tokens[apiUrl];
      write(data);
    },
  };
}
