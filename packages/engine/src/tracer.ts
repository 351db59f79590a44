/**
 * What the engine tells a process's traces (ADR 18). The engine knows no
 * tracing library: a process with OTEL_EXPORTER_OTLP_ENDPOINT passes a
 * tracer; without one, nothing is traced and nothing is read for it.
 */
import { readRunTrace, type ClaimedTry, type RunTrace } from '@sluice/db';
import { toError } from '@sluice/core';
import type { EngineResources } from './resources';

/** A try as its span names it: the worker's claim, or what a scheduler pass that failed it read. */
export type TracedTry = Pick<
  ClaimedTry,
  'dagId' | 'dagRunId' | 'taskId' | 'taskInstanceId' | 'tryNumber' | 'maxTries' | 'operator' | 'startedAt'
> & { runId: string | null };

export interface TryEnd {
  state: string;
  endedAt: Date;
  pool: string;
  /** The worker that ran it; null when a scheduler pass ended it (lost worker, timeout). */
  hostname: string | null;
  error: { name: string; message: string } | null;
}

export interface EngineTracer {
  /** Runs `fn` with the try as the current span, so the calls it makes (AWS) are the try's children. */
  inTry<T>(claim: ClaimedTry, fn: () => Promise<T>): Promise<T>;
  /** A try ended (not parked as deferred), on its worker or failed by a scheduler pass. */
  tryEnded(t: TracedTry, end: TryEnd): void;
  /** A run ended: its span and its task instances' spans. */
  runEnded(run: RunTrace): void;
}

/** Tells the tracer of a run this process ended; a failed read loses its spans, never the run. */
export async function traceRunEnd(res: EngineResources, dagRunId: string): Promise<void> {
  if (!res.trace) return;
  try {
    const run = await readRunTrace(res.pool, dagRunId);
    if (run) res.trace.runEnded(run);
  } catch (raw) {
    res.logger.warn({ err: toError(raw), dagRunId }, 'could not read an ended run for its trace');
  }
}
