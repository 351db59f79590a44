import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '@sluice/db';
import { preflight } from './preflight';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const name = `sluice_preflight_${randomBytes(4).toString('hex')}`;
const base = new URL(testDatabaseUrl());
const admin = new pg.Client({ connectionString: testDatabaseUrl() });
const databaseUrl = (() => {
  const u = new URL(base.toString());
  u.pathname = `/${name}`;
  return u.toString();
})();
const allowConnections = (on: boolean) => admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${on}`);

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
});
afterAll(async () => {
  await allowConnections(true).catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.end();
});

describe('preflight', () => {
  it('gives up at once with one line naming Postgres when it is not to wait', async () => {
    await allowConnections(false);
    await expect(preflight({ databaseUrl, redisUrl: REDIS_URL })).rejects.toThrow(
      /not currently accepting connections/,
    );
    await allowConnections(true);
  });

  it('waits for a database that refuses connections, and starts once it answers', async () => {
    await allowConnections(false);
    const waits: string[] = [];
    let toldToWait: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => {
      toldToWait = resolve;
    });
    const started = preflight({
      databaseUrl,
      redisUrl: REDIS_URL,
      waitMs: 20_000,
      onWait: (problems) => {
        waits.push(problems);
        toldToWait();
      },
    });
    await waiting;
    await allowConnections(true);
    await expect(started).resolves.toBeUndefined();
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatch(/not currently accepting connections/);
  });
});
