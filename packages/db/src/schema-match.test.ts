/**
 * Proves the hand-written migrations build exactly the database the Prisma
 * client expects: every table, column, type, nullability, default, primary
 * key, index and foreign key is compared against the DMMF of schema.prisma.
 * CHECK constraints, which Prisma does not model (schema.prisma names them in
 * comments), are compared against the states of packages/core.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { QueryResultRow } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { backfillReprocessValues, backfillStates, dagRunStates, roles, taskInstanceStates } from '@sluice/core';
import { Prisma } from './generated/prisma/client';
import { quoteIdent } from './connection';
import { type TestDatabase, createTestDatabase } from './testing';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const DmmfField = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  kind: z.enum(['scalar', 'object', 'enum', 'unsupported']),
  isRequired: z.boolean(),
  isId: z.boolean(),
  isUnique: z.boolean(),
  isUpdatedAt: z.boolean(),
  hasDefaultValue: z.boolean(),
  type: z.string(),
  nativeType: z.tuple([z.string(), z.array(z.string())]).nullish(),
  default: z.unknown().optional(),
  relationFromFields: z.array(z.string()).optional(),
  relationToFields: z.array(z.string()).optional(),
  relationOnDelete: z.string().optional(),
});
type DmmfField = z.infer<typeof DmmfField>;
const DmmfModel = z.object({
  name: z.string(),
  dbName: z.string().nullable(),
  fields: z.array(DmmfField),
  primaryKey: z.object({ fields: z.array(z.string()) }).nullable(),
});
type DmmfModel = z.infer<typeof DmmfModel>;
const Dmmf = z.object({
  datamodel: z.object({
    models: z.array(DmmfModel),
    indexes: z.array(
      z.object({
        model: z.string(),
        type: z.enum(['id', 'unique', 'normal', 'fulltext']),
        dbName: z.string().nullish(),
        fields: z.array(z.object({ name: z.string() })),
      }),
    ),
  }),
});
type Dmmf = z.infer<typeof Dmmf>;

async function loadDmmf(): Promise<Dmmf> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(root, 'packages/db/scripts/print-dmmf.mjs'), path.join(root, 'prisma/schema.prisma')],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return Dmmf.parse(JSON.parse(stdout));
}

const tableOf = (model: DmmfModel): string => model.dbName ?? model.name;
const columnOf = (field: DmmfField): string => field.dbName ?? field.name;
const scalars = (model: DmmfModel): DmmfField[] => model.fields.filter((f) => f.kind === 'scalar');
function column(model: DmmfModel, fieldName: string): string {
  const field = model.fields.find((f) => f.name === fieldName);
  if (field === undefined) throw new Error(`${model.name} has no field ${fieldName}`);
  return columnOf(field);
}

/** Postgres' name for the column type Prisma creates for a field. */
function expectedType(field: DmmfField): { dataType: string; precision: number | null } {
  const native = field.nativeType?.[0];
  switch (field.type) {
    case 'String':
      if (native === 'Uuid') return { dataType: 'uuid', precision: null };
      if (native === undefined || native === 'Text') return { dataType: 'text', precision: null };
      break;
    case 'Boolean':
      return { dataType: 'boolean', precision: null };
    case 'Int':
      return { dataType: 'integer', precision: null };
    case 'BigInt':
      return { dataType: 'bigint', precision: null };
    case 'Json':
      return { dataType: 'jsonb', precision: null };
    case 'DateTime': {
      const precision = Number(field.nativeType?.[1][0] ?? 3);
      if (native === 'Timestamptz') return { dataType: 'timestamp with time zone', precision };
      if (native === undefined || native === 'Timestamp') return { dataType: 'timestamp without time zone', precision };
      break;
    }
  }
  throw new Error(`No expected Postgres type for ${field.name}: ${field.type} ${native ?? ''}; extend this test`);
}

/** The column_default Postgres reports for a field's @default, or null. */
function expectedDefault(table: string, field: DmmfField): string | RegExp | null {
  if (!field.hasDefaultValue) return null;
  const value = field.default;
  if (typeof value === 'object' && value !== null && 'name' in value) {
    const fn = z.object({ name: z.string(), args: z.array(z.unknown()) }).parse(value);
    if (fn.name === 'now') return 'CURRENT_TIMESTAMP';
    if (fn.name === 'autoincrement')
      return new RegExp(`^nextval\\('"?${table}_${columnOf(field)}_seq"?'::regclass\\)$`);
    if (fn.name === 'dbgenerated') return z.string().parse(fn.args[0]);
    throw new Error(`No expected default for ${field.name}: ${fn.name}(); extend this test`);
  }
  if (typeof value === 'string') {
    const cast = field.type === 'Json' ? 'jsonb' : 'text';
    return `'${value.replaceAll("'", "''")}'::${cast}`;
  }
  // Postgres keeps a negative integer default as a cast literal.
  if (typeof value === 'number' && value < 0) return `'${value}'::integer`;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  throw new Error(`No expected default for ${field.name}: ${JSON.stringify(value)}; extend this test`);
}

const DELETE_ACTIONS: Record<string, string> = {
  Cascade: 'c',
  Restrict: 'r',
  NoAction: 'a',
  SetNull: 'n',
  SetDefault: 'd',
};

let dmmf: Dmmf;
let testDb: TestDatabase;

async function sql<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const result = await testDb.db.pool.query<R>(text, values);
  return result.rows;
}

beforeAll(async () => {
  [dmmf, testDb] = await Promise.all([loadDmmf(), createTestDatabase()]);
});

afterAll(async () => {
  await testDb?.drop();
});

describe('the migrated database matches schema.prisma', () => {
  it('the generated client was generated from this schema (same models and scalar fields)', () => {
    expect(Object.values(Prisma.ModelName).sort()).toEqual(dmmf.datamodel.models.map((m) => m.name).sort());
    for (const model of dmmf.datamodel.models) {
      const fieldEnum = z.record(z.string(), z.string()).parse(Reflect.get(Prisma, `${model.name}ScalarFieldEnum`));
      expect(Object.values(fieldEnum), model.name).toEqual(scalars(model).map((f) => f.name));
    }
  });

  it('has exactly one table per model, plus _prisma_migrations', async () => {
    const tables = await sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
      [testDb.schema],
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual(
      [...dmmf.datamodel.models.map(tableOf), '_prisma_migrations'].sort(),
    );
  });

  it('has each scalar field as a column of the right type, nullability and default, in field order', async () => {
    interface ColumnRow {
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: 'YES' | 'NO';
      column_default: string | null;
      datetime_precision: number | null;
    }
    const rows = await sql<ColumnRow>(
      `SELECT table_name, column_name, data_type, is_nullable, column_default, datetime_precision
         FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [testDb.schema],
    );
    for (const model of dmmf.datamodel.models) {
      const table = tableOf(model);
      const actual = rows.filter((r) => r.table_name === table);
      expect(
        actual.map((r) => r.column_name),
        table,
      ).toEqual(scalars(model).map(columnOf));
      for (const field of scalars(model)) {
        const row = actual.find((r) => r.column_name === columnOf(field));
        const where = `${table}.${columnOf(field)}`;
        const { dataType, precision } = expectedType(field);
        expect(row?.data_type, where).toBe(dataType);
        if (precision !== null) expect(row?.datetime_precision, where).toBe(precision);
        expect(row?.is_nullable, where).toBe(field.isRequired ? 'NO' : 'YES');
        const expected = expectedDefault(table, field);
        if (expected instanceof RegExp) expect(row?.column_default, where).toMatch(expected);
        else expect(row?.column_default, where).toBe(expected);
      }
    }
  });

  it('has each primary key, unique constraint and index under Prisma’s name, on the same columns', async () => {
    interface IndexRow {
      table_name: string;
      index_name: string;
      is_unique: boolean;
      is_primary: boolean;
      columns: string[];
    }
    const rows = await sql<IndexRow>(
      `SELECT t.relname AS table_name, i.relname AS index_name, x.indisunique AS is_unique,
              x.indisprimary AS is_primary,
              array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 AND t.relname <> '_prisma_migrations'`,
      [testDb.schema],
    );
    const expected: IndexRow[] = [];
    for (const model of dmmf.datamodel.models) {
      const table = tableOf(model);
      const idColumns =
        model.primaryKey?.fields.map((f) => column(model, f)) ??
        scalars(model)
          .filter((f) => f.isId)
          .map(columnOf);
      expected.push({
        table_name: table,
        index_name: `${table}_pkey`,
        is_unique: true,
        is_primary: true,
        columns: idColumns,
      });
    }
    for (const index of dmmf.datamodel.indexes) {
      if (index.type === 'id') continue;
      const model = dmmf.datamodel.models.find((m) => m.name === index.model);
      if (model === undefined) throw new Error(`index on unknown model ${index.model}`);
      const table = tableOf(model);
      const columns = index.fields.map((f) => column(model, f.name));
      const unique = index.type === 'unique';
      expected.push({
        table_name: table,
        index_name: index.dbName ?? `${table}_${columns.join('_')}_${unique ? 'key' : 'idx'}`,
        is_unique: unique,
        is_primary: false,
        columns,
      });
    }
    const byName = (a: IndexRow, b: IndexRow) => a.index_name.localeCompare(b.index_name);
    expect(rows.sort(byName)).toEqual(expected.sort(byName));
  });

  it('has each partial index’s WHERE as schema.prisma writes it, and no other partial index', async () => {
    // The DMMF leaves out `where: raw(…)`, so it is read from the schema
    // text; Postgres then prints both the same way, through a scratch index.
    const schemaText = await readFile(path.join(root, 'prisma/schema.prisma'), 'utf8');
    const declared = [...schemaText.matchAll(/map:\s*"([^"]+)",\s*where:\s*raw\("((?:[^"\\]|\\.)*)"\)/g)].map((m) => ({
      index: m[1] ?? '',
      where: (m[2] ?? '').replaceAll('\\"', '"'),
    }));
    expect(declared.length).toBeGreaterThan(0);
    const actual = await sql<{ index_name: string; table_name: string; predicate: string }>(
      `SELECT i.relname AS index_name, t.relname AS table_name, pg_get_expr(x.indpred, x.indrelid) AS predicate
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = $1::regnamespace AND x.indpred IS NOT NULL
        ORDER BY i.relname`,
      [testDb.schema],
    );
    const expected: Array<{ index_name: string; table_name: string; predicate: string }> = [];
    const client = await testDb.db.pool.connect();
    try {
      await client.query('BEGIN');
      for (const d of declared) {
        const table = actual.find((a) => a.index_name === d.index)?.table_name ?? 'task_instance';
        await client.query(`CREATE TEMP TABLE scratch (LIKE ${quoteIdent(testDb.schema)}.${quoteIdent(table)})`);
        await client.query(`CREATE INDEX scratch_idx ON scratch (${'(1)'}) WHERE ${d.where}`);
        const res = await client.query<{ predicate: string }>(
          `SELECT pg_get_expr(x.indpred, x.indrelid) AS predicate FROM pg_index x WHERE x.indexrelid = 'scratch_idx'::regclass`,
        );
        expected.push({ index_name: d.index, table_name: table, predicate: res.rows[0]?.predicate ?? '' });
        await client.query('DROP TABLE scratch');
      }
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(actual).toEqual(expected.sort((a, b) => a.index_name.localeCompare(b.index_name)));
  });

  it('has each relation as a foreign key under Prisma’s name with its on-delete action and ON UPDATE CASCADE', async () => {
    interface ForeignKeyRow {
      name: string;
      table_name: string;
      columns: string[];
      referenced_table: string;
      referenced_columns: string[];
      on_delete: string;
      on_update: string;
    }
    const rows = await sql<ForeignKeyRow>(
      `SELECT c.conname AS name, t.relname AS table_name, r.relname AS referenced_table,
              array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns,
              array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS referenced_columns,
              c.confdeltype AS on_delete, c.confupdtype AS on_update
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_class r ON r.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'f' AND n.nspname = $1`,
      [testDb.schema],
    );
    const expected: ForeignKeyRow[] = [];
    for (const model of dmmf.datamodel.models) {
      for (const relation of model.fields) {
        const from = relation.relationFromFields ?? [];
        if (relation.kind !== 'object' || from.length === 0) continue;
        const target = dmmf.datamodel.models.find((m) => m.name === relation.type);
        if (target === undefined) throw new Error(`relation to unknown model ${relation.type}`);
        const table = tableOf(model);
        const columns = from.map((f) => column(model, f));
        // Prisma's default: Restrict for a required relation, SetNull for an optional one.
        const onDelete = relation.relationOnDelete ?? (relation.isRequired ? 'Restrict' : 'SetNull');
        expected.push({
          name: `${table}_${columns.join('_')}_fkey`,
          table_name: table,
          columns,
          referenced_table: tableOf(target),
          referenced_columns: (relation.relationToFields ?? []).map((f) => column(target, f)),
          on_delete: DELETE_ACTIONS[onDelete] ?? `unknown ${onDelete}`,
          on_update: 'c',
        });
      }
    }
    const byName = (a: ForeignKeyRow, b: ForeignKeyRow) => a.name.localeCompare(b.name);
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.sort(byName)).toEqual(expected.sort(byName));
  });
});

/**
 * The CHECK constraints the migrations create, each as the values its column
 * may take. Prisma does not model them; the states come from core, so a
 * state added there without a migration fails here.
 */
const expectedStateChecks: Record<string, readonly string[]> = {
  api_token_role_check: roles,
  backfill_reprocess_check: backfillReprocessValues,
  backfill_state_check: backfillStates,
  app_user_role_check: roles,
  dag_run_state_check: dagRunStates,
  task_instance_state_check: taskInstanceStates,
  task_try_state_check: taskInstanceStates,
};

describe('the CHECK constraints', () => {
  it('allow exactly core’s states on dag_run, task_instance, task_try and backfill, core’s backfill reprocess values, core’s roles on users and tokens, and there are no others', async () => {
    const rows = await sql<{ name: string; definition: string }>(
      `SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS definition
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE c.contype = 'c' AND n.nspname = $1 ORDER BY c.conname`,
      [testDb.schema],
    );
    const actual = Object.fromEntries(
      rows.map((r) => {
        expect(r.definition, r.name).toMatch(
          /^CHECK \(\((state|role|reprocess) = ANY \(ARRAY\[('[a-z_]+'::text(, )?)+\]\)\)\)$/,
        );
        return [r.name, [...r.definition.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1])];
      }),
    );
    expect(actual).toEqual(Object.fromEntries(Object.entries(expectedStateChecks).map(([k, v]) => [k, [...v]])));
  });

  it('refuse a state core does not know', async () => {
    await expect(sql(`INSERT INTO dag (dag_id, file_loc) VALUES ('chk', 'chk.ts')`)).resolves.toEqual([]);
    const version = await sql<{ id: string }>(
      `INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc) VALUES ('chk', 'h', '{}', '', 'chk.ts') RETURNING id`,
    );
    const insertRun = (state: string) =>
      sql(
        `INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, data_interval_start, data_interval_end, state, dag_version_id)
         VALUES ('chk', $1, 'manual', now(), now(), now(), $2, $3)`,
        [`r-${state}`, state, version[0]?.id],
      );
    await expect(insertRun('restarting')).rejects.toThrow(/dag_run_state_check/);
    await expect(insertRun('queued')).resolves.toEqual([]);
  });
});
