import net from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DatabaseUnreachableError } from './errors';
import { createTestDatabase, testDatabaseUrl } from './testing';

async function schemaExists(schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const result = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('creates a migrated schema of its own and drop() removes it', async () => {
    const testDb = await createTestDatabase();
    let dropped = false;
    try {
      expect(testDb.schema).toMatch(/^test_[0-9a-f]{12}$/);
      expect(testDb.db.schema).toBe(testDb.schema);
      expect(await testDb.db.prisma.dagRun.count()).toBe(0);
      const migrations = await testDb.db.pool.query('SELECT migration_name FROM _prisma_migrations');
      expect(migrations.rowCount).toBeGreaterThan(0);

      await testDb.drop();
      dropped = true;

      expect(await schemaExists(testDb.schema)).toBe(false);
      expect(testDb.db.pool.ended).toBe(true);
    } finally {
      if (!dropped) await testDb.drop();
    }
  });

  it('fails loudly, naming the address, when Postgres is not reachable', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new Error('no port');

    const attempt = createTestDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${address.port}/test` });

    await expect(attempt).rejects.toBeInstanceOf(DatabaseUnreachableError);
    await expect(attempt).rejects.toThrow(`Postgres is not reachable at 127.0.0.1:${address.port}`);
  });
});
