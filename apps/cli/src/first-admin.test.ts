import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSignIn, createTestDatabase, type TestDatabase } from '@sluice/db';
import { ensureFirstAdmin } from './first-admin';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb.drop();
});

describe('the first admin', () => {
  it('is made on an empty database with a password that signs in, and only once', async () => {
    const password = await ensureFirstAdmin(tdb.db);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const user = await checkSignIn(tdb.db.prisma, 'admin', password ?? '');
    expect(user?.role).toBe('admin');
    expect(await ensureFirstAdmin(tdb.db)).toBeNull();
    const count = await tdb.db.pool.query(`SELECT 1 FROM app_user`);
    expect(count.rowCount).toBe(1);
  });
});
