/**
 * Recording what a try did, whatever Postgres is doing meanwhile. The
 * command has run: its outcome is a fact, and losing it would mean the
 * scheduler finds the try without heartbeats, calls it a lost worker and
 * runs the command again. So the write is retried until Postgres takes it,
 * on failures that say nothing about the statement (connection refused or
 * terminated, serialization failure, deadlock) — any other error is thrown
 * as before — and the try's heartbeat goes on meanwhile, so a Postgres that
 * comes back before the worker does not declare the try lost.
 */
import { toError } from '@sluice/core';
import { isTransientDatabaseError, jsonWithoutNul, withoutNul, type FinishTryArgs } from '@sluice/db';
import type { Heartbeater } from './heartbeater';
import type { EngineResources } from './resources';

export interface RetryOptions {
  /** First wait after a transient failure; doubles up to `maxMs`. */
  minMs?: number;
  maxMs?: number;
  onRetry?: (err: Error, attempt: number, delayMs: number) => void;
}

/** Runs `write` until it succeeds or fails with an error that is not transient. */
export async function retryTransient<T>(write: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const maxMs = opts.maxMs ?? 1000;
  let delay = opts.minMs ?? 50;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (raw) {
      const err = toError(raw);
      if (!isTransientDatabaseError(err)) throw err;
      opts.onRetry?.(err, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(maxMs, delay * 2);
    }
  }
}

export interface TryKey {
  taskInstanceId: string;
  tryNumber: number;
}

/**
 * Runs a write that records the outcome of a try, retried until Postgres
 * takes it, with the try kept in `heartbeater` meanwhile. What `write`
 * returns is passed on; a write that ran but whose reply was lost finds the
 * try ended when tried again, and says so as it would for a try taken away.
 */
export async function recordOutcome<T>(
  res: Pick<EngineResources, 'logger'>,
  heartbeater: Heartbeater,
  key: TryKey,
  write: () => Promise<T>,
  opts: Omit<RetryOptions, 'onRetry'> = {},
): Promise<T> {
  // A no-op abort: the command is done; a try taken away meanwhile is
  // told by the write itself, which then finds the try not running.
  heartbeater.add({ ...key, abort: () => undefined });
  try {
    return await retryTransient(write, {
      ...opts,
      onRetry: (err, attempt, delayMs) => {
        const log =
          attempt === 1 || attempt % 20 === 0 ? res.logger.warn.bind(res.logger) : res.logger.debug.bind(res.logger);
        log({ ...key, err, attempt, delayMs }, 'could not record the outcome of a try; trying again');
      },
    });
  } finally {
    heartbeater.remove(key.taskInstanceId, key.tryNumber);
  }
}

/**
 * The finish as Postgres can store it: a NUL in the output, the error or
 * the external record is written as the visible `\u0000` (text and jsonb
 * cannot hold U+0000). See escapeNul in packages/db.
 */
export function storableFinish<A extends Omit<FinishTryArgs, 'logs'>>(args: A): A {
  return {
    ...args,
    ...(args.outputJson === undefined ? {} : { outputJson: jsonWithoutNul(args.outputJson) }),
    ...(args.error ? { error: withoutNul(args.error) } : {}),
    ...(args.external ? { external: withoutNul(args.external) } : {}),
    ...(args.outletEvents ? { outletEvents: withoutNul(args.outletEvents) } : {}),
  };
}
