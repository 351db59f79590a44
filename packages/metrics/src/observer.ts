/**
 * The engine's observer (EngineObserver in @sluice/engine, matched by
 * shape) and the AWS call observer, moving this process's metrics.
 */
import type { SluiceMetrics } from './metrics';

export function engineObserver(m: SluiceMetrics) {
  return {
    schedulerPass: (seconds: number) => m.schedulerPassSeconds.observe(seconds),
    runsStarted: (lags: readonly number[]) => {
      for (const lag of lags) m.runStartLagSeconds.observe(Math.max(0, lag));
    },
    tryEnded: (t: { dagId: string; taskId: string; outcome: string; seconds: number }) => m.tryEnded(t),
    handoff: (seconds: number) => m.handoffSeconds.observe(seconds),
    deferredCheck: (result: 'waiting' | 'ended') => m.deferredChecksTotal.inc({ result }),
    callbackAttempt: (t: { event: string; kind: string; outcome: string }) => m.callbacksTotal.inc(t),
    deadlinesMissed: (count: number) => m.deadlineMissesTotal.inc(count),
  };
}

export function awsCallObserver(m: SluiceMetrics) {
  return (call: { service: string; operation: string; error: string | null }) => {
    m.awsCallsTotal.inc({ service: call.service, operation: call.operation });
    if (call.error !== null)
      m.awsErrorsTotal.inc({ service: call.service, operation: call.operation, code: call.error });
  };
}
