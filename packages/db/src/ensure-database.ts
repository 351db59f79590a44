/**
 * Creates the database named in the URL when the server is up but the
 * database is not there yet, so a fresh machine starts with one command.
 */
import pg from 'pg';
import { quoteIdent } from './connection';

export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) return false;
  const probe = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return false;
  } catch (raw) {
    if ((raw as { code?: string }).code !== '3D000') return false;
  } finally {
    await probe.end().catch(() => undefined);
  }
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return true;
  } catch (raw) {
    // Another process created it first: fine.
    if ((raw as { code?: string }).code === '42P04') return false;
    throw raw;
  } finally {
    await admin.end().catch(() => undefined);
  }
}
