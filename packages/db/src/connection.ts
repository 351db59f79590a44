/**
 * How a database URL plus an optional Postgres schema becomes pg connection
 * settings. Shared by the client factory and the migration runner so both
 * agree on which schema they talk to.
 */
import type pg from 'pg';

export const DEFAULT_SCHEMA = 'public';

/** A URL with its credentials hidden, fit for logs and error messages. */
export function describeDatabaseUrl(databaseUrl: string): { hostPort: string; database: string } {
  try {
    const url = new URL(databaseUrl);
    const host = url.hostname === '' ? 'localhost' : url.hostname;
    const port = url.port === '' ? '5432' : url.port;
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return { hostPort: `${host}:${port}`, database };
  } catch {
    return { hostPort: 'an unparseable DATABASE_URL', database: '' };
  }
}

/**
 * The schema to use: the explicit option, else Prisma's `?schema=` URL
 * parameter, else `public`.
 */
export function resolveSchema(databaseUrl: string, schema?: string): string {
  if (schema !== undefined && schema !== '') return schema;
  try {
    const fromUrl = new URL(databaseUrl).searchParams.get('schema');
    if (fromUrl !== null && fromUrl !== '') return fromUrl;
  } catch {
    // An unparseable URL fails later, in pg, with its own message.
  }
  return DEFAULT_SCHEMA;
}

/** `name` as a double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * pg settings whose every connection resolves unqualified names in `schema`
 * first (so raw SQL and Prisma queries see the same tables), and keeps one
 * generic plan per prepared statement.
 *
 * Postgres otherwise plans a prepared statement again on every execution
 * whenever a plan for the actual parameters looks cheaper than the generic
 * one, as it always does for the claim or finish of a few tries (the generic
 * plan is costed for ten): planning those CTEs cost more than running them.
 * Only named statements are affected (`prepared` in sql/queryable.ts);
 * their generic plans are checked to find rows by index (sql/plans.test.ts).
 * One-off statements, Prisma's among them, are planned with their values.
 */
export function connectionConfig(databaseUrl: string, schema: string): pg.ClientConfig {
  const url = new URL(databaseUrl);
  // Prisma's `schema` parameter means nothing to pg; drop it.
  url.searchParams.delete('schema');
  return {
    connectionString: url.toString(),
    // libpq startup options: backslash-escape spaces for the option parser.
    // Only `schema`: a test schema must never fall back to tables in public.
    options: `-c search_path=${quoteIdent(schema).replaceAll(' ', '\\ ')} -c plan_cache_mode=force_generic_plan`,
  };
}
