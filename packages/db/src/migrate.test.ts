import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdent } from './connection';
import { MigrationError } from './errors';
import { checkDatabase } from './health';
import { defaultMigrationsDir, migrate } from './migrate';
import { dropSchema, randomSchemaName, testDatabaseUrl } from './testing';

const databaseUrl = testDatabaseUrl();
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  await checkDatabase(databaseUrl);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function freshSchema(): string {
  const schema = randomSchemaName();
  cleanups.push(() => dropSchema(databaseUrl, schema));
  return schema;
}

/** A writable copy of the repository's migrations plus any extra ones. */
async function migrationsCopy(extra: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sluice-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(defaultMigrationsDir, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

async function query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  started_at: Date;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

function migrationRows(schema: string): Promise<MigrationRow[]> {
  return query<MigrationRow>(`SELECT * FROM ${quoteIdent(schema)}."_prisma_migrations" ORDER BY migration_name`);
}

async function tableNames(schema: string): Promise<string[]> {
  const rows = await query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((row) => row.table_name);
}

const initName = '20261122035752_init';
/** Every migration the project ships, in the order they apply. */
const shipped = readdirSync(defaultMigrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('migrate', () => {
  it('applies the migrations into the schema and records each as prisma migrate does', async () => {
    const schema = freshSchema();

    const result = await migrate({ databaseUrl, schema });

    expect(result.applied).toEqual(shipped);
    expect(shipped[0]).toBe(initName);
    expect(await tableNames(schema)).toEqual([
      '_prisma_migrations',
      'api_token',
      'app_user',
      'asset',
      'asset_dag_run_queue',
      'asset_event',
      'asset_reference',
      'audit_event',
      'backfill',
      'callback_run',
      'cancel_request',
      'connection',
      'dag',
      'dag_bundle',
      'dag_run',
      'dag_run_asset_event',
      'dag_version',
      'import_error',
      'pool',
      'run_note',
      'scheduler_heartbeat',
      'secret_key_check',
      'task_instance',
      'task_log',
      'task_output',
      'task_try',
      'user_session',
      'variable',
      'worker_heartbeat',
    ]);
    const sqlBytes = await readFile(path.join(defaultMigrationsDir, initName, 'migration.sql'));
    const rows = await migrationRows(schema);
    expect(rows.map((r) => r.migration_name)).toEqual(shipped);
    const row = rows[0];
    expect(row).toMatchObject({
      migration_name: initName,
      checksum: createHash('sha256').update(sqlBytes).digest('hex'),
      rolled_back_at: null,
      logs: null,
      applied_steps_count: 1,
    });
    expect(row?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row?.finished_at).toBeInstanceOf(Date);
    expect(row?.finished_at?.getTime()).toBeGreaterThanOrEqual(row?.started_at.getTime() ?? Infinity);
  });

  it('creates _prisma_migrations with the columns and types Prisma uses', async () => {
    const schema = freshSchema();
    await migrate({ databaseUrl, schema });

    const columns = await query<{
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
      character_maximum_length: number | null;
    }>(
      `SELECT column_name, data_type, is_nullable, column_default, character_maximum_length
         FROM information_schema.columns WHERE table_schema = $1 AND table_name = '_prisma_migrations'
        ORDER BY ordinal_position`,
      [schema],
    );
    expect(columns).toEqual([
      {
        column_name: 'id',
        data_type: 'character varying',
        is_nullable: 'NO',
        column_default: null,
        character_maximum_length: 36,
      },
      {
        column_name: 'checksum',
        data_type: 'character varying',
        is_nullable: 'NO',
        column_default: null,
        character_maximum_length: 64,
      },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        is_nullable: 'YES',
        column_default: null,
        character_maximum_length: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        is_nullable: 'NO',
        column_default: null,
        character_maximum_length: 255,
      },
      {
        column_name: 'logs',
        data_type: 'text',
        is_nullable: 'YES',
        column_default: null,
        character_maximum_length: null,
      },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        is_nullable: 'YES',
        column_default: null,
        character_maximum_length: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        is_nullable: 'NO',
        column_default: 'now()',
        character_maximum_length: null,
      },
      {
        column_name: 'applied_steps_count',
        data_type: 'integer',
        is_nullable: 'NO',
        column_default: '0',
        character_maximum_length: null,
      },
    ]);
  });

  it('applies nothing the second time', async () => {
    const schema = freshSchema();
    await migrate({ databaseUrl, schema });
    const before = await migrationRows(schema);

    const second = await migrate({ databaseUrl, schema });

    expect(second.applied).toEqual([]);
    expect(await migrationRows(schema)).toEqual(before);
  });

  it('applies only migrations added since the last run, in name order', async () => {
    const schema = freshSchema();
    await migrate({ databaseUrl, schema });
    const dir = await migrationsCopy({
      '99990102000000_b_second': 'ALTER TABLE "pool" ADD COLUMN "second" TEXT;',
      '99990101000000_a_first': 'ALTER TABLE "pool" ADD COLUMN "first" TEXT;',
    });

    const result = await migrate({ databaseUrl, schema, migrationsDir: dir });

    expect(result.applied).toEqual(['99990101000000_a_first', '99990102000000_b_second']);
    const columns = await query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'pool' ORDER BY ordinal_position`,
      [schema],
    );
    expect(columns.map((c) => c.column_name)).toEqual(['name', 'slots', 'description', 'first', 'second']);
  });

  it('refuses a migration edited after it was applied, naming it', async () => {
    const schema = freshSchema();
    const dir = await migrationsCopy();
    await migrate({ databaseUrl, schema, migrationsDir: dir });
    const file = path.join(dir, initName, 'migration.sql');
    await writeFile(file, `${await readFile(file, 'utf8')}\n-- an innocent-looking edit\n`);

    const attempt = migrate({ databaseUrl, schema, migrationsDir: dir });

    await expect(attempt).rejects.toThrow(MigrationError);
    await expect(attempt).rejects.toThrow(`Migration "${initName}" was modified after it was applied`);
    await expect(attempt).rejects.toMatchObject({ migrationName: initName });
  });

  it('refuses to run while a failed migration is recorded, naming it', async () => {
    const schema = freshSchema();
    await migrate({ databaseUrl, schema });
    await query(
      `INSERT INTO ${quoteIdent(schema)}."_prisma_migrations" (id, checksum, migration_name, started_at)
       VALUES ('00000000-0000-4000-8000-000000000000', 'x', '99990101000000_half_done', now())`,
    );

    const attempt = migrate({ databaseUrl, schema });

    await expect(attempt).rejects.toThrow(MigrationError);
    await expect(attempt).rejects.toThrow('Migration "99990101000000_half_done" failed earlier');
  });

  it('rolls back a migration that fails part-way and records nothing for it', async () => {
    const schema = freshSchema();
    const dir = await migrationsCopy({
      '99990101000000_broken': 'CREATE TABLE "half" ("id" INTEGER);\nSELECT no_such_function();',
    });

    const attempt = migrate({ databaseUrl, schema, migrationsDir: dir });

    await expect(attempt).rejects.toThrow('Migration "99990101000000_broken" failed and was rolled back');
    expect(await tableNames(schema)).not.toContain('half');
    expect((await migrationRows(schema)).map((row) => row.migration_name)).toEqual(shipped);
  });

  it('applies each migration once when several processes migrate at the same moment', async () => {
    const schema = freshSchema();

    const results = await Promise.all([1, 2, 3].map(() => migrate({ databaseUrl, schema })));

    expect(results.flatMap((result) => result.applied)).toEqual(shipped);
    expect((await migrationRows(schema)).map((row) => row.migration_name)).toEqual(shipped);
  });

  it('names the migration folder that has no migration.sql', async () => {
    const schema = freshSchema();
    const dir = await migrationsCopy();
    await mkdir(path.join(dir, '99990101000000_empty'));

    await expect(migrate({ databaseUrl, schema, migrationsDir: dir })).rejects.toThrow(
      'Migration "99990101000000_empty" has no readable migration.sql',
    );
  });
});
