/**
 * The whole of Sluice for the browser test: a fresh schema, a random queue
 * prefix, the scheduler, a worker and the API serving the built UI on
 * SLUICE_E2E_PORT, with sign-in on: the users of users.ts, and single
 * sign-on through a real OpenID Connect provider on loopback. Playwright
 * starts it and stops it (SIGTERM drops the schema).
 */
import { randomBytes } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { DEFAULT_AUTH, createApp } from '@sluice/api';
import { startAwsEmulator } from '@sluice/aws-emulator';
import { createTestDatabase, createUser } from '@sluice/db';
import { openEngine } from '@sluice/engine';
import { SchedulerConfig, startScheduler } from '@sluice/scheduler';
import { WorkerConfig, startWorker } from '@sluice/worker';
import { startOidcProvider } from '../support/oidc-provider';
import { E2E_DAGS_SOURCE, e2eDagsFolder } from './dags-folder';
import { E2E_USERS, SSO_ACCOUNT, SSO_NAME } from './users';

const here = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.SLUICE_E2E_PORT ?? 8091);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const logger = pino({ level: 'warn' });
// Take the port first: fail at once if it is in use, and answer 503 (Playwright keeps waiting) until the app is ready.
const server = http.createServer((_req, res) => void res.writeHead(503).end('starting'));
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
const db = await createTestDatabase();
for (const u of Object.values(E2E_USERS)) {
  await createUser(db.db.prisma, { username: u.username, role: u.role, password: u.password });
}
// The API's port is fixed by playwright.config.ts, so the callback the provider registers is known before either starts.
const redirectUrl = `http://127.0.0.1:${port}/api/v1/auth/oidc/callback`;
const idp = await startOidcProvider({
  redirectUri: redirectUrl,
  accounts: { [SSO_ACCOUNT.id]: { name: SSO_ACCOUNT.name, email: 'ann@example.com', role: SSO_ACCOUNT.role } },
});
// EMR and Glue tasks talk to the emulator: the SDK in the worker finds it through AWS_ENDPOINT_URL.
const aws = await startAwsEmulator({
  port: 0,
  durations: { clusterStartMs: 1_000, stepRunMs: 2_000, jobStartMs: 200, jobRunMs: 1_500, clusterTerminateMs: 300 },
});
aws.control.createJob({ Name: 'e2e-hourly' });
aws.control.addStepRule({
  name: 'spark aggregate',
  outcome: 'FAILED',
  failureDetails: { reason: 'OutOfMemory', message: 'Container killed by YARN', logFile: 's3://e2e-logs/stderr.gz' },
});
Object.assign(process.env, {
  AWS_ENDPOINT_URL: aws.url,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'e2e',
  AWS_SECRET_ACCESS_KEY: 'e2e',
});
const prefix = `e2e-${randomBytes(4).toString('hex')}`;
// A fresh copy of the DAGs each start, so a test that breaks or edits a file leaves the checked-in ones as they are.
const dagsFolder = e2eDagsFolder(port);
rmSync(dagsFolder, { recursive: true, force: true });
cpSync(E2E_DAGS_SOURCE, dagsFolder, { recursive: true });
const env = {
  AWS_ENDPOINT_URL: aws.url,
  DATABASE_URL: `${db.databaseUrl}?schema=${db.schema}`,
  REDIS_URL: redisUrl,
  SLUICE_QUEUE_PREFIX: prefix,
  SLUICE_DAGS_FOLDER: dagsFolder,
  SLUICE_SCHEDULER_INTERVAL_MS: '500',
  SLUICE_SECRET_KEY: `e2e-${randomBytes(12).toString('hex')}`,
};
const scheduler = await startScheduler(SchedulerConfig.parse(env), logger);
const worker = await startWorker(WorkerConfig.parse(env), logger);
const opened = openEngine({
  databaseUrl: env.DATABASE_URL,
  redisUrl,
  queuePrefix: prefix,
  logger,
  name: 'sluice-e2e',
  db: db.db,
});
const { redis } = opened;
const deps = {
  db: db.db,
  engine: opened.res,
  logger,
  pingRedis: () => redis.ping().then((r) => r === 'PONG'),
  webDist: path.resolve(here, '../../apps/web/dist'),
  secretKey: env.SLUICE_SECRET_KEY,
};
const app = createApp({
  ...deps,
  auth: {
    ...DEFAULT_AUTH,
    mode: 'on',
    // Low enough that a test can reach it; failures count per username, so the other tests never do.
    loginMaxFailures: 3,
    oidc: {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      redirectUrl,
      displayName: SSO_NAME,
      defaultRole: 'viewer',
      roleClaim: 'sluice_role',
      allowHttp: true,
    },
  },
});
// The same Sluice with sign-in off, on the next port, for the test that the UI then shows no sign-in page.
const openServer = createApp({ ...deps, auth: { ...DEFAULT_AUTH, mode: 'off' } }).listen(port + 1, '127.0.0.1');
await new Promise<void>((resolve, reject) => {
  openServer.once('listening', resolve);
  openServer.once('error', reject);
});
server.removeAllListeners('request');
server.on('request', app);
process.stdout.write(`e2e Sluice on http://127.0.0.1:${port} (OpenID Connect provider at ${idp.issuer})\n`);

const stop = async () => {
  server.close();
  openServer.close();
  await idp.close();
  await worker.close();
  await aws.close();
  await scheduler.close();
  await opened.res.queue.obliterate().catch(() => undefined);
  await opened.close();
  await db.drop();
  rmSync(dagsFolder, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
