/** Startup check the apps run before anything else touches the database. */
import { toError } from '@sluice/core';
import pg from 'pg';
import { describeDatabaseUrl } from './connection';
import { DatabaseUnreachableError, databaseErrorHint } from './errors';

export interface CheckDatabaseOptions {
  /** How long to wait for a connection; default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Connects once and runs `SELECT 1`. Throws `DatabaseUnreachableError` whose
 * message says what to do (start Postgres, create the database, fix
 * DATABASE_URL) when that fails.
 */
export async function checkDatabase(databaseUrl: string, options: CheckDatabaseOptions = {}): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: options.timeoutMs ?? 5000 });
  // A connection dropped after the check must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (raw) {
    const err = toError(raw);
    const { hostPort } = describeDatabaseUrl(databaseUrl);
    const message = databaseErrorHint(err, databaseUrl) ?? `Could not use Postgres at ${hostPort}: ${err.message}`;
    throw new DatabaseUnreachableError(message, hostPort, { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
}
