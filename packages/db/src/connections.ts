/**
 * Connections: named AWS settings. Their credentials are encrypted with
 * AES-256-GCM under a key derived from SLUICE_SECRET_KEY before they reach
 * the database, and only `readConnectionSettings` (the worker) decrypts them.
 * Listing returns whether a connection has credentials, never the values.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type { PrismaClient } from './generated/prisma/client';

export interface ConnectionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface ConnectionInput {
  name: string;
  kind: 'aws';
  region?: string | null | undefined;
  roleArn?: string | null | undefined;
  endpoint?: string | null | undefined;
  description?: string | null | undefined;
  /** New credentials; null removes them; undefined keeps what is stored. */
  credentials?: ConnectionCredentials | null | undefined;
}

export interface ConnectionView {
  name: string;
  kind: string;
  region: string | null;
  roleArn: string | null;
  endpoint: string | null;
  description: string | null;
  hasCredentials: boolean;
  updatedAt: Date;
}

/** Thrown when credentials must be encrypted or decrypted and no (or the wrong) key is configured. */
export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

const keys = new Map<string, Buffer>();
function deriveKey(secretKey: string): Buffer {
  let key = keys.get(secretKey);
  if (!key) {
    key = scryptSync(secretKey, 'sluice-connections-v1', 32);
    keys.set(secretKey, key);
  }
  return key;
}

export function encryptSecret(plaintext: string, secretKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secretKey), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

export function decryptSecret(stored: string, secretKey: string): string {
  const [version, iv, tag, body] = stored.split(':');
  if (version !== 'v1' || !iv || !tag || !body)
    throw new SecretKeyError('The stored credentials are not in a format this Sluice can read');
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(secretKey), Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(
      'Could not decrypt a stored secret: SLUICE_SECRET_KEY differs from the key it was stored with',
    );
  }
}

const viewOf = (c: {
  name: string;
  kind: string;
  region: string | null;
  roleArn: string | null;
  endpoint: string | null;
  description: string | null;
  secret: string | null;
  updatedAt: Date;
}): ConnectionView => ({
  name: c.name,
  kind: c.kind,
  region: c.region,
  roleArn: c.roleArn,
  endpoint: c.endpoint,
  description: c.description,
  hasCredentials: c.secret !== null,
  updatedAt: c.updatedAt,
});

/** Thrown when a change would send stored credentials somewhere new without them being entered again. */
export class CredentialsRequiredError extends Error {
  override readonly name = 'CredentialsRequiredError';
}

const KEY_CHECK_TEXT = 'sluice-secret-key-check';

/**
 * Checks `secretKey` against the key the database's secrets are stored
 * with, and records it when there is nothing to check against yet. Throws
 * SecretKeyError, saying what to do, when the key is another one. Called
 * by the API and workers at start; a process without a key passes (it can
 * store and read no credentials, and says so when asked to).
 */
export async function verifySecretKey(
  prisma: PrismaClient,
  secretKey: string | undefined,
): Promise<'verified' | 'recorded' | 'no_key'> {
  if (!secretKey) return 'no_key';
  const wrongKey = new SecretKeyError(
    "SLUICE_SECRET_KEY is not the key this database's connection credentials were stored with; start with the original key, or change it with 'sluice connections rotate-key'",
  );
  const row = await prisma.secretKeyCheck.findUnique({ where: { id: 1 } });
  if (row) {
    try {
      if (decryptSecret(row.check, secretKey) === KEY_CHECK_TEXT) return 'verified';
    } catch {
      // Falls through to the error below.
    }
    throw wrongKey;
  }
  // Secrets stored before the check existed: one of them must open with this key.
  const stored = await prisma.connection.findFirst({ where: { secret: { not: null } }, select: { secret: true } });
  if (stored?.secret) {
    try {
      decryptSecret(stored.secret, secretKey);
    } catch {
      throw wrongKey;
    }
  }
  await prisma.secretKeyCheck.upsert({
    where: { id: 1 },
    create: { id: 1, check: encryptSecret(KEY_CHECK_TEXT, secretKey) },
    update: {},
  });
  return 'recorded';
}

/**
 * Re-encrypts every stored secret (connection credentials, variables) and the key check from `oldKey` to
 * `newKey` in one transaction: all rows move, or none do.
 */
export async function rotateSecretKey(
  prisma: PrismaClient,
  oldKey: string,
  newKey: string,
): Promise<{ connections: number; variables: number }> {
  if (oldKey === newKey) throw new SecretKeyError('The new key is the same as the old one');
  await verifySecretKey(prisma, oldKey);
  return prisma.$transaction(async (tx) => {
    const variables = await tx.variable.findMany({ select: { key: true, value: true } });
    for (const v of variables) {
      await tx.variable.update({
        where: { key: v.key },
        data: { value: encryptSecret(decryptSecret(v.value, oldKey), newKey) },
      });
    }
    const rows = await tx.connection.findMany({
      where: { secret: { not: null } },
      select: { name: true, secret: true },
    });
    for (const r of rows) {
      if (r.secret === null) continue;
      await tx.connection.update({
        where: { name: r.name },
        data: { secret: encryptSecret(decryptSecret(r.secret, oldKey), newKey) },
      });
    }
    const check = encryptSecret(KEY_CHECK_TEXT, newKey);
    await tx.secretKeyCheck.upsert({
      where: { id: 1 },
      create: { id: 1, check, rotatedAt: new Date() },
      update: { check, rotatedAt: new Date() },
    });
    return { connections: rows.length, variables: variables.length };
  });
}

export async function upsertConnection(
  prisma: PrismaClient,
  input: ConnectionInput,
  secretKey: string | undefined,
): Promise<ConnectionView> {
  let secret: string | null | undefined = input.credentials === null ? null : undefined;
  if (input.credentials) {
    if (!secretKey)
      throw new SecretKeyError('Set SLUICE_SECRET_KEY on the API (and workers) to store connection credentials');
    secret = encryptSecret(JSON.stringify(input.credentials), secretKey);
  }
  if (secret === undefined) {
    // Stored credentials go only where they went when they were entered.
    const before = await prisma.connection.findUnique({ where: { name: input.name } });
    if (
      before?.secret &&
      ((input.endpoint ?? null) !== before.endpoint || (input.roleArn ?? null) !== before.roleArn)
    ) {
      throw new CredentialsRequiredError(
        `Connection "${input.name}" has stored credentials: changing its endpoint or role needs them entered again (or removed)`,
      );
    }
  }
  const data = {
    kind: input.kind,
    region: input.region ?? null,
    roleArn: input.roleArn ?? null,
    endpoint: input.endpoint ?? null,
    description: input.description ?? null,
    ...(secret === undefined ? {} : { secret }),
  };
  const row = await prisma.connection.upsert({
    where: { name: input.name },
    create: { name: input.name, ...data },
    update: data,
  });
  return viewOf(row);
}

export async function listConnections(prisma: PrismaClient): Promise<ConnectionView[]> {
  return (await prisma.connection.findMany({ orderBy: { name: 'asc' } })).map(viewOf);
}

export async function deleteConnection(prisma: PrismaClient, name: string): Promise<boolean> {
  const res = await prisma.connection.deleteMany({ where: { name } });
  return res.count > 0;
}

/** For the worker: the connection with its credentials decrypted, or null when there is no such connection. */
export async function readConnectionSettings(
  prisma: PrismaClient,
  name: string,
  secretKey: string | undefined,
): Promise<(ConnectionView & { credentials: ConnectionCredentials | null }) | null> {
  const row = await prisma.connection.findUnique({ where: { name } });
  if (!row) return null;
  let credentials: ConnectionCredentials | null = null;
  if (row.secret !== null) {
    if (!secretKey)
      throw new SecretKeyError(
        `Connection "${name}" has credentials; set SLUICE_SECRET_KEY on the workers to use them`,
      );
    credentials = JSON.parse(decryptSecret(row.secret, secretKey)) as ConnectionCredentials;
  }
  return { ...viewOf(row), credentials };
}
