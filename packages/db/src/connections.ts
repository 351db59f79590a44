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
  if (version !== 'v1' || !iv || !tag || !body) throw new SecretKeyError('The stored credentials are not in a format this Sluice can read');
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(secretKey), Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError('Could not decrypt the connection credentials: SLUICE_SECRET_KEY differs from the key they were stored with');
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

export async function upsertConnection(prisma: PrismaClient, input: ConnectionInput, secretKey: string | undefined): Promise<ConnectionView> {
  let secret: string | null | undefined = input.credentials === null ? null : undefined;
  if (input.credentials) {
    if (!secretKey) throw new SecretKeyError('Set SLUICE_SECRET_KEY on the API (and workers) to store connection credentials');
    secret = encryptSecret(JSON.stringify(input.credentials), secretKey);
  }
  const data = {
    kind: input.kind,
    region: input.region ?? null,
    roleArn: input.roleArn ?? null,
    endpoint: input.endpoint ?? null,
    description: input.description ?? null,
    ...(secret === undefined ? {} : { secret }),
  };
  const row = await prisma.connection.upsert({ where: { name: input.name }, create: { name: input.name, ...data }, update: data });
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
    if (!secretKey) throw new SecretKeyError(`Connection "${name}" has credentials; set SLUICE_SECRET_KEY on the workers to use them`);
    credentials = JSON.parse(decryptSecret(row.secret, secretKey)) as ConnectionCredentials;
  }
  return { ...viewOf(row), credentials };
}
