import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CredentialsRequiredError,
  SecretKeyError,
  readConnectionSettings,
  rotateSecretKey,
  upsertConnection,
  verifySecretKey,
} from './connections';
import { createTestDatabase, type TestDatabase } from './testing';

const KEY = 'the-original-key-0123456789';
const OTHER = 'another-key-entirely-987654';
const creds = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI' };

let tdb: TestDatabase;
beforeEach(async () => {
  tdb = await createTestDatabase({ max: 2 });
});
afterEach(async () => {
  await tdb.drop();
});

describe('verifySecretKey', () => {
  it('records the first key it sees and accepts it again', async () => {
    expect(await verifySecretKey(tdb.db.prisma, KEY)).toBe('recorded');
    expect(await verifySecretKey(tdb.db.prisma, KEY)).toBe('verified');
  });

  it('stops a process started with another key, saying what to do', async () => {
    await verifySecretKey(tdb.db.prisma, KEY);
    await expect(verifySecretKey(tdb.db.prisma, OTHER)).rejects.toThrow(SecretKeyError);
    await expect(verifySecretKey(tdb.db.prisma, OTHER)).rejects.toThrow(
      /not the key this database's connection credentials were stored with.*rotate-key/,
    );
  });

  it('checks a key against credentials stored before the check existed', async () => {
    await upsertConnection(tdb.db.prisma, { name: 'c', kind: 'aws', credentials: creds }, KEY);
    await expect(verifySecretKey(tdb.db.prisma, OTHER)).rejects.toThrow(SecretKeyError);
    expect(await tdb.db.prisma.secretKeyCheck.count()).toBe(0);
    expect(await verifySecretKey(tdb.db.prisma, KEY)).toBe('recorded');
  });

  it('lets a process without a key start', async () => {
    await verifySecretKey(tdb.db.prisma, KEY);
    expect(await verifySecretKey(tdb.db.prisma, undefined)).toBe('no_key');
  });
});

describe('rotateSecretKey', () => {
  it('re-encrypts every credential under the new key, after which only the new key opens them', async () => {
    await verifySecretKey(tdb.db.prisma, KEY);
    await upsertConnection(tdb.db.prisma, { name: 'a', kind: 'aws', credentials: creds }, KEY);
    await upsertConnection(
      tdb.db.prisma,
      { name: 'b', kind: 'aws', credentials: { ...creds, sessionToken: 'tok' } },
      KEY,
    );
    await upsertConnection(tdb.db.prisma, { name: 'plain', kind: 'aws', region: 'eu-west-1' }, KEY);
    expect(await rotateSecretKey(tdb.db.prisma, KEY, OTHER)).toEqual({ connections: 2, variables: 0 });
    expect((await readConnectionSettings(tdb.db.prisma, 'b', OTHER))?.credentials).toEqual({
      ...creds,
      sessionToken: 'tok',
    });
    await expect(readConnectionSettings(tdb.db.prisma, 'a', KEY)).rejects.toThrow(SecretKeyError);
    expect(await verifySecretKey(tdb.db.prisma, OTHER)).toBe('verified');
    await expect(verifySecretKey(tdb.db.prisma, KEY)).rejects.toThrow(SecretKeyError);
  });

  it('changes nothing when the old key is wrong', async () => {
    await upsertConnection(tdb.db.prisma, { name: 'a', kind: 'aws', credentials: creds }, KEY);
    await verifySecretKey(tdb.db.prisma, KEY);
    await expect(rotateSecretKey(tdb.db.prisma, OTHER, 'a-third-key-0000000000')).rejects.toThrow(SecretKeyError);
    expect((await readConnectionSettings(tdb.db.prisma, 'a', KEY))?.credentials).toEqual(creds);
  });
});

describe('upsertConnection', () => {
  it('refuses to point stored credentials at a new endpoint or role without them entered again', async () => {
    await upsertConnection(
      tdb.db.prisma,
      { name: 'c', kind: 'aws', endpoint: 'https://emr.eu-west-1.amazonaws.com', credentials: creds },
      KEY,
    );
    const moved = upsertConnection(tdb.db.prisma, { name: 'c', kind: 'aws', endpoint: 'http://127.0.0.1:8095' }, KEY);
    await expect(moved).rejects.toThrow(CredentialsRequiredError);
    await expect(
      upsertConnection(
        tdb.db.prisma,
        {
          name: 'c',
          kind: 'aws',
          endpoint: 'https://emr.eu-west-1.amazonaws.com',
          roleArn: 'arn:aws:iam::123456789012:role/x',
        },
        KEY,
      ),
    ).rejects.toThrow(/needs them entered again/);
    const still = await readConnectionSettings(tdb.db.prisma, 'c', KEY);
    expect(still?.endpoint).toBe('https://emr.eu-west-1.amazonaws.com');
  });

  it('takes the move with credentials given again, and other changes without them', async () => {
    await upsertConnection(tdb.db.prisma, { name: 'c', kind: 'aws', credentials: creds }, KEY);
    await upsertConnection(tdb.db.prisma, { name: 'c', kind: 'aws', description: 'nightly EMR' }, KEY);
    const moved = await upsertConnection(
      tdb.db.prisma,
      { name: 'c', kind: 'aws', endpoint: 'http://127.0.0.1:8095', credentials: creds },
      KEY,
    );
    expect(moved.endpoint).toBe('http://127.0.0.1:8095');
    expect(moved.hasCredentials).toBe(true);
  });
});
