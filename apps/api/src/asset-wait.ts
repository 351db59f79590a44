/** What an asset-scheduled DAG waits for, and how much of it has arrived: its page and `sluice dags show`. */
import { conditionAssets, evaluateAssetCondition, formatAssetCondition, type DagSpec } from '@sluice/core';
import { readQueuedAssetEvents } from '@sluice/db';
import type { AssetWait } from '@sluice/client';
import type { ApiDeps } from './app';

/** Null for a DAG not scheduled on assets; one small read of its queue otherwise. */
export async function assetWait(deps: Pick<ApiDeps, 'db'>, dagId: string, spec: DagSpec): Promise<AssetWait | null> {
  const condition = spec.assetSchedule;
  if (!condition) return null;
  const queued = await readQueuedAssetEvents(deps.db.pool, dagId);
  const readiness = evaluateAssetCondition(condition, new Set(queued.keys()));
  return {
    condition: formatAssetCondition(condition),
    spec: condition,
    ready: readiness.ready,
    reason: readiness.reason,
    assets: conditionAssets(condition).map((uri) => {
      const q = queued.get(uri);
      return { uri, queuedEvents: q?.events ?? 0, lastQueuedAt: q ? q.lastAt.toISOString() : null };
    }),
    cron: spec.schedule,
  };
}
