/**
 * One log line per operational event, at the level it deserves: a try
 * failed for its worker going silent or for its timeout (warn), a try that
 * will be retried (info), a task that failed for good (warn). Written after
 * the change committed, so an event is logged once by the process that made it.
 */
import type { SchedulingResult } from '@sluice/core';
import type { EngineResources } from './resources';

/** Logs the tries a scheduling pass failed (lost worker, timeout). */
export function logPassDecisions(res: EngineResources, dagRunId: string, decided: SchedulingResult | null): void {
  for (const d of decided?.tasks ?? []) {
    if (d.type !== 'fail_try') continue;
    const what = d.cause === 'heartbeat_lost' ? 'lost its worker' : 'ran past its timeout';
    res.logger.warn(
      { dagRunId, taskId: d.taskId, tryNumber: d.tryNumber, to: d.to, nextRetryAt: d.nextRetryAt, reason: d.reason },
      `try ${what}; ${d.to === 'up_for_retry' ? 'it will be retried' : 'the task failed'}`,
    );
  }
}

/** Logs how a try that ran on this worker ended, when it did not succeed. */
export function logTryEnd(
  res: EngineResources,
  t: { dagId: string; runId: string; taskId: string; tryNumber: number; maxTries: number },
  to: string,
  nextRetryAt: Date | null,
  error: { name: string; message: string } | null,
): void {
  const fields = { ...t, error: error ? `${error.name}: ${error.message}` : undefined };
  if (to === 'up_for_retry')
    res.logger.info({ ...fields, nextRetryAt: nextRetryAt?.toISOString() }, 'try failed; the task will be retried');
  else if (to === 'failed') res.logger.warn(fields, 'task failed; no tries left');
}
