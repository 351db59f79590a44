/** Entry point of the `sluice` command: reads config, wires real dependencies, runs, sets the exit code. */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createClient } from '@sluice/client';
import { loadConfig, type CliConfig } from './config';
import { CommandFailed, type UserAdmin } from './context';
import { configDir, fileCredentialStore } from './credentials';
import { runCli } from './program';
import { readSecret } from './secret-input';

/** <repo>/prisma/migrations, found from this file so the command works from any directory. */
const migrationsDir = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

async function main(argv: string[]): Promise<number> {
  let config: CliConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const { databaseUrl, apiUrl } = config;
  const credentials = fileCredentialStore(configDir(process.env));
  const token = process.env.SLUICE_API_TOKEN || credentials.read(apiUrl)?.token;
  return runCli(argv, {
    client: createClient({ baseUrl: apiUrl, ...(token ? { token } : {}) }),
    apiUrl,
    clientWith: (opts) => createClient({ baseUrl: apiUrl, ...opts }),
    credentials,
    readSecret,
    withUsers: async (fn) => {
      const db = await import('@sluice/db');
      const conn = db.createDb({ databaseUrl, max: 1 });
      const actor = `cli:${os.userInfo().username}`;
      const audit = (action: 'user_create' | 'user_update' | 'user_delete', details: Record<string, unknown>) =>
        db.recordAuditEvent(conn.pool, { actor, action, details });
      const admin: UserAdmin = {
        list: () => db.listUsers(conn.prisma),
        create: async (input) => {
          const made = await db.createUser(conn.prisma, input);
          await audit('user_create', { username: made.username, role: made.role, teams: made.teams });
          return made;
        },
        update: async (username, change) => {
          const made = await db.updateUser(conn.prisma, username, change);
          const { password, ...rest } = change;
          await audit('user_update', { username, ...rest, ...(password ? { password: 'changed' } : {}) });
          return made;
        },
        remove: async (username) => {
          await db.deleteUser(conn.prisma, username);
          await audit('user_delete', { username });
        },
      };
      try {
        return await fn(admin);
      } catch (raw) {
        // A refused change (unknown user, weak password, last admin) is the command failing, with its reason.
        if (raw instanceof db.UserError) throw new CommandFailed(raw.message);
        throw raw;
      } finally {
        await conn.close();
      }
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    // Loaded only by the commands that need them, so API commands start fast
    // and work without a database driver or the DAG compiler.
    validateDags: async (path) => {
      const { validateDagFolder } = await import('@sluice/dag-loader');
      return validateDagFolder(path);
    },
    migrateDb: async () => {
      const { migrate } = await import('@sluice/db');
      return migrate({ databaseUrl, migrationsDir });
    },
    rotateSecretKey: async (oldKey, newKey) => {
      const { createDb, rotateSecretKey } = await import('@sluice/db');
      const db = createDb({ databaseUrl, max: 1 });
      try {
        return await rotateSecretKey(db.prisma, oldKey, newKey);
      } finally {
        await db.close();
      }
    },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      return Buffer.concat(chunks).toString('utf8');
    },
    cleanDb: async (o) => {
      const { cleanDbWith } = await import('./db-clean');
      return cleanDbWith(databaseUrl, o, process.env);
    },
    start: async () => {
      const { startAll } = await import('./start');
      await startAll();
    },
    startWorker: async (queues) => {
      const { runWorker } = await import('./start');
      await runWorker(queues);
    },
  });
}

// `sluice tasks logs … | head` closes the pipe early: stop quietly, as other commands do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2));
