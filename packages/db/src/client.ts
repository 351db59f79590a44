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
  /** Called with errors of idle pooled connections (e.g. Postgres restarted); default: ignored, the pool reconnects. */
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
  // Without a listener an idle connection's error would crash the process.
  pool.on('error', onPoolError);
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
