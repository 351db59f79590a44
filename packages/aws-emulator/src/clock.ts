/**
 * Time in the emulator. Nothing runs on a timer: every request first advances
 * the simulated resources to `now()`, applying each transition at the moment it
 * was due. A fake clock therefore moves jobs exactly as far as it is advanced.
 */

/** How long each simulated phase lasts, in milliseconds of the emulator clock. */
export interface Durations {
  /** RunJobFlow → ready (STARTING for the first half, BOOTSTRAPPING for the second). */
  clusterStartMs: number;
  /** TERMINATING → TERMINATED / TERMINATED_WITH_ERRORS. */
  clusterTerminateMs: number;
  /** RUNNING → COMPLETED / FAILED for one EMR step. */
  stepRunMs: number;
  /** CANCEL_PENDING → CANCELLED. */
  stepCancelMs: number;
  /** Glue job run STARTING → RUNNING. */
  jobStartMs: number;
  /** Glue job run RUNNING → SUCCEEDED / FAILED. */
  jobRunMs: number;
  /** Glue job run STOPPING → STOPPED. */
  jobStopMs: number;
  /** Crawler RUNNING → STOPPING. */
  crawlMs: number;
  /** Crawler STOPPING → READY. */
  crawlStopMs: number;
}

export const defaultDurations: Durations = {
  clusterStartMs: 200,
  clusterTerminateMs: 100,
  stepRunMs: 200,
  stepCancelMs: 50,
  jobStartMs: 50,
  jobRunMs: 200,
  jobStopMs: 50,
  crawlMs: 200,
  crawlStopMs: 50,
};

export type Now = () => number;

/** A clock that only moves when told to; pass `clock.now` as the emulator's `now`. */
export class ManualClock {
  private current: number;

  constructor(start: number = Date.UTC(2024, 0, 1)) {
    this.current = start;
  }

  readonly now = (): number => this.current;

  advance(ms: number): number {
    if (ms < 0) throw new RangeError(`cannot move the clock backwards (${ms} ms)`);
    this.current += ms;
    return this.current;
  }
}
