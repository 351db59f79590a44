/**
 * The scheduler's part in alerting, once per pass: fire the deadlines runs
 * missed, and re-enqueue callback attempts Redis lost. Deadlines cost one
 * statement per pass whatever the number of runs (a run's deadline_at is
 * fixed at creation and indexed while it is unfinished and not fired); a
 * run fires once: it is marked in the transaction that records its
 * onDeadlineMiss callbacks. The scheduler never runs the callbacks: workers do.
 */
import { toError } from '@sluice/core';
import { listDueCallbackRuns, takeMissedDeadlines, withTransaction } from '@sluice/db';
import { recordDeadlineCallbacks } from './callbacks';
import type { CachedDagVersion } from './dag-cache';
import type { EngineResources } from './resources';

/** Marks runs past their deadline and records their onDeadlineMiss callbacks; returns how many missed. */
export async function fireMissedDeadlines(res: EngineResources): Promise<number> {
  const { missed, ids } = await withTransaction(res.pool, async (client) => {
    const missed = await takeMissedDeadlines(client);
    if (missed.length === 0) return { missed, ids: [] };
    const runs: Array<{ dagRunId: string; version: CachedDagVersion }> = [];
    for (const m of missed) runs.push({ dagRunId: m.dagRunId, version: await res.dags.get(m.dagVersionId) });
    return { missed, ids: await recordDeadlineCallbacks(client, runs) };
  });
  for (const m of missed) {
    res.logger.warn(
      { dagRunId: m.dagRunId, deadlineAt: m.deadlineAt.toISOString() },
      'run missed its deadline; firing onDeadlineMiss',
    );
  }
  if (missed.length > 0) res.observe?.deadlinesMissed(missed.length);
  await res.queue.enqueueCallbacks(ids.map((callbackRunId) => ({ callbackRunId })));
  return missed.length;
}

/**
 * Callback attempts long overdue lost their job (Redis, or a worker that
 * died between the commit and the add, or mid-attempt): plan them again.
 * A duplicate job finds the attempt taken and does nothing.
 */
export async function reconcileCallbackRuns(res: EngineResources): Promise<number> {
  const cutoff = new Date(res.now().getTime() - res.settings.reconcileAfterMs);
  const lost = [];
  for (const r of await listDueCallbackRuns(res.pool, cutoff)) {
    const job = { callbackRunId: r.id, dueAt: r.dueAt.getTime() };
    if (!(await res.queue.hasCallbackJob(job))) lost.push(job);
  }
  if (lost.length > 0) {
    res.logger.warn({ count: lost.length }, 'callbacks had no job in Redis; planned their attempts again');
    await res.queue.enqueueCallbacks(lost);
  }
  return lost.length;
}

/** Both, each on its own: a failure of one is logged and does not stop the pass. */
export async function alertingPass(
  res: EngineResources,
): Promise<{ deadlinesMissed: number; callbacksRequeued: number }> {
  const guarded = async (what: string, fn: () => Promise<number>): Promise<number> => {
    try {
      return await fn();
    } catch (raw) {
      res.logger.error({ err: toError(raw) }, `could not ${what}`);
      return 0;
    }
  };
  return {
    deadlinesMissed: await guarded('fire missed deadlines', () => fireMissedDeadlines(res)),
    callbacksRequeued: await guarded('re-enqueue lost callbacks', () => reconcileCallbackRuns(res)),
  };
}
