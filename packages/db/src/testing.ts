/**
 * Test support: a fresh, migrated Postgres schema per test file, dropped
 * afterwards, so integration tests can run side by side on one database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, createDb } from './client';
import { quoteIdent } from './connection';
import { checkDatabase } from './health';
import { defaultMigrationsDir, migrate } from './migrate';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The database tests use: TEST_DATABASE_URL, then DATABASE_URL, then the local `test` database. */
export function testDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEST_DATABASE_URL ?? env.DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
}

/** A schema name no other test uses: `test_` and 12 random hex digits. */
export function randomSchemaName(): string {
  return `test_${randomBytes(6).toString('hex')}`;
}

export interface CreateTestDatabaseOptions {
  /** Default: TEST_DATABASE_URL, then DATABASE_URL, then postgres://postgres@127.0.0.1:5432/test. */
  databaseUrl?: string;
  migrationsDir?: string;
  /** Pool size of the returned `db`; default 5. */
  max?: number;
}

export interface TestDatabase {
  /** The database URL (without schema); pass it with `schema` to anything that connects on its own. */
  databaseUrl: string;
  /** The random schema every connection of `db` uses, e.g. `test_3f9a1c0b2d4e`. */
  schema: string;
  db: Db;
  /** Closes `db` and drops the schema with everything in it. */
  drop(): Promise<void>;
}

/**
 * Creates a schema with a random name, applies every migration to it and
 * returns a client bound to it. Throws DatabaseUnreachableError, naming the
 * address and what to do, when Postgres is down: tests fail, never skip.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const databaseUrl = options.databaseUrl ?? testDatabaseUrl();
  await checkDatabase(databaseUrl);

  const schema = randomSchemaName();
  await migrate({ databaseUrl, schema, migrationsDir: options.migrationsDir ?? defaultMigrationsDir });
  const db = createDb({ databaseUrl, schema, max: options.max ?? 5 });

  let dropped: Promise<void> | undefined;
  return {
    databaseUrl,
    schema,
    db,
    drop() {
      dropped ??= db.close().then(() => dropSchema(databaseUrl, schema));
      return dropped;
    },
  };
}

/** Drops a schema and everything in it, over a connection of its own. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
