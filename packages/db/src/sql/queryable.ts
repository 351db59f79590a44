import type { Pool, PoolClient, QueryConfig, QueryResultRow } from 'pg';

/** A pool or a client inside a transaction: SQL functions accept either. */
export type Queryable = Pool | PoolClient;

export async function rows<T extends QueryResultRow>(db: Queryable, text: string, values: unknown[] = []): Promise<T[]> {
  const res = await db.query<T>(text, values);
  return res.rows;
}

/** Runs `fn` in one transaction on a client of `pool`; rolls back on any throw. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * A statement the hot path runs for every task: named, so each pooled
 * connection parses and plans it once and then only binds and executes.
 * Planning one of the CTE transitions costs Postgres several times what
 * running it does. Names are unique per text: one name, one statement.
 */
export function prepared(name: string, text: string): (values: unknown[]) => QueryConfig {
  return (values) => ({ name: `sluice.${name}`, text, values });
}
