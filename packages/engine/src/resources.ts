/**
 * What every engine system shares: the database pool, the task queue, the
 * DAG version cache, a logger and a clock. The scheduler and the worker each
 * build one of these and pass it to the systems they use.
 */
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { ClaimArgs, ClaimedTry, FinishTryArgs, FinishedTry } from '@sluice/db';
import type { TaskQueue } from '@sluice/queue';
import type { DagVersionCache } from './dag-cache';
import type { EngineObserver } from './observer';
import type { EngineTracer } from './tracer';

export interface EngineResources {
  pool: Pool;
  queue: TaskQueue;
  dags: DagVersionCache;
  logger: Logger;
  now: () => Date;
  settings: EngineSettings;
  /** Claims and finishes of tries, batched across the tries of this process that end or start together. */
  tries: TryWrites;
  /** The process's metrics, when it keeps any. */
  observe?: EngineObserver;
  /** The process's traces, when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  trace?: EngineTracer;
}

export interface TryWrites {
  claim(args: ClaimArgs): Promise<ClaimedTry | null>;
  finish(args: FinishTryArgs): Promise<FinishedTry | null>;
}

export interface EngineSettings {
  /** A running try whose heartbeat is older than this is failed as a zombie. */
  heartbeatTimeoutMs: number;
  /** Grace past a task's executionTimeout before the scheduler fails it itself. */
  timeoutGraceMs: number;
  /** A queued try with no job in Redis for this long is enqueued again. */
  reconcileAfterMs: number;
  /** Shortest and longest wait between two checks of a deferred try's external job. */
  deferCheckMinMs: number;
  deferCheckMaxMs: number;
}

export const defaultEngineSettings: EngineSettings = {
  heartbeatTimeoutMs: 60_000,
  timeoutGraceMs: 10_000,
  reconcileAfterMs: 15_000,
  deferCheckMinMs: 5_000,
  deferCheckMaxMs: 120_000,
};
