/**
 * The safety net (docs/architecture.md, guarantee 5): one pass creates due runs (by
 * timetable, and for DAGs whose asset condition holds), starts
 * queued runs, steps backfills, evaluates every running run (retries that became due,
 * timeouts, zombies, anything the fast path missed) and reconciles Redis.
 */
import {
  dagsWithQueuedAssetEvents,
  dagsWithQueuedRuns,
  listActiveDags,
  listDrivenBackfills,
  listRunsInState,
  peekRuns,
  recordSchedulerHeartbeat,
  refreshPlannerStatistics,
} from '@sluice/db';
import { toError } from '@sluice/core';
import type { EngineResources } from './resources';
import { createDueRuns, startRuns } from './run-creation';
import { hasWorkToDo, scheduleWholeRun } from './task-scheduling';
import { reconcileCancelRequests, reconcileDeferredTries, reconcileQueuedTries } from './reconciler';
import { alertingPass } from './deadlines';
import { driveBackfill } from './backfills';
import { createAssetRun } from './asset-runs';

/** Running runs read per round trip by the safety-net pass. */
const PEEK_RUNS = 100;

export interface PassStats {
  runsCreated: number;
  runsStarted: number;
  runsEvaluated: number;
  requeued: number;
  /** Runs found past their deadline this pass (each fires once). */
  deadlinesMissed: number;
}

export async function schedulerPass(
  res: EngineResources,
  schedulerId: string,
  hostname: string,
  intervalMs: number | null = null,
): Promise<PassStats> {
  const started = performance.now();
  const stats = await pass(res, schedulerId, hostname, intervalMs);
  res.observe?.schedulerPass((performance.now() - started) / 1000);
  return stats;
}

async function pass(
  res: EngineResources,
  schedulerId: string,
  hostname: string,
  intervalMs: number | null,
): Promise<PassStats> {
  await recordSchedulerHeartbeat(res.pool, schedulerId, hostname, intervalMs);
  await refreshStatistics(res);
  const stats: PassStats = { runsCreated: 0, runsStarted: 0, runsEvaluated: 0, requeued: 0, deadlinesMissed: 0 };
  // Work per pass follows what is due, not how many DAGs or runs there are:
  // a paused DAG is skipped, a DAG whose next run lies ahead is not read,
  // and only DAGs with a queued run are started.
  const queued = await dagsWithQueuedRuns(res.pool);
  // DAGs with asset events waiting: one index probe per such DAG, none for the others.
  const awaitingAssets = await dagsWithQueuedAssetEvents(res.pool);
  const now = res.now();
  for (const dag of await listActiveDags(res.pool)) {
    if (dag.isPaused) continue;
    try {
      const version = await res.dags.get(dag.versionId);
      const due =
        version.spec.schedule === null ? dag.nextRunAt !== null : dag.nextRunAt === null || dag.nextRunAt <= now;
      const created = due ? await createDueRuns(res, { dagId: dag.dagId, isPaused: false, version }) : [];
      if (awaitingAssets.has(dag.dagId)) {
        const assetRun = await createAssetRun(res, dag.dagId, version);
        if (assetRun !== null) created.push(assetRun);
      }
      stats.runsCreated += created.length;
      if (created.length > 0 || queued.has(dag.dagId))
        stats.runsStarted += (await startRuns(res, dag.dagId, version)).length;
    } catch (raw) {
      res.logger.error({ err: toError(raw), dagId: dag.dagId }, 'could not create or start runs');
    }
  }
  await driveBackfills(res, stats);
  const running = await listRunsInState(res.pool, 'running');
  for (let i = 0; i < running.length; i += PEEK_RUNS) {
    const chunk = running.slice(i, i + PEEK_RUNS);
    // Most passes find nothing the fast path missed: the runs are read
    // together without the DAG lock, and only those with something to do
    // are evaluated again under it.
    const peeked = await peekRuns(
      res.pool,
      chunk.map((r) => r.id),
    ).catch((raw: unknown) => {
      res.logger.error({ err: toError(raw) }, 'could not read running runs');
      return null;
    });
    for (const run of chunk) {
      try {
        // Without the peek (it failed), each run peeks for itself.
        const snap = peeked?.get(run.id);
        if (!peeked) await scheduleWholeRun(res, run.id, run.dagVersionId, { lockOnlyToWrite: true });
        else if (snap && (await hasWorkToDo(res, run.dagVersionId, snap)))
          await scheduleWholeRun(res, run.id, run.dagVersionId);
        stats.runsEvaluated++;
      } catch (raw) {
        res.logger.error({ err: toError(raw), dagRunId: run.id }, 'could not evaluate run');
      }
    }
  }
  stats.requeued =
    (await reconcileQueuedTries(res)) + (await reconcileDeferredTries(res)) + (await reconcileCancelRequests(res));
  const alerting = await alertingPass(res);
  stats.deadlinesMissed = alerting.deadlinesMissed;
  stats.requeued += alerting.callbacksRequeued;
  return stats;
}

/** Steps every queued or running backfill: after the DAGs' own runs, which a backfill never holds back. */
async function driveBackfills(res: EngineResources, stats: PassStats): Promise<void> {
  let backfills: Awaited<ReturnType<typeof listDrivenBackfills>>;
  try {
    backfills = await listDrivenBackfills(res.pool);
  } catch (raw) {
    res.logger.error({ err: toError(raw) }, 'could not read backfills');
    return;
  }
  for (const backfill of backfills) {
    try {
      const step = await driveBackfill(res, backfill);
      stats.runsCreated += step.created;
      stats.runsStarted += step.started;
    } catch (raw) {
      res.logger.error(
        { err: toError(raw), backfillId: backfill.id, dagId: backfill.dagId },
        'could not step backfill',
      );
    }
  }
}

/** Keeps every process's cached plans fitted to the tables' size (packages/db plannerStatistics). */
async function refreshStatistics(res: EngineResources): Promise<void> {
  try {
    const analyzed = await refreshPlannerStatistics(res.pool);
    if (analyzed.length > 0) res.logger.debug({ tables: analyzed }, 'analyzed tables that outgrew their statistics');
  } catch (raw) {
    res.logger.warn({ err: toError(raw) }, 'could not refresh planner statistics');
  }
}
