import { quoteIdent } from '../connection';
import pg, { type Pool, type PoolClient, type QueryConfig, type QueryResult, type QueryResultRow } from 'pg';

/** A pool or a client inside a transaction: SQL functions accept either. */
export type Queryable = Pool | PoolClient;

export async function rows<T extends QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
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
  const full = `sluice.${name}`;
  if (preparedTexts.has(full) && preparedTexts.get(full) !== text) throw new Error(`two statements are named ${full}`);
  preparedTexts.set(full, text);
  return (values) => ({ name: full, text, values });
}

const preparedTexts = new Map<string, string>();

/** Every statement made with `prepared` so far, by name: what the plan tests check. */
export function preparedStatements(): ReadonlyMap<string, string> {
  return preparedTexts;
}

/**
 * Several statements in one round trip, one result per statement, sent as
 * one simple-protocol query. The statements run in order; each sees the ones
 * before it, and with an explicit BEGIN they share one transaction. This is
 * for the path from one task to the next, where round trips are what it
 * waits on.
 *
 * A named statement (from `prepared`) is PREPAREd on the connection the
 * first time it is sent there and EXECUTEd with its parameters as quoted
 * literals (pg's own escaping), so it is planned once per connection, as
 * over the extended protocol; an unnamed one is sent with its parameters
 * inlined.
 */
export async function sendBatch(
  client: PoolClient,
  statements: ReadonlyArray<QueryConfig | string>,
): Promise<QueryResult[]> {
  let known = preparedHere.get(client);
  if (known === null) known = await listPrepared(client);
  known ??= new Set<string>();
  const adding = new Set<string>();
  const parts: string[] = [];
  const resultIndex: number[] = [];
  for (const s of statements) {
    if (typeof s === 'string' || !s.name) {
      resultIndex.push(parts.length);
      parts.push(typeof s === 'string' ? s : inlineParameters(s));
      continue;
    }
    const name = `${BATCH_PREFIX}${s.name}`;
    if (!known.has(name) && !adding.has(name)) {
      parts.push(`PREPARE ${quoteIdent(name)} AS ${s.text}`);
      adding.add(name);
    }
    const values = s.values ?? [];
    resultIndex.push(parts.length);
    parts.push(`EXECUTE ${quoteIdent(name)}${values.length > 0 ? `(${values.map(toLiteral).join(', ')})` : ''}`);
  }
  try {
    const res = (await client.query(parts.join(';\n'))) as QueryResult | QueryResult[];
    const all = Array.isArray(res) ? res : [res];
    for (const name of adding) known.add(name);
    preparedHere.set(client, known);
    return resultIndex.map((i) => all[i] as QueryResult);
  } catch (err) {
    // Which of this batch's PREPAREs took is not known: ask next time.
    preparedHere.set(client, null);
    throw err;
  }
}

/** SQL-level prepared statements get their own names: pg's protocol-level ones share the namespace. */
const BATCH_PREFIX = 'batch:';

/** Per connection, the statements PREPAREd on it by `sendBatch`; null when that is to be asked. */
const preparedHere = new WeakMap<PoolClient, Set<string> | null>();

async function listPrepared(client: PoolClient): Promise<Set<string>> {
  const res = await client.query<{ name: string }>(
    `SELECT name FROM pg_prepared_statements WHERE starts_with(name, $1)`,
    [BATCH_PREFIX],
  );
  return new Set(res.rows.map((r) => r.name));
}

/** A statement's text with `$n` replaced by its value as a literal. */
export function inlineParameters(statement: QueryConfig): string {
  const values = statement.values ?? [];
  return statement.text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i >= values.length)
      throw new Error(`statement ${statement.name ?? statement.text.slice(0, 40)} has no value for $${n}`);
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
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/**
 * SQLSTATEs and driver codes of a failure that says nothing about the
 * statement: the connection or the server went away, Postgres refuses
 * connections for now, or the transaction lost a race. The same statement
 * may succeed when tried again.
 */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '57P01', // admin_shutdown (pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

const TRANSIENT_MESSAGES = [
  'Connection terminated',
  'connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'not currently accepting connections',
];

/**
 * True when `raw` is a failure to reach Postgres or a lost race, not a fault
 * of the statement: writes that must not be lost retry on these, and only on
 * these.
 */
export function isTransientDatabaseError(raw: unknown, depth = 0): boolean {
  if (depth > 4 || typeof raw !== 'object' || raw === null) return false;
  if ('code' in raw && typeof raw.code === 'string' && TRANSIENT_CODES.has(raw.code)) return true;
  if ('message' in raw && typeof raw.message === 'string') {
    const message = raw.message;
    if (TRANSIENT_MESSAGES.some((m) => message.includes(m))) return true;
  }
  if (raw instanceof AggregateError && raw.errors.some((e) => isTransientDatabaseError(e, depth + 1))) return true;
  return 'cause' in raw && isTransientDatabaseError(raw.cause, depth + 1);
}
