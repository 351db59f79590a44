/**
 * The JSON of the asset routes (/api/v1/assets…) and of what a DAG waits
 * for and feeds. Dates are ISO strings.
 */

/** Where an asset event came from: a task's success in a run, or someone who posted it. */
export type AssetEventSource =
  | { kind: 'task'; dagId: string; runId: string | null; taskId: string; tryNumber: number }
  | { kind: 'external'; actor: string };

export interface AssetEvent {
  id: string;
  uri: string;
  /** What the producer said about the update (a partition, a row count); `{}` when nothing. */
  extra: Record<string, unknown>;
  source: AssetEventSource;
  createdAt: string;
}

/** An event on an asset's page: with the asset-triggered runs it went into. */
export interface AssetEventWithRuns extends AssetEvent {
  triggeredRuns: Array<{ dagId: string; runId: string }>;
}

/** A task that updates the asset (has it among its outlets). */
export interface AssetProducer {
  dagId: string;
  taskId: string;
}

export interface AssetSummary {
  uri: string;
  createdAt: string;
  producers: AssetProducer[];
  /** DAGs scheduled on the asset. */
  consumers: string[];
  lastEvent: AssetEvent | null;
}

export interface AssetList {
  items: AssetSummary[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export interface AssetDetail {
  uri: string;
  createdAt: string;
  producers: AssetProducer[];
  /** DAGs scheduled on the asset, with how many of its events each has not consumed in a run yet. */
  consumers: Array<{ dagId: string; queuedEvents: number }>;
  /** Newest first. */
  events: AssetEventWithRuns[];
  /** Pass as `cursor` for older events; null when there are none. */
  nextCursor: string | null;
}

export interface AssetEventBody {
  uri: string;
  extra?: Record<string, unknown>;
}

/** What POST /assets/events answers: the event, and the DAGs it was queued for. */
export interface PostedAssetEvent {
  event: AssetEvent;
  queuedFor: string[];
}

/** What an asset-scheduled DAG waits for, and how much of it has arrived (its detail's `assetSchedule`). */
export interface AssetWait {
  /** The condition as people write it: `s3://a and (s3://b or s3://c)`. */
  condition: string;
  /** The condition as the DAG file declares it. */
  spec: { kind: 'all' | 'any'; assets: Array<string | { kind: 'all' | 'any'; assets: string[] }> };
  /** Whether a run would be created at the scheduler's next look. */
  ready: boolean;
  /** "waiting for s3://b/x (1 of 2 updated)". */
  reason: string;
  /** Each asset of the condition with the events queued for the DAG since its last asset-triggered run. */
  assets: Array<{ uri: string; queuedEvents: number; lastQueuedAt: string | null }>;
  /** The cron the DAG also runs on (`{ cron, assets }`), or null. */
  cron: string | null;
}

/** Which DAGs a DAG waits on and feeds, through assets and through tasks that trigger or wait on a DAG. */
export interface DagLinks {
  dagId: string;
  /** What the DAG's runs wait for, or null when it is not scheduled on assets. */
  assetSchedule: AssetWait | null;
  /** The assets its tasks update. */
  outlets: Array<{ taskId: string; uri: string }>;
  /** Tasks of other DAGs that update an asset it is scheduled on. */
  fedBy: Array<{ uri: string; dagId: string; taskId: string }>;
  /** DAGs scheduled on an asset one of its tasks (`taskId`) updates. */
  feeds: Array<{ uri: string; dagId: string; taskId: string }>;
  /** Its tasks that trigger (`sluice.triggerDag`) or wait on (`sluice.dagRunSensor`) another DAG. */
  linksTo: Array<{ taskId: string; kind: string; dagId: string }>;
  /** Tasks of other DAGs that trigger or wait on it. */
  linkedFrom: Array<{ dagId: string; taskId: string; kind: string }>;
}
