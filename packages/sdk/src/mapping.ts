/**
 * Task mapping in a DAG file: `map` in a task's options makes one task
 * instance per item, each with `ctx.item` typed, and the task's ref carries
 * an array of its outputs (in map-index order).
 *
 *   const list = etl.task('list', fn(async () => ({ partitions: ['a', 'b'] })));
 *   const load = etl.task('load', { upstream: [list], map: items(list, (o) => o.partitions) },
 *     fn(async (ctx) => ctx.item.toUpperCase()));            // ctx.item: string
 *   etl.task('report', { upstream: [load] }, fn(async (ctx) => ctx.output(load).length)); // string[]
 *
 * `map` is declarative (the scheduler never runs user code): a JSON list,
 * `items(ref, selector)` — the selector runs once, here, over a recording
 * proxy, to learn the key path it reads — or an object of those for the
 * product of several lists (the item is an object with the same keys).
 */
import { InvalidOptionsError, type MapSource, type TaskMap } from '@sluice/core';
import { checkJson, isPlainObject } from './check';
import type { AnyTaskRef, OutputOf, TaskRef } from './context';
import { describe } from './duration';

declare const itemType: unique symbol;
const mapItemsTag = 'sluice.mapItems';

/** What `items()` returns: the output of an upstream task (at a key path) as the list a task maps over. */
export interface MapItems<TItem = unknown> {
  readonly kind: typeof mapItemsTag;
  readonly taskId: string;
  readonly dagId: string;
  readonly path: readonly string[];
  /** Phantom: never set at runtime. */
  readonly [itemType]?: TItem;
}

/** What `map` takes: a list, `items(…)`, or an object of those (their product). */
export type MapInput = MapItems | readonly unknown[] | { readonly [key: string]: MapItems | readonly unknown[] };

type ItemOfOne<M> = M extends MapItems<infer T> ? T : M extends readonly (infer T)[] ? T : never;

/** The type of `ctx.item` for a task mapped by `M`. */
export type ItemOf<M> = M extends MapItems | readonly unknown[]
  ? ItemOfOne<M>
  : M extends { readonly [key: string]: MapItems | readonly unknown[] }
    ? { [K in keyof M]: ItemOfOne<M[K]> }
    : never;

/** A task's output type as its ref carries it: an array of them when it is mapped. */
export type MappedOutput<TOutput, TMap> = [TMap] extends [never] ? TOutput : TOutput[];

type Element<T> = T extends readonly (infer E)[] ? E : never;

/** The output of `ref` itself as the list (it must be an array). */
export function items<R extends TaskRef<readonly unknown[], string>>(ref: R): MapItems<Element<OutputOf<R>>>;
/**
 * The list at a key path of `ref`'s output: `select` may only read
 * properties (`(o) => o.partitions`, `(o) => o.batch.files`); it runs once
 * when the DAG file loads, never on real data.
 */
export function items<R extends AnyTaskRef, T>(
  ref: R,
  select: (output: OutputOf<R>) => readonly T[] | undefined | null,
): MapItems<T>;
export function items(ref: AnyTaskRef, select?: (output: never) => unknown): MapItems {
  if (!isPlainObject(ref) || typeof ref['taskId'] !== 'string' || typeof ref['dagId'] !== 'string')
    throw new InvalidOptionsError(`items() takes a task ref (what dag.task() returned), got ${describe(ref)}`);
  const path = select === undefined ? [] : recordPath(select, ref.taskId);
  return Object.freeze({ kind: mapItemsTag, taskId: ref.taskId, dagId: ref.dagId, path: Object.freeze(path) });
}

const pathOf = Symbol('sluice.path');

/** Runs `select` over a proxy that records the properties it reads; anything else is an error naming it. */
function recordPath(select: (output: never) => unknown, taskId: string): string[] {
  if (typeof select !== 'function')
    throw new InvalidOptionsError(`items() selector for "${taskId}" must be a function, got ${describe(select)}`);
  const refuse = (what: string): never => {
    throw new InvalidOptionsError(
      `items() selector for "${taskId}" may only read properties (like (o) => o.partitions); it ${what}`,
    );
  };
  const make = (path: string[]): object =>
    new Proxy(function recorded() {}, {
      get(_t, key) {
        if (key === pathOf) return path;
        if (typeof key === 'symbol') return refuse(`used the value as ${String(key.description ?? 'a symbol')}`);
        return make([...path, key]);
      },
      apply: () => refuse(`called ${path.length === 0 ? 'the output' : path.join('.')}()`),
      construct: () => refuse('used new'),
      set: () => refuse('assigned a property'),
      has: () => refuse('used the in operator'),
      deleteProperty: () => refuse('deleted a property'),
      ownKeys: () => refuse('listed the keys'),
      defineProperty: () => refuse('defined a property'),
      getPrototypeOf: () => refuse('looked at the prototype (instanceof)'),
    });
  const result: unknown = select(make([]) as never);
  const path = (typeof result === 'function' ? (result as unknown as Record<symbol, unknown>)[pathOf] : undefined) as
    | string[]
    | undefined;
  if (path === undefined) return refuse(`returned ${describe(result)} instead of a property of the output`);
  return [...path];
}

function isMapItems(v: unknown): v is MapItems {
  return isPlainObject(v) && v['kind'] === mapItemsTag;
}

function sourceOf(raw: unknown, option: string, dagId: string, upstream: readonly string[]): MapSource {
  if (isMapItems(raw)) {
    if (raw.dagId !== dagId)
      throw new InvalidOptionsError(`${option} maps over a task of DAG "${raw.dagId}"; it must be in the same DAG`);
    if (!upstream.includes(raw.taskId))
      throw new InvalidOptionsError(
        `${option} maps over the output of "${raw.taskId}", which is not among the task's upstream: list it in upstream`,
      );
    return { from: 'output', taskId: raw.taskId, path: [...raw.path] };
  }
  if (Array.isArray(raw)) {
    checkJson(raw, option);
    return { from: 'list', items: [...raw] };
  }
  throw new InvalidOptionsError(
    `${option} must be a list, items(task, (o) => o.key), or an object of those; got ${describe(raw)}`,
  );
}

/** `map` as stored in the TaskSpec. */
export function compileMap(raw: unknown, option: string, dagId: string, upstream: readonly string[]): TaskMap {
  if (isMapItems(raw) || Array.isArray(raw)) return { over: sourceOf(raw, option, dagId, upstream) };
  if (!isPlainObject(raw))
    throw new InvalidOptionsError(
      `${option} must be a list, items(task, (o) => o.key), or an object of those; got ${describe(raw)}`,
    );
  const entries = Object.entries(raw);
  if (entries.length === 0) throw new InvalidOptionsError(`${option} must name at least one list to map over`);
  return { product: entries.map(([key, v]) => ({ key, over: sourceOf(v, `${option}.${key}`, dagId, upstream) })) };
}
