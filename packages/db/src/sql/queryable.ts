import type { Pool, PoolClient, QueryResultRow } from 'pg';

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
