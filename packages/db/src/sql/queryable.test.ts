/**
 * Which database failures a write that must not be lost retries on: real
 * failures from a real Postgres, not made-up error objects.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../testing';
import { isTransientDatabaseError } from './queryable';

async function failureOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('isTransientDatabaseError', () => {
  it('is true for a refused connection', async () => {
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/test' });
    client.on('error', () => undefined);
    expect(isTransientDatabaseError(await failureOf(() => client.connect()))).toBe(true);
  });

  it('is true for a statement whose backend was terminated, and false for a statement Postgres refuses', async () => {
    const victim = new pg.Client({ connectionString: testDatabaseUrl() });
    const killer = new pg.Client({ connectionString: testDatabaseUrl() });
    victim.on('error', () => undefined);
    await victim.connect();
    await killer.connect();
    try {
      expect(isTransientDatabaseError(await failureOf(() => victim.query('SELEC 1')))).toBe(false);
      expect(isTransientDatabaseError(await failureOf(() => victim.query(`SELECT E'a\\x00b'::text`)))).toBe(false);
      const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      // Only this test's own backend, terminated while its statement runs.
      const running = failureOf(() => victim.query('SELECT pg_sleep(30)'));
      await killer.query(`SELECT pg_terminate_backend($1)`, [pid]);
      expect(isTransientDatabaseError(await running)).toBe(true);
      // The client is broken now: what it is asked next fails, transiently.
      expect(isTransientDatabaseError(await failureOf(() => victim.query('SELECT 1')))).toBe(true);
    } finally {
      await killer.end();
      await victim.end().catch(() => undefined);
    }
  });
});
