/**
 * Redis is transport only (docs/architecture.md, guarantee 1): when it lost jobs — a
 * restart without persistence, a flush — the database still says which
 * tries are queued. Those without a live job are enqueued again under the
 * same id (a failed job of that id is removed first), so a job that does
 * exist is never doubled.
 */
import { listDueCancelRequests, listOverdueDeferredTries, listQueuedTries } from '@sluice/db';
import type { EngineResources } from './resources';

export async function reconcileQueuedTries(res: EngineResources): Promise<number> {
  const cutoff = new Date(res.now().getTime() - res.settings.reconcileAfterMs);
  const queued = await listQueuedTries(res.pool, cutoff);
  const missing = [];
  for (const t of queued) if (!(await res.queue.hasRunJob(t))) missing.push(t);
  if (missing.length > 0) {
    res.logger.warn({ count: missing.length }, 'queued tries had no job in Redis; enqueuing them again');
    await res.queue.enqueueRunsAgain(missing);
  }
  return missing.length;
}

/**
 * A deferred try whose check is long overdue lost its check job (Redis
 * restarted, or the job was never added because its worker died between
 * the commit and the add): plan the same check again.
 */
export async function reconcileDeferredTries(res: EngineResources): Promise<number> {
  const cutoff = new Date(res.now().getTime() - res.settings.reconcileAfterMs);
  let requeued = 0;
  for (const t of await listOverdueDeferredTries(res.pool, cutoff)) {
    const job = { taskInstanceId: t.taskInstanceId, tryNumber: t.tryNumber, dueAt: t.dueAt.getTime() };
    if (await res.queue.hasCheckJob(job)) continue;
    await res.queue.enqueueCheck(job);
    requeued++;
  }
  if (requeued > 0)
    res.logger.warn({ count: requeued }, 'deferred tries had no check job in Redis; planned their checks again');
  return requeued;
}

/**
 * A cancel request whose attempt is long overdue lost its job (Redis, or a
 * worker that died between the commit and the add, or mid-attempt): plan
 * the attempt again. The request in Postgres is what counts; a duplicate
 * job finds the attempt taken and does nothing.
 */
export async function reconcileCancelRequests(res: EngineResources): Promise<number> {
  const cutoff = new Date(res.now().getTime() - res.settings.reconcileAfterMs);
  const lost = [];
  for (const r of await listDueCancelRequests(res.pool, cutoff)) {
    const job = { taskInstanceId: r.taskInstanceId, tryNumber: r.tryNumber, dueAt: r.dueAt.getTime() };
    if (!(await res.queue.hasCancelJob(job))) lost.push(job);
  }
  if (lost.length > 0) {
    res.logger.warn({ count: lost.length }, 'cancel requests had no job in Redis; planned their attempts again');
    await res.queue.enqueueCancels(lost);
  }
  return lost.length;
}
