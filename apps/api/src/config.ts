import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseConfig } from '@sluice/core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const commaList = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

export const ApiConfig = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/sluice'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  SLUICE_QUEUE_PREFIX: z.string().min(1).default('sluice'),
  SLUICE_API_HOST: z.string().min(1).default('127.0.0.1'),
  SLUICE_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The built web UI; served at / when the folder exists. */
  SLUICE_WEB_DIST: z.string().min(1).default(path.join(repoRoot, 'apps/web/dist')),
  /** Encrypts connection credentials at rest; workers need the same value. */
  SLUICE_SECRET_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  /** More host names (comma-separated) the API answers to; loopback names always work. */
  SLUICE_ALLOWED_HOSTS: z.string().default('').transform(commaList),
  /** Origins (comma-separated, e.g. https://sluice.example.com) that may change things besides the API's own. */
  SLUICE_ALLOWED_ORIGINS: z.string().default('').transform(commaList),
  /** How long a starting process waits for Postgres and Redis to answer before it exits. */
  SLUICE_STARTUP_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
  /** s3://bucket/prefix: read ended tries' logs from there (workers write them). */
  SLUICE_REMOTE_LOGS: z.string().startsWith('s3://', 'use s3://bucket/prefix').optional(),
  /** Serve /metrics, /healthz and /readyz on this port (unset: none). */
  SLUICE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SLUICE_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** pretty: coloured lines for a terminal; json: JSON lines; auto: pretty when stdout is a terminal. */
  SLUICE_LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  SLUICE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
export type ApiConfig = z.infer<typeof ApiConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return parseConfig(ApiConfig, env, 'API');
}
