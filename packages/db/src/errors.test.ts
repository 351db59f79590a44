import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { DatabaseUnreachableError, databaseErrorHint } from './errors';
import { checkDatabase } from './health';
import { testDatabaseUrl } from './testing';

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

/** A local port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('databaseErrorHint', () => {
  it('tells how to start Postgres when the connection is refused, naming host and port', () => {
    expect(databaseErrorHint(systemError('ECONNREFUSED'), 'postgres://u:secret@db.internal:6543/app')).toBe(
      'Postgres is not reachable at db.internal:6543: start it (e.g. `docker compose up -d postgres`) or set DATABASE_URL',
    );
  });

  it('finds the code inside an AggregateError, as Node reports a failed dual-stack connect', () => {
    const err = new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], 'connect failed');

    expect(databaseErrorHint(err, 'postgres://localhost/app')).toMatch(/^Postgres is not reachable at localhost:5432:/);
  });

  it('uses the address on the error when no URL is given', () => {
    const err = Object.assign(systemError('ECONNREFUSED'), { address: '10.0.0.5', port: 5433 });

    expect(databaseErrorHint(err)).toMatch(/^Postgres is not reachable at 10\.0\.0\.5:5433:/);
  });

  it('says to create a missing database', () => {
    const err = Object.assign(new Error('database "sluice" does not exist'), { code: '3D000' });

    expect(databaseErrorHint(err, 'postgres://postgres@127.0.0.1:5432/sluice')).toBe(
      'The database "sluice" does not exist on the Postgres at 127.0.0.1:5432: create it (e.g. `createdb sluice`) or set DATABASE_URL',
    );
  });

  it('points at the credentials on an authentication failure without showing them', () => {
    const err = Object.assign(new Error('password authentication failed'), { code: '28P01' });

    const hint = databaseErrorHint(err, 'postgres://app:hunter2@127.0.0.1:5432/sluice');

    expect(hint).toBe(
      'Postgres at 127.0.0.1:5432 rejected the user or password in DATABASE_URL: fix the credentials or set DATABASE_URL',
    );
  });

  it('has no hint for errors that are not about reaching the database', () => {
    expect(databaseErrorHint(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
    expect(databaseErrorHint('just a string')).toBeUndefined();
  });
});

describe('checkDatabase', () => {
  it('resolves when Postgres answers', async () => {
    await expect(checkDatabase(testDatabaseUrl())).resolves.toBeUndefined();
  });

  it('throws DatabaseUnreachableError with the start-it hint when nothing listens', async () => {
    const port = await closedPort();

    const attempt = checkDatabase(`postgres://postgres@127.0.0.1:${port}/test`);

    await expect(attempt).rejects.toBeInstanceOf(DatabaseUnreachableError);
    await expect(attempt).rejects.toThrow(
      `Postgres is not reachable at 127.0.0.1:${port}: start it (e.g. \`docker compose up -d postgres\`) or set DATABASE_URL`,
    );
  });

  it('throws with the create-it hint when the database does not exist', async () => {
    const url = new URL(testDatabaseUrl());
    const name = `sluice_missing_${randomBytes(4).toString('hex')}`;
    url.pathname = `/${name}`;

    await expect(checkDatabase(url.toString())).rejects.toThrow(`The database "${name}" does not exist`);
  });
});
