/**
 * Assets: data a task produces (an S3 prefix, a table) named by a URI. A
 * task declares the assets it updates (`outlets`); each success records an
 * asset event. A DAG may be scheduled on assets: a condition over URIs,
 * all-of or any-of, nested one level (`all(a, any(b, c))`), read against
 * the assets that have events queued for the DAG since its last
 * asset-triggered run. No zod here: the SDK (and so every DAG bundle)
 * imports this file.
 */

/** Longest URI an asset may have (it is a key in URLs and indexes). */
export const MAX_ASSET_URI_LENGTH = 1500;

const schemePattern = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const spaceOrControl = /[\s\u0000-\u001f\u007f]/;

/** Why `uri` cannot name an asset, or null when it can: a scheme (`s3:`), something after it, no whitespace. */
export function assetUriProblem(uri: unknown): string | null {
  if (typeof uri !== 'string') return `must be a string, got ${uri === null ? 'null' : typeof uri}`;
  if (uri === '') return 'must not be empty';
  if (uri.length > MAX_ASSET_URI_LENGTH) return `is ${uri.length} characters long; at most ${MAX_ASSET_URI_LENGTH}`;
  const space = spaceOrControl.exec(uri);
  if (space) return `must not contain whitespace or control characters (found ${JSON.stringify(space[0])})`;
  const scheme = schemePattern.exec(uri);
  if (!scheme) return `needs a scheme, as in "s3://bucket/prefix/" or "postgres://db/schema/table"`;
  if (uri.length === scheme[0].length) return `has nothing after its scheme "${scheme[0]}"`;
  return null;
}

/** One level of a condition: every asset, or any of them. */
export type AssetConditionKind = 'all' | 'any';

/** Inside a condition: a URI, or a condition over URIs only. */
export type AssetConditionItem = string | { kind: AssetConditionKind; assets: string[] };

/** What an asset-scheduled DAG waits for (the DagSpec's `assetSchedule`). */
export interface AssetCondition {
  kind: AssetConditionKind;
  assets: AssetConditionItem[];
}

/** Every URI a condition names, once each, in the order they first appear. */
export function conditionAssets(condition: AssetCondition): string[] {
  const uris = condition.assets.flatMap((item) => (typeof item === 'string' ? [item] : item.assets));
  return [...new Set(uris)];
}

/** Where a DAG scheduled on `condition` stands, given the assets with events queued for it. */
export interface AssetReadiness {
  ready: boolean;
  /** For people: "waiting for s3://b/x (1 of 2 updated)". */
  reason: string;
  /** The condition's URIs with events queued, in the condition's order. */
  updated: string[];
  /** The condition's URIs without. */
  waiting: string[];
}

const joined = (kind: AssetConditionKind, parts: readonly string[]): string =>
  parts.join(kind === 'all' ? ' and ' : ' or ');

/** The condition as people write it: `a and (b or c)`. */
export function formatAssetCondition(condition: AssetCondition): string {
  return joined(
    condition.kind,
    condition.assets.map((item) =>
      typeof item === 'string'
        ? item
        : item.assets.length === 1
          ? (item.assets[0] ?? '')
          : `(${joined(item.kind, item.assets)})`,
    ),
  );
}

function itemHolds(item: AssetConditionItem, updated: ReadonlySet<string>): boolean {
  if (typeof item === 'string') return updated.has(item);
  return item.kind === 'all' ? item.assets.every((u) => updated.has(u)) : item.assets.some((u) => updated.has(u));
}

/** What an item still needs, for the reason: a URI, `b or c`, `b and c`. */
function itemNeeds(item: AssetConditionItem, updated: ReadonlySet<string>): string {
  if (typeof item === 'string') return item;
  const missing = item.kind === 'all' ? item.assets.filter((u) => !updated.has(u)) : item.assets;
  return joined(item.kind, missing);
}

/**
 * Whether a DAG scheduled on `condition` runs now: `queued` holds the URIs
 * that have at least one event queued for it since its last asset-triggered
 * run. The reason says what it waits for, and how much has arrived.
 */
export function evaluateAssetCondition(condition: AssetCondition, queued: ReadonlySet<string>): AssetReadiness {
  const uris = conditionAssets(condition);
  const updated = uris.filter((u) => queued.has(u));
  const waiting = uris.filter((u) => !queued.has(u));
  const count = `${updated.length} of ${uris.length} updated`;
  const holds = condition.assets.map((item) => itemHolds(item, queued));
  const ready = condition.kind === 'all' ? holds.every(Boolean) : holds.some(Boolean);
  if (ready) return { ready, reason: `ready: ${joined('all', updated)} updated (${count})`, updated, waiting };
  const needs = condition.assets.filter((_, i) => !holds[i]).map((item) => itemNeeds(item, queued));
  const reason =
    condition.kind === 'all'
      ? `waiting for ${joined('all', needs)} (${count})`
      : `waiting for any of ${joined('any', needs)} (${count})`;
  return { ready, reason, updated, waiting };
}

/** The run an asset-triggered DAG gets for a batch of events. */
export interface AssetTriggeredRun {
  runId: string;
  logicalDate: Date;
  /** From the batch's first event to its last (Airflow's dataset-triggered runs did the same). */
  dataInterval: { start: Date; end: Date };
}

/**
 * The run created for `events` (a batch, at least one) at `now`. The run id
 * carries the time and the newest event's id, so two batches in the same
 * millisecond never share one.
 */
export function assetTriggeredRun(
  events: ReadonlyArray<{ id: string; createdAt: Date }>,
  now: Date,
): AssetTriggeredRun {
  if (events.length === 0) throw new RangeError('an asset-triggered run needs at least one event');
  const times = events.map((e) => e.createdAt.getTime());
  const newest = events.reduce((a, b) => (b.createdAt.getTime() >= a.createdAt.getTime() ? b : a));
  return {
    runId: `asset_triggered__${now.toISOString()}_${newest.id.slice(0, 8)}`,
    logicalDate: now,
    dataInterval: { start: new Date(Math.min(...times)), end: new Date(Math.max(...times)) },
  };
}

/** Where an asset event came from: a task's success in a run, or someone posting it (API, CLI). */
export type AssetEventSource =
  | { kind: 'task'; dagId: string; runId: string | null; taskId: string; tryNumber: number }
  | { kind: 'external'; actor: string };

/** An asset event as data (what a run's tasks get as `ctx.triggeringEvents`, with `createdAt` a Date there). */
export interface AssetEventData {
  id: string;
  uri: string;
  /** What the producer said about the update (a partition, a row count); `{}` when nothing. */
  extra: Record<string, unknown>;
  source: AssetEventSource;
  /** ISO instant. */
  createdAt: string;
}
