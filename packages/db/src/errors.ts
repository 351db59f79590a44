/**
 * Errors of the database layer, and the one place that turns a raw
 * connection failure into advice a person can act on.
 */
import { describeDatabaseUrl } from './connection';

/** Thrown by `checkDatabase` and `createTestDatabase` when Postgres cannot be used at all. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  constructor(
    message: string,
    readonly hostPort: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown by `migrate` when a migration is failed, edited after apply, or fails to apply; names the migration. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    message: string,
    readonly migrationName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * One sentence saying what to do about a failure to talk to Postgres, or
 * `undefined` when `raw` is not such a failure (a query error, a bug).
 * `databaseUrl` supplies host, port and database name; credentials never
 * appear in the hint.
 */
export function databaseErrorHint(raw: unknown, databaseUrl?: string): string | undefined {
  const codes = errorCodes(raw);
  const hostPort =
    databaseUrl === undefined
      ? (addressOf(raw) ?? 'the configured address')
      : describeDatabaseUrl(databaseUrl).hostPort;
  const database = databaseUrl === undefined ? undefined : describeDatabaseUrl(databaseUrl).database;

  if (codes.some((code) => UNREACHABLE_CODES.has(code)) || isConnectTimeout(raw)) {
    return `Postgres is not reachable at ${hostPort}: start it (e.g. \`docker compose up -d postgres\`) or set DATABASE_URL`;
  }
  if (codes.includes('3D000')) {
    const name = database === undefined || database === '' ? 'named in DATABASE_URL' : `"${database}"`;
    return `The database ${name} does not exist on the Postgres at ${hostPort}: create it (e.g. \`createdb ${database ?? '<name>'}\`) or set DATABASE_URL`;
  }
  if (codes.includes('28P01') || codes.includes('28000')) {
    return `Postgres at ${hostPort} rejected the user or password in DATABASE_URL: fix the credentials or set DATABASE_URL`;
  }
  if (codes.includes('57P03')) {
    return `Postgres at ${hostPort} is starting up or shutting down: wait for it to accept connections`;
  }
  return undefined;
}

/** Every `code` on the error, its `cause`, and an AggregateError's members (Node tries ::1 and 127.0.0.1). */
function errorCodes(raw: unknown, depth = 0): string[] {
  if (depth > 4 || typeof raw !== 'object' || raw === null) return [];
  const codes: string[] = [];
  if ('code' in raw && typeof raw.code === 'string') codes.push(raw.code);
  if ('cause' in raw) codes.push(...errorCodes(raw.cause, depth + 1));
  if (raw instanceof AggregateError) {
    for (const member of raw.errors) codes.push(...errorCodes(member, depth + 1));
  }
  return codes;
}

function addressOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  if ('address' in raw && typeof raw.address === 'string') {
    return 'port' in raw && typeof raw.port === 'number' ? `${raw.address}:${raw.port}` : raw.address;
  }
  if (raw instanceof AggregateError) {
    for (const member of raw.errors) {
      const address = addressOf(member);
      if (address !== undefined) return address;
    }
  }
  return undefined;
}

/** pg reports its own connect timeout as a plain Error. */
function isConnectTimeout(raw: unknown): boolean {
  return raw instanceof Error && /connection timeout|timeout expired/i.test(raw.message);
}
