/**
 * Asset-triggered runs and events posted from outside (docs/adr/0027). The
 * scheduler creates a DAG's run when its asset condition (core's
 * evaluateAssetCondition) holds over the events queued for it; the run
 * consumes every queued event, in the transaction that creates it.
 */
import { assetTriggeredRun, evaluateAssetCondition, type AssetEventData } from '@sluice/core';
import { createAssetTriggeredRun, recordAuditEvent, recordExternalAssetEvent, withTransaction } from '@sluice/db';
import type { CachedDagVersion } from './dag-cache';
import { NotFoundError } from './errors';
import type { EngineResources } from './resources';
import { taskInstancesOf } from './run-creation';

/** Creates the DAG's asset-triggered run when its condition holds; returns its run id, or null. */
export async function createAssetRun(
  res: EngineResources,
  dagId: string,
  version: CachedDagVersion,
): Promise<string | null> {
  const condition = version.spec.assetSchedule;
  if (!condition) return null;
  const now = res.now();
  const created = await createAssetTriggeredRun(res.pool, dagId, (queued) => {
    const readiness = evaluateAssetCondition(condition, new Set(queued.map((q) => q.uri)));
    if (!readiness.ready) return null;
    const run = assetTriggeredRun(
      queued.map((q) => ({ id: q.eventId, createdAt: q.createdAt })),
      now,
    );
    return {
      dagId,
      runId: run.runId,
      runType: 'asset_triggered',
      logicalDate: run.logicalDate,
      dataIntervalStart: run.dataInterval.start,
      dataIntervalEnd: run.dataInterval.end,
      conf: {},
      dagVersionId: version.versionId,
      tasks: taskInstancesOf(version.spec),
      deadline: version.spec.deadline,
    };
  });
  if (created) res.logger.info({ dagId, runId: created.runId, events: created.events }, 'asset-triggered run created');
  return created?.runId ?? null;
}

export interface AssetEventInput {
  uri: string;
  extra: Record<string, unknown>;
  actor: string;
}

/**
 * An asset event posted from outside (API, CLI): recorded, queued for the
 * DAGs scheduled on the asset, audited. Throws NotFoundError when no DAG
 * declares the asset.
 */
export async function postAssetEvent(
  res: EngineResources,
  input: AssetEventInput,
): Promise<{ event: AssetEventData; queuedFor: string[] }> {
  // The event and its audit row commit together: no event without its author, and no audit of an event that is not.
  return withTransaction(res.pool, async (client) => {
    const recorded = await recordExternalAssetEvent(client, input);
    if (!recorded)
      throw new NotFoundError(
        `Asset "${input.uri}" does not exist: no DAG is scheduled on it or lists it among a task's outlets`,
      );
    await recordAuditEvent(client, {
      actor: input.actor,
      action: 'asset_event',
      details: { uri: input.uri, extra: input.extra, eventId: recorded.event.id, queuedFor: recorded.queuedFor },
    });
    return recorded;
  });
}
