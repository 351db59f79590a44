/** Entry point of the `sluice` command: reads config, wires real dependencies, runs, sets the exit code. */
import { fileURLToPath } from 'node:url';
import { createClient } from '@sluice/client';
import { loadConfig, type CliConfig } from './config';
import { runCli } from './program';

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
  const { databaseUrl } = config;
  return runCli(argv, {
    client: createClient({ baseUrl: config.apiUrl }),
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
    cleanDb: async (o) => {
      const { cleanDbWith } = await import('./db-clean');
      return cleanDbWith(databaseUrl, o, process.env);
    },
    start: async () => {
      const { startAll } = await import('./start');
      await startAll();
    },
  });
}

process.exitCode = await main(process.argv.slice(2));
