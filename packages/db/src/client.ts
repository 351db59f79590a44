/**
 * The one way the rest of Sluice gets a database handle: a pg Pool and a
 * Prisma client driving that same pool, so hot-path raw SQL and Prisma
 * queries share connections, limits and the schema.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { connectionConfig, resolveSchema } from './connection';
import { PrismaClient } from './generated/prisma/client';

export interface CreateDbOptions {
  databaseUrl: string;
  /** Postgres schema for every query, raw or Prisma; default the URL's `?schema=` or `public`. */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
  /**
   * Called with errors of pooled connections outside a query, idle or
   * checked out (e.g. Postgres restarted, or the backend was terminated);
   * default: ignored. The pool drops a broken connection and opens another;
   * a query on it fails with its own error.
   */
  onPoolError?: (err: Error) => void;
}

export interface Db {
  prisma: PrismaClient;
  /** Same connections Prisma uses; every connection's search_path is `schema`. */
  pool: pg.Pool;
  schema: string;
  /** Disconnects Prisma and ends the pool. */
  close(): Promise<void>;
}

export function createDb(options: CreateDbOptions): Db {
  const schema = resolveSchema(options.databaseUrl, options.schema);
  const pool = new pg.Pool({ ...connectionConfig(options.databaseUrl, schema), max: options.max ?? 10 });
  const onPoolError = options.onPoolError ?? (() => undefined);
  // Without a listener a connection's error would crash the process: the
  // pool listens on idle connections only, so every connection gets its
  // own listener too, for while it is checked out (a transaction between
  // statements, a client held across awaits).
  pool.on('error', onPoolError);
  pool.on('connect', (client) => {
    client.on('error', onPoolError);
  });
  const adapter = new PrismaPg(pool, { schema, onPoolError });
  const prisma = new PrismaClient({ adapter });

  let closing: Promise<void> | undefined;
  return {
    prisma,
    pool,
    schema,
    close() {
      closing ??= prisma.$disconnect().then(() => pool.end());
      return closing;
    },
  };
}
