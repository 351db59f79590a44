/**
 * A worker's liveness row, written every interval from its event loop, with
 * the longest event-loop delay seen since the last beat. A loop blocked by
 * something (a synchronous spin in platform code, a huge JSON parse) writes
 * nothing while blocked, so its row goes stale and health says so; once the
 * loop is free the stall is logged once, with its length, and the row is
 * fresh again. A worker that stops cleanly removes its row.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { toError } from '@sluice/core';
import { recordWorkerHeartbeat, removeHeartbeat } from '@sluice/db';

export interface WorkerLivenessOptions {
  pool: Pool;
  logger: Logger;
  id: string;
  hostname: string;
  intervalMs: number;
  /** Tries the worker holds now. */
  runningTries(): number;
}

export interface WorkerLiveness {
  /** The longest event-loop delay since the last beat, in ms. */
  lastLagMs(): number;
  stop(): Promise<void>;
}

export function startWorkerLiveness(opts: WorkerLivenessOptions): WorkerLiveness {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let lastLagMs = 0;
  let lastBeat = performance.now();
  let stopped = false;
  let writing: Promise<void> = Promise.resolve();
  const beat = () => {
    const now = performance.now();
    // A timer that fired late by more than an interval: the loop was blocked that long.
    const late = now - lastBeat - opts.intervalMs;
    lastBeat = now;
    lastLagMs = Math.max(delay.max / 1e6, late);
    delay.reset();
    if (late > opts.intervalMs) {
      opts.logger.warn(
        { workerId: opts.id, blockedMs: Math.round(late) },
        'the worker event loop was blocked; its heartbeat stopped meanwhile',
      );
    }
    writing = recordWorkerHeartbeat(opts.pool, {
      id: opts.id,
      hostname: opts.hostname,
      intervalMs: opts.intervalMs,
      eventLoopLagMs: lastLagMs,
      runningTries: opts.runningTries(),
    }).catch((raw: unknown) => opts.logger.warn({ err: toError(raw) }, 'could not record the worker heartbeat'));
  };
  beat();
  const timer = setInterval(() => {
    if (!stopped) beat();
  }, opts.intervalMs);
  timer.unref();
  return {
    lastLagMs: () => lastLagMs,
    async stop() {
      stopped = true;
      clearInterval(timer);
      delay.disable();
      await writing;
      await removeHeartbeat(opts.pool, 'worker', opts.id).catch((raw: unknown) =>
        opts.logger.warn({ err: toError(raw) }, 'could not remove the worker heartbeat'),
      );
    },
  };
}
