import os from 'node:os';
import { z } from 'zod';
import { parseConfig } from '@sluice/core';

export const WorkerConfig = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/sluice'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  SLUICE_QUEUE_PREFIX: z.string().min(1).default('sluice'),
  SLUICE_WORKER_CONCURRENCY: z.coerce.number().int().positive().default(8),
  /** Processes for fn tasks kept started and idle beyond those running tasks. */
  SLUICE_FN_WARM_PROCESSES: z.coerce.number().int().nonnegative().default(2),
  SLUICE_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  /** Shortest and longest wait between two checks of an EMR step / Glue run a task waits on. */
  SLUICE_DEFER_CHECK_MIN_MS: z.coerce.number().int().positive().default(5_000),
  SLUICE_DEFER_CHECK_MAX_MS: z.coerce.number().int().positive().default(120_000),
  /** Decrypts connection credentials; the same value the API encrypted them with. */
  SLUICE_SECRET_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  SLUICE_HOSTNAME: z.string().min(1).default(os.hostname()),
  /** How long a starting process waits for Postgres and Redis to answer before it exits. */
  SLUICE_STARTUP_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
  /** pretty: coloured lines for a terminal; json: JSON lines; auto: pretty when stdout is a terminal. */
  SLUICE_LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  SLUICE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Serve /metrics, /healthz and /readyz on this port (unset: none). */
  SLUICE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SLUICE_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** An OpenTelemetry collector (http://host:4318): traces of runs, tries and AWS calls go there as OTLP; unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** s3://bucket/prefix: write each try's log there when it ends (the API reads it back). */
  SLUICE_REMOTE_LOGS: z.string().startsWith('s3://', 'use s3://bucket/prefix').optional(),
  /** The UI's address as users reach it (https://sluice.example.com): links in notifications. */
  SLUICE_BASE_URL: z.string().url().optional(),
  /** Read by the AWS SDK itself; the worker looks at it only to leave out console links when it is not AWS. */
  AWS_ENDPOINT_URL: z.string().url().optional(),
});
export type WorkerConfig = z.infer<typeof WorkerConfig> & {
  /** Variables a notifier may read with `{ env: 'NAME' }` (webhook URLs, secrets); the worker's own environment. */
  notifierEnv?: Readonly<Record<string, string | undefined>>;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return { ...parseConfig(WorkerConfig, env, 'worker'), notifierEnv: env };
}
