/**
 * The migration runner: applies prisma/migrations/<name>/migration.sql in
 * name order and records each in `_prisma_migrations` exactly as
 * `prisma migrate deploy` would, so either tool can take over from the other.
 * It exists because the Prisma CLI's migrate commands need a native engine
 * that is downloaded at runtime, which a production host may not allow.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toError } from '@sluice/core';
import pg from 'pg';
import { connectionConfig, describeDatabaseUrl, quoteIdent, resolveSchema } from './connection';
import { DatabaseUnreachableError, MigrationError, databaseErrorHint } from './errors';

/** The repository's migrations folder (prisma/migrations). */
export const defaultMigrationsDir = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

/** The advisory lock key `prisma migrate` takes, so this runner and Prisma's exclude each other. */
const MIGRATION_LOCK_KEY = 72707369;

export interface MigrateOptions {
  databaseUrl: string;
  /** A folder of `<name>/migration.sql`; default `defaultMigrationsDir`. */
  migrationsDir?: string;
  /** Postgres schema to migrate, created if missing; default the URL's `?schema=` or `public`. */
  schema?: string;
  log?: (message: string) => void;
}

export interface MigrateResult {
  /** Names of the migrations this call applied, in order; empty when the database was up to date. */
  applied: string[];
}

interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies every migration not yet applied, each in its own transaction,
 * while holding a Postgres advisory lock so concurrent callers apply each
 * migration once. Refuses to run (MigrationError naming the migration) when
 * an applied migration's file changed or a failed migration is recorded.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  const schema = resolveSchema(options.databaseUrl, options.schema);
  const local = await readMigrations(options.migrationsDir ?? defaultMigrationsDir);

  const client = new pg.Client(connectionConfig(options.databaseUrl, schema));
  client.on('error', () => undefined);
  await connect(client, options.databaseUrl);
  try {
    await acquireLock(client, log);
    try {
      await ensureSchema(client, schema);
      const table = `${quoteIdent(schema)}."_prisma_migrations"`;
      await client.query(createMigrationsTableSql(table));
      const rows = await client.query<MigrationRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM ${table} ORDER BY started_at`,
      );
      const pending = pendingMigrations(local, rows.rows, log);
      const applied: string[] = [];
      for (const migration of pending) {
        await applyMigration(client, table, migration);
        log(`Applied migration ${migration.name}`);
        applied.push(migration.name);
      }
      if (applied.length === 0) log(`Database schema "${schema}" is up to date`);
      return { applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** sha256 hex of the file's bytes: the checksum Prisma stores. */
export function migrationChecksum(sql: string | Buffer): string {
  return createHash('sha256').update(sql).digest('hex');
}

async function readMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: LocalMigration[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (raw) {
      throw new MigrationError(`Migration "${name}" has no readable migration.sql at ${file}`, name, {
        cause: toError(raw),
      });
    }
    migrations.push({ name, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) });
  }
  return migrations;
}

async function connect(client: pg.Client, databaseUrl: string): Promise<void> {
  try {
    await client.connect();
  } catch (raw) {
    const err = toError(raw);
    const hint = databaseErrorHint(err, databaseUrl);
    if (hint === undefined) throw err;
    throw new DatabaseUnreachableError(hint, describeDatabaseUrl(databaseUrl).hostPort, { cause: err });
  }
}

async function acquireLock(client: pg.Client, log: (message: string) => void): Promise<void> {
  const attempt = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
    MIGRATION_LOCK_KEY,
  ]);
  if (attempt.rows[0]?.locked === true) return;
  log('Another process is migrating this database; waiting for it to finish');
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
}

/** Creates the schema only when missing: CREATE SCHEMA needs a privilege a deploy user may lack. */
async function ensureSchema(client: pg.Client, schema: string): Promise<void> {
  const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (found.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
}

/** The table `prisma migrate` creates, column for column. */
function createMigrationsTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
  )`;
}

/** Checks the recorded history against the files and returns what is left to apply, in order. */
function pendingMigrations(
  local: readonly LocalMigration[],
  rows: readonly MigrationRow[],
  log: (message: string) => void,
): LocalMigration[] {
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed !== undefined) {
    throw new MigrationError(
      `Migration "${failed.migration_name}" failed earlier and is recorded as unfinished in _prisma_migrations. ` +
        'Repair the database by hand, then set its rolled_back_at (or delete its row) and migrate again.',
      failed.migration_name,
    );
  }

  const applied = new Map<string, MigrationRow>();
  for (const row of rows) {
    if (row.finished_at !== null && row.rolled_back_at === null) applied.set(row.migration_name, row);
  }

  const localNames = new Set(local.map((migration) => migration.name));
  for (const name of applied.keys()) {
    if (!localNames.has(name))
      log(`Migration ${name} is applied in the database but missing from the migrations folder`);
  }

  const pending: LocalMigration[] = [];
  for (const migration of local) {
    const row = applied.get(migration.name);
    if (row === undefined) {
      pending.push(migration);
    } else if (row.checksum !== migration.checksum) {
      throw new MigrationError(
        `Migration "${migration.name}" was modified after it was applied: its migration.sql checksum is ` +
          `${migration.checksum} but ${row.checksum} was applied. Restore the original file and put the change in a new migration.`,
        migration.name,
      );
    }
  }
  return pending;
}

async function applyMigration(client: pg.Client, table: string, migration: LocalMigration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO ${table} (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query('COMMIT');
  } catch (raw) {
    const err = toError(raw);
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(
      `Migration "${migration.name}" failed and was rolled back, nothing of it was applied: ${err.message}`,
      migration.name,
      { cause: err },
    );
  }
}
