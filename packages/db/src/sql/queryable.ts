import pg, { type Pool, type PoolClient, type QueryConfig, type QueryResult, type QueryResultRow } from 'pg';

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

/**
 * Several statements in one round trip: their parameters inlined as quoted
 * literals (pg's own escaping) and sent as one simple-protocol query, one
 * result per statement. Where a round trip costs more than planning the
 * statements again — the scheduling transaction on the path from one task
 * to the next — this trades the plan cache for fewer trips. The statements
 * run in order; each sees the ones before it, and with an explicit BEGIN
 * they share one transaction.
 */
export async function sendBatch(client: PoolClient, statements: ReadonlyArray<QueryConfig | string>): Promise<QueryResult[]> {
  const text = statements.map((s) => (typeof s === 'string' ? s : inlineParameters(s))).join(';\n');
  const res = (await client.query(text)) as QueryResult | QueryResult[];
  return Array.isArray(res) ? res : [res];
}

/** A statement's text with `$n` replaced by its value as a literal. */
export function inlineParameters(statement: QueryConfig): string {
  const values = statement.values ?? [];
  return statement.text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i >= values.length) throw new Error(`statement ${statement.name ?? statement.text.slice(0, 40)} has no value for $${n}`);
    return toLiteral(values[i]);
  });
}

function toLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return pg.escapeLiteral(`{${value.map(arrayElement).join(',')}}`);
  return pg.escapeLiteral(scalar(value));
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return `"${scalar(value).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}
