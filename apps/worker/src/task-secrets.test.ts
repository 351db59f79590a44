import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError } from '@sluice/core';
import { createTestDatabase, setVariable, upsertConnection, type TestDatabase } from '@sluice/db';
import type { ExecutionRequest } from '@sluice/engine';
import { compileShellOptions } from '@sluice/operators';
import { taskSecrets } from './task-secrets';

const KEY = 'worker-test-key-0123456789';
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase({ max: 2 });
  await setVariable(tdb.db.pool, { key: 'api_token', value: 'tok-secret-4711', secret: true }, KEY, 't');
  await setVariable(tdb.db.pool, { key: 'region', value: 'eu-west-1', secret: false }, KEY, 't');
  await upsertConnection(
    tdb.db.prisma,
    {
      name: 'warehouse',
      kind: 'aws',
      region: 'eu-central-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials: { accessKeyId: 'AKIAWORKERTEST', secretAccessKey: 'secret-access-99', sessionToken: 'session-77' },
    },
    KEY,
  );
});
afterAll(async () => {
  await tdb.drop();
});

/** The part of a try taskSecrets uses: it records what was registered for masking. */
function request(): { req: Pick<ExecutionRequest, 'maskSecret'>; masked: string[] } {
  const masked: string[] = [];
  return { req: { maskSecret: (value) => masked.push(value) }, masked };
}

describe('taskSecrets', () => {
  it('gives a variable and registers it for masking only when secret', async () => {
    const secrets = taskSecrets(tdb.db, KEY);
    const { req, masked } = request();
    expect(await secrets.readVariable(req, 'region')).toBe('eu-west-1');
    expect(await secrets.readVariable(req, 'api_token')).toBe('tok-secret-4711');
    expect(await secrets.readVariable(req, 'missing')).toBeNull();
    expect(masked).toEqual(['tok-secret-4711']);
  });

  it("resolves a shell task's env and connection, masking credentials and secret-named values", async () => {
    const secrets = taskSecrets(tdb.db, KEY);
    const { req, masked } = request();
    const options = compileShellOptions({
      command: 'true',
      connection: 'warehouse',
      env: { REGION_NAME: { variable: 'region' }, DB_PASSWORD: 'hunter2-literal', PLAIN: 'visible' },
    });
    expect(await secrets.shellEnv(req, options)).toEqual({
      AWS_REGION: 'eu-central-1',
      AWS_DEFAULT_REGION: 'eu-central-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ACCESS_KEY_ID: 'AKIAWORKERTEST',
      AWS_SECRET_ACCESS_KEY: 'secret-access-99',
      AWS_SESSION_TOKEN: 'session-77',
      REGION_NAME: 'eu-west-1',
      DB_PASSWORD: 'hunter2-literal',
      PLAIN: 'visible',
    });
    expect(masked.sort()).toEqual(['AKIAWORKERTEST', 'hunter2-literal', 'secret-access-99', 'session-77']);
  });

  it('fails a try naming a missing variable or connection', async () => {
    const secrets = taskSecrets(tdb.db, KEY);
    const { req } = request();
    await expect(
      secrets.shellEnv(req, compileShellOptions({ command: 'true', env: { X: { variable: 'nope' } } })),
    ).rejects.toThrow('Variable "nope" does not exist');
    await expect(secrets.shellEnv(req, compileShellOptions({ command: 'true', connection: 'nope' }))).rejects.toThrow(
      NonRetryableError,
    );
  });

  it('fails at once, without retries, when the worker has no secret key', async () => {
    const secrets = taskSecrets(tdb.db, undefined);
    const { req } = request();
    const read = secrets.readVariable(req, 'region');
    await expect(read).rejects.toThrow(NonRetryableError);
    await expect(secrets.readVariable(req, 'region')).rejects.toThrow(/SLUICE_SECRET_KEY/);
  });
});
