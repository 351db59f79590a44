/**
 * What the engine tells a process's metrics as it works. The engine knows
 * no metrics library: each app passes an observer (apps wire it to
 * Prometheus); without one, nothing is observed.
 */
export interface EngineObserver {
  schedulerPass(seconds: number): void;
  /** Runs started, each with how long after it could start it did. */
  runsStarted(lagSeconds: readonly number[]): void;
  tryEnded(t: { dagId: string; taskId: string; outcome: string; seconds: number }): void;
  /** From a try's end to the start of a downstream try it claimed in the same slot. */
  handoff(seconds: number): void;
  /** A check of a deferred try's external job: still going, or ended. */
  deferredCheck(result: 'waiting' | 'ended'): void;
  callbackAttempt(t: { event: string; kind: string; outcome: 'success' | 'retry' | 'failed' }): void;
  deadlinesMissed(count: number): void;
}
