/** The facts a result is only comparable under: cores, Node, Redis and Postgres versions. */
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
  redis: string;
  postgres: string;
  /** 1-minute load average when the run started: other work on the machine. */
  loadAverage1m: number;
}

async function redisVersion(redisUrl: string): Promise<string> {
  const url = new URL(redisUrl);
  const { stdout } = await promisify(execFile)('redis-cli', [
    '-h',
    url.hostname,
    '-p',
    url.port || '6379',
    'INFO',
    'server',
  ]);
  return /redis_version:(\S+)/.exec(stdout)?.[1] ?? 'unknown';
}

async function postgresVersion(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const r = await client.query<{ version: string }>('SELECT version()');
    return r.rows[0]?.version ?? 'unknown';
  } finally {
    await client.end();
  }
}

export async function machineFacts(redisUrl: string, databaseUrl: string): Promise<MachineFacts> {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    redis: await redisVersion(redisUrl).catch(
      (e: unknown) => `unknown (${e instanceof Error ? e.message : String(e)})`,
    ),
    postgres: await postgresVersion(databaseUrl),
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}
