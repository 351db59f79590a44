import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretKeyError, rotateSecretKey, verifySecretKey } from '../connections';
import { createTestDatabase, type TestDatabase } from '../testing';
import { MASKED_VALUE, deleteVariable, findVariable, listVariables, readVariableValue, setVariable } from './variables';

const KEY = 'the-original-key-0123456789';
const OTHER = 'another-key-entirely-987654';

let tdb: TestDatabase;
beforeEach(async () => {
  tdb = await createTestDatabase({ max: 2 });
});
afterEach(async () => {
  await tdb.drop();
});

const auditRows = async () =>
  (
    await tdb.db.pool.query<{ actor: string; action: string; details: Record<string, unknown> }>(
      'SELECT actor, action, details FROM audit_event ORDER BY id',
    )
  ).rows;

describe('variables', () => {
  it('stores every value encrypted, secret or not', async () => {
    await setVariable(tdb.db.pool, { key: 'region', value: 'eu-west-1', secret: false }, KEY, 'alice');
    await setVariable(tdb.db.pool, { key: 'api_token', value: 'tok-12345678', secret: true }, KEY, 'alice');
    const stored = (await tdb.db.pool.query<{ value: string }>('SELECT value FROM variable ORDER BY key')).rows;
    expect(stored.map((r) => r.value)).toEqual([expect.stringMatching(/^v1:/), expect.stringMatching(/^v1:/)]);
    expect(JSON.stringify(stored)).not.toMatch(/eu-west-1|tok-12345678/);
  });

  it('lists plain values and masks secret ones', async () => {
    await setVariable(tdb.db.pool, { key: 'region', value: 'eu-west-1', secret: false, description: 'd' }, KEY, 'a');
    await setVariable(tdb.db.pool, { key: 'api_token', value: 'tok-12345678', secret: true }, KEY, 'a');
    const listed = await listVariables(tdb.db.pool, KEY);
    expect(listed.map((v) => [v.key, v.value, v.secret])).toEqual([
      ['api_token', MASKED_VALUE, true],
      ['region', 'eu-west-1', false],
    ]);
    expect((await findVariable(tdb.db.pool, 'api_token', KEY))?.value).toBe(MASKED_VALUE);
    expect(await findVariable(tdb.db.pool, 'missing', KEY)).toBeNull();
  });

  it('gives the worker the decrypted value and whether it is secret', async () => {
    await setVariable(tdb.db.pool, { key: 'api_token', value: 'tok-12345678', secret: true }, KEY, 'a');
    expect(await readVariableValue(tdb.db.pool, 'api_token', KEY)).toEqual({ value: 'tok-12345678', secret: true });
    expect(await readVariableValue(tdb.db.pool, 'missing', KEY)).toBeNull();
    await expect(readVariableValue(tdb.db.pool, 'api_token', undefined)).rejects.toThrow(SecretKeyError);
  });

  it('needs the secret key to store a value', async () => {
    await expect(setVariable(tdb.db.pool, { key: 'x', value: 'y', secret: false }, undefined, 'a')).rejects.toThrow(
      /Set SLUICE_SECRET_KEY on the API and workers to store variables/,
    );
  });

  it('records each change with its actor and never the value', async () => {
    await setVariable(tdb.db.pool, { key: 'api_token', value: 'tok-12345678', secret: true }, KEY, 'alice');
    await setVariable(tdb.db.pool, { key: 'api_token', value: 'tok-87654321', secret: true }, KEY, 'bob');
    expect(await deleteVariable(tdb.db.pool, 'api_token', 'carol')).toBe(true);
    expect(await deleteVariable(tdb.db.pool, 'api_token', 'carol')).toBe(false);
    const events = await auditRows();
    expect(events).toEqual([
      { actor: 'alice', action: 'variable_set', details: { key: 'api_token', secret: true, created: true } },
      { actor: 'bob', action: 'variable_set', details: { key: 'api_token', secret: true, created: false } },
      { actor: 'carol', action: 'variable_delete', details: { key: 'api_token' } },
    ]);
    expect(JSON.stringify(events)).not.toContain('tok-');
  });

  it('moves to a new key with rotate-key', async () => {
    await verifySecretKey(tdb.db.prisma, KEY);
    await setVariable(tdb.db.pool, { key: 'api_token', value: 'tok-12345678', secret: true }, KEY, 'a');
    expect(await rotateSecretKey(tdb.db.prisma, KEY, OTHER)).toEqual({ connections: 0, variables: 1 });
    expect((await readVariableValue(tdb.db.pool, 'api_token', OTHER))?.value).toBe('tok-12345678');
    await expect(readVariableValue(tdb.db.pool, 'api_token', KEY)).rejects.toThrow(SecretKeyError);
  });
});
