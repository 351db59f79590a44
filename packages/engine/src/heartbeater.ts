/**
 * Keeps the worker's running tries alive in the database, and aborts the
 * ones the database no longer counts as this worker's (cleared, marked,
 * timed out by the scheduler). One UPDATE per interval for all tries.
 */
import { heartbeatTaskTries, tryKey, type Queryable } from '@sluice/db';
import { toError } from '@sluice/core';
import type { Logger } from 'pino';

interface Running {
  taskInstanceId: string;
  tryNumber: number;
  abort: (reason: Error) => void;
}

/** Given to a try whose database state was changed under it. */
export class TryTakenAwayError extends Error {
  override readonly name = 'TryTakenAwayError';
}

export class Heartbeater {
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (!this.timer) this.timer = setInterval(() => void this.beat(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Tries held now. */
  get size(): number {
    return this.running.size;
  }

  add(r: Running): void {
    this.running.set(tryKey(r.taskInstanceId, r.tryNumber), r);
  }

  remove(taskInstanceId: string, tryNumber: number): void {
    this.running.delete(tryKey(taskInstanceId, tryNumber));
  }

  async beat(): Promise<void> {
    const tries = [...this.running.values()];
    if (tries.length === 0) return;
    try {
      const alive = await heartbeatTaskTries(this.db, tries);
      for (const t of tries) {
        // By (task instance, try): after a clear, a newer try of the same
        // task instance may be running on this worker while this one is not.
        const key = tryKey(t.taskInstanceId, t.tryNumber);
        if (!alive.has(key) && this.running.has(key)) {
          this.logger.info(
            { taskInstanceId: t.taskInstanceId, tryNumber: t.tryNumber },
            'try is no longer running in the database; stopping it',
          );
          t.abort(new TryTakenAwayError('The try was cleared, marked or failed while it ran'));
        }
      }
    } catch (raw) {
      this.logger.warn({ err: toError(raw) }, 'heartbeat failed');
    }
  }
}
