/**
 * Assets in DAG files: `asset<M>(uri)` names data a task updates, typed by
 * the metadata (`M`) its events carry; `allOf`/`anyOf` combine assets into
 * what a DAG is scheduled on; a task lists the assets it updates as
 * `outlets`, and its function describes the update with
 * `ctx.outletEvent(asset, metadata)`.
 */
import { InvalidOptionsError, assetUriProblem } from '@sluice/core';
import type { AssetCondition, AssetConditionItem, AssetConditionKind, AssetEventSource } from '@sluice/core';
import { checkJson, checkString, isPlainObject } from './check';
import { describe } from './duration';

/** What an asset event's metadata may be: a JSON object. */
export type AssetMetadata = Record<string, unknown>;

declare const metadataType: unique symbol;

/** An asset: its URI and, at the type level only, the metadata its events carry. */
export interface Asset<M extends AssetMetadata = AssetMetadata> {
  readonly uri: string;
  /** Phantom: never set at runtime. */
  readonly [metadataType]?: M;
}
// biome-ignore lint/suspicious/noExplicitAny: any asset, whatever its metadata type
export type AnyAsset = Asset<any>;

/** The metadata type an asset carries. */
export type MetadataOf<A> = A extends Asset<infer M> ? M : never;

/** What `allOf` / `anyOf` return; nested one level at most. */
export interface AssetConditionRef {
  readonly kind: AssetConditionKind;
  readonly assets: ReadonlyArray<AnyAsset | AssetConditionRef>;
}

/** What a DAG's `schedule` may be besides a cron: assets, a condition, or assets and a cron together. */
export type AssetScheduleInput =
  | AnyAsset
  | ReadonlyArray<AnyAsset | AssetConditionRef>
  | AssetConditionRef
  | { cron: string; assets: AnyAsset | ReadonlyArray<AnyAsset | AssetConditionRef> | AssetConditionRef };

/** An asset event as a task of an asset-triggered run sees it. */
export interface AssetEvent<M extends AssetMetadata = AssetMetadata> {
  id: string;
  uri: string;
  /** What the producer said about the update; `{}` when it said nothing. */
  extra: M;
  source: AssetEventSource;
  createdAt: Date;
}

/**
 * Names an asset by its URI (`s3://bucket/events/`, `postgres://warehouse/public/orders`).
 * Throws InvalidOptionsError when the URI has no scheme, is empty or holds whitespace.
 *
 *   const events = asset<{ partition: string; rows: number }>('s3://lake/events/');
 */
export function asset<M extends AssetMetadata = AssetMetadata>(uri: string): Asset<M> {
  const problem = assetUriProblem(uri);
  if (problem !== null) throw new InvalidOptionsError(`asset(${describe(uri)}): the URI ${problem}`);
  return Object.freeze({ uri });
}

function condition(kind: AssetConditionKind, items: ReadonlyArray<AnyAsset | AssetConditionRef>): AssetConditionRef {
  if (items.length === 0) throw new InvalidOptionsError(`${kind}Of() needs at least one asset`);
  return Object.freeze({ kind, assets: Object.freeze([...items]) });
}

/** Holds when every item has been updated since the DAG's last asset-triggered run. */
export function allOf(...items: Array<AnyAsset | AssetConditionRef>): AssetConditionRef {
  return condition('all', items);
}

/** Holds when any item has been updated since the DAG's last asset-triggered run. */
export function anyOf(...items: Array<AnyAsset | AssetConditionRef>): AssetConditionRef {
  return condition('any', items);
}

const isConditionRef = (v: unknown): v is Record<string, unknown> =>
  isPlainObject(v) && (v['kind'] === 'all' || v['kind'] === 'any') && Array.isArray(v['assets']);

/** The URI of an asset made by asset(); throws naming `option` otherwise. */
export function assetUriOf(value: unknown, option: string): string {
  const uri = isPlainObject(value) ? value['uri'] : undefined;
  if (typeof uri !== 'string' || Object.keys(value as object).length !== 1)
    throw new InvalidOptionsError(`${option} must be an asset made by asset('scheme://…'), got ${describe(value)}`);
  const problem = assetUriProblem(uri);
  if (problem !== null) throw new InvalidOptionsError(`${option}: the asset URI ${problem}`);
  return uri;
}

function compileItems(raw: readonly unknown[], option: string, depth: number): AssetConditionItem[] {
  if (raw.length === 0) throw new InvalidOptionsError(`${option} must list at least one asset`);
  return raw.map((item, i) => {
    const where = `${option}[${i}]`;
    if (!isConditionRef(item)) return assetUriOf(item, where);
    if (depth > 0)
      throw new InvalidOptionsError(`${where}: conditions nest one level only (allOf(a, anyOf(b, c)), no deeper)`);
    const assets = compileItems(item['assets'] as unknown[], `${where}.assets`, depth + 1) as string[];
    return { kind: item['kind'] as AssetConditionKind, assets };
  });
}

/** `[a, b]`, `a`, or `allOf(…)`/`anyOf(…)` as the DagSpec's condition; a list means all of them. */
export function compileAssetCondition(raw: unknown, option: string): AssetCondition {
  if (Array.isArray(raw)) return { kind: 'all', assets: compileItems(raw, option, 0) };
  if (isConditionRef(raw))
    return {
      kind: raw['kind'] as AssetConditionKind,
      assets: compileItems(raw['assets'] as unknown[], `${option}.assets`, 0),
    };
  return { kind: 'all', assets: [assetUriOf(raw, option)] };
}

/** A DAG's `schedule`: a cron string or null, assets, or `{ cron, assets }` for both. */
export function compileSchedule(
  raw: unknown,
  option: string,
): { schedule: string | null; assetSchedule: AssetCondition | null } {
  if (raw === undefined || raw === null) return { schedule: null, assetSchedule: null };
  if (typeof raw === 'string') return { schedule: checkString(raw, option), assetSchedule: null };
  if (!Array.isArray(raw) && !isPlainObject(raw))
    throw new InvalidOptionsError(
      `${option} must be a cron expression, assets ([a, b] or anyOf(a, b)) or { cron, assets }, got ${describe(raw)}`,
    );
  if (isPlainObject(raw) && 'cron' in raw) {
    const keys = Object.keys(raw).filter((k) => k !== 'cron' && k !== 'assets');
    if (keys.length > 0)
      throw new InvalidOptionsError(`${option}.${keys[0]} is not a known option (known: cron, assets)`);
    if (typeof raw['cron'] !== 'string' || raw['cron'] === '')
      throw new InvalidOptionsError(
        `${option}.cron must be a cron expression or a preset, got ${describe(raw['cron'])}`,
      );
    if (raw['assets'] === undefined)
      throw new InvalidOptionsError(`${option}.assets is required with cron: the assets the DAG also runs on`);
    return { schedule: raw['cron'], assetSchedule: compileAssetCondition(raw['assets'], `${option}.assets`) };
  }
  return { schedule: null, assetSchedule: compileAssetCondition(raw, option) };
}

/** Largest metadata one outlet event may carry, as JSON. */
export const MAX_OUTLET_EXTRA_BYTES = 64 * 1024;

/** Checks what `ctx.outletEvent` was given; returns the URI and the metadata as plain JSON. */
export function checkOutletEvent(
  target: unknown,
  extra: unknown,
  outlets: readonly string[],
  taskId: string,
): { uri: string; extra: AssetMetadata } {
  const uri = assetUriOf(target, 'ctx.outletEvent() asset');
  if (!outlets.includes(uri)) {
    const listed = outlets.length === 0 ? 'it declares no outlets' : `its outlets are ${outlets.join(', ')}`;
    throw new InvalidOptionsError(
      `task "${taskId}" gave an event for ${uri}, which is not one of its outlets (${listed})`,
    );
  }
  if (!isPlainObject(extra))
    throw new InvalidOptionsError(`ctx.outletEvent() metadata must be an object, got ${describe(extra)}`);
  checkJson(extra, 'ctx.outletEvent() metadata');
  const json = JSON.stringify(extra);
  if (json.length > MAX_OUTLET_EXTRA_BYTES)
    throw new InvalidOptionsError(
      `ctx.outletEvent() metadata is ${json.length} characters as JSON; at most ${MAX_OUTLET_EXTRA_BYTES}`,
    );
  return { uri, extra: JSON.parse(json) as AssetMetadata };
}

/** The key a task function's wrapped return value carries when it gave outlet events; an output never has it. */
export const OUTLET_EVENTS_KEY = '$sluiceOutletEvents';

/** What the task process sends back for a function that gave outlet events: the events, and its return value. */
export interface WithOutletEvents {
  [OUTLET_EVENTS_KEY]: Array<{ uri: string; extra: AssetMetadata }>;
  value?: unknown;
}

/** Wraps a return value with the outlet events its function gave; the value as it is when it gave none. */
export function withOutletEvents(value: unknown, events: ReadonlyMap<string, AssetMetadata>): unknown {
  if (events.size === 0) return value;
  const wrapped: WithOutletEvents = { [OUTLET_EVENTS_KEY]: [...events].map(([uri, extra]) => ({ uri, extra })) };
  if (value !== undefined) wrapped.value = value;
  return wrapped;
}

/** Splits what a task process sent back into the return value and the outlet events (none when not wrapped). */
export function outletEventsOf(value: unknown): {
  value: unknown;
  events: Array<{ uri: string; extra: AssetMetadata }>;
} {
  if (!isPlainObject(value) || !Array.isArray(value[OUTLET_EVENTS_KEY])) return { value, events: [] };
  return { value: value['value'], events: value[OUTLET_EVENTS_KEY] as Array<{ uri: string; extra: AssetMetadata }> };
}
