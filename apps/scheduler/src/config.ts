import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseConfig } from '@sluice/core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const SchedulerConfig = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/sluice'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  SLUICE_QUEUE_PREFIX: z.string().min(1).default('sluice'),
  SLUICE_DAGS_FOLDER: z.string().min(1).default(path.join(repoRoot, 'dags')),
  /** How often the safety-net pass runs. */
  SLUICE_SCHEDULER_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
  /** A git repository to read DAGs from instead of the folder: `url#ref` (branch, tag or commit). */
  SLUICE_DAGS_GIT: z.string().min(1).optional(),
  /** The folder of that repository holding the DAG files. */
  SLUICE_DAGS_GIT_PATH: z.string().default('dags'),
  /** How often the repository is fetched again (POST /api/v1/dag-bundles/refresh fetches at once). */
  SLUICE_DAGS_GIT_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  /** How often the DAGs folder is parsed again. */
  SLUICE_DAG_PARSE_INTERVAL_MS: z.coerce.number().int().positive().default(10_000),
  SLUICE_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  SLUICE_TIMEOUT_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
  SLUICE_RECONCILE_AFTER_MS: z.coerce.number().int().positive().default(15_000),
  SLUICE_HOSTNAME: z.string().min(1).default(os.hostname()),
  /** How long a starting process waits for Postgres and Redis to answer before it exits. */
  SLUICE_STARTUP_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
  /** Delete finished runs older than this (90d, 12w…) once a day; unset keeps everything. */
  SLUICE_RETENTION: z
    .string()
    .regex(/^\d+[hdw]$/, 'use an age such as 90d, 12w or 48h')
    .transform(
      (v) => Number(v.slice(0, -1)) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[v.slice(-1) as 'h' | 'd' | 'w'],
    )
    .optional(),
  /** Serve /metrics, /healthz and /readyz on this port (unset: none). */
  SLUICE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SLUICE_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** An OpenTelemetry collector (http://host:4318): traces of runs, tries and AWS calls go there as OTLP; unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** pretty: coloured lines for a terminal; json: JSON lines; auto: pretty when stdout is a terminal. */
  SLUICE_LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  SLUICE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
export type SchedulerConfig = z.infer<typeof SchedulerConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  return parseConfig(SchedulerConfig, env, 'scheduler');
}
