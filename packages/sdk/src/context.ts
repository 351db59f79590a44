/**
 * Task references and the context a task function receives. A TaskRef
 * carries its task's output type as a phantom type, so `ctx.output(ref)` is
 * typed, and a ref that is not among the task's upstream does not compile.
 */
import type { AssetEventData, RunContext } from '@sluice/core';
import { type AnyAsset, type Asset, type AssetEvent, type AssetMetadata, assetUriOf, checkOutletEvent } from './assets';
import type { Duration } from './duration';
import { poke, type Poke } from './sensor';

declare const outputType: unique symbol;

/** What `dag.task()` returns: names a task and, at the type level only, the type of its output. */
export interface TaskRef<TOutput = unknown, TId extends string = string> {
  readonly dagId: string;
  readonly taskId: TId;
  /** Phantom: never set at runtime. */
  readonly [outputType]?: TOutput;
}

export type AnyTaskRef = TaskRef<unknown, string>;

/** The output type a TaskRef carries. */
export type OutputOf<R> = R extends TaskRef<infer T, string> ? T : never;

/**
 * What a `fn` task (or any operator's `run`) receives; `TUpstream` is the
 * union of its upstream refs, `TItem` the item of a mapped task (`never`,
 * the default, for a task that is not mapped: it has no `ctx.item`).
 */
export type TaskContext<TUpstream extends AnyTaskRef = never, TItem = never> = TaskContextBase<TUpstream> &
  ([TItem] extends [never] ? unknown : MappedContext<TItem>);

/** What a mapped task's instance knows besides. */
export interface MappedContext<TItem> {
  /** The item this instance runs with: one element of the list the task maps over. */
  readonly item: TItem;
  /** This instance's index in the list, from 0. */
  readonly mapIndex: number;
}

/** What every task's context holds. */
export interface TaskContextBase<TUpstream extends AnyTaskRef = never> extends RunContext {
  /**
   * The output an upstream task returned. Only refs listed in `upstream`
   * compile; at runtime any other ref throws, and so does an upstream that
   * recorded no output (it was skipped or failed under a lenient trigger rule).
   */
  output<R extends TUpstream>(ref: R): OutputOf<R>;
  /** Whether the upstream task recorded an output (false when it was skipped or failed). */
  hasOutput(ref: TUpstream): boolean;
  /** Writes one line to this try's task log; non-strings are JSON-encoded. */
  log(...args: unknown[]): void;
  /**
   * A variable's value (`sluice variables set`), read from the database when
   * called. A secret one is masked (`***`) wherever it shows in this try's
   * log. Rejects with VariableNotFoundError, naming it, when there is none.
   */
  variable(name: string): Promise<string>;
  /** Aborted when the try times out or is cleared; pass it to fetch(), child processes, AWS calls. */
  signal: AbortSignal;
  /**
   * Return it to look again later (`again`, default the task's poke
   * interval): the try waits deferred, holding no worker slot and spending
   * no retry, until the function returns an output, the sensor's timeout
   * passes, or it throws. See `fn(run, { sensor })`.
   */
  poke(options?: { again?: Duration }): Poke;
  /**
   * Describes this try's update of one of the task's `outlets`: the asset
   * event recorded when the task succeeds carries `metadata` (typed by the
   * asset). A second call for the same asset replaces the first; an outlet
   * never described gets an event with `{}`. Throws for an asset that is
   * not among the task's outlets.
   */
  outletEvent<M extends AssetMetadata>(target: Asset<M>, metadata: M): void;
  /** In an asset-triggered run: the asset events that made it, oldest first; empty in any other run. */
  triggeringEvents: ReadonlyArray<AssetEvent>;
  /** The triggering events of one asset, typed by its metadata. */
  triggeringEventsFor<M extends AssetMetadata>(target: Asset<M>): ReadonlyArray<AssetEvent<M>>;
}

/** What the worker hands to `createTaskContext` for one try. */
export interface TaskContextInput {
  run: RunContext;
  /** Task ids of the task's upstream, from its TaskSpec. */
  upstream: readonly string[];
  /** Outputs recorded by upstream tasks, by task id (a mapped one's as an array); an absent id recorded none. */
  outputs: ReadonlyMap<string, unknown>;
  /** A mapped task's instance: its item (its index is `run.mapIndex`). */
  item?: unknown;
  /** Appends one line to the try's log. */
  writeLog(line: string): void;
  /** Reads a variable's value through the worker; rejects with VariableNotFoundError when there is none. */
  readVariable(name: string): Promise<string>;
  signal: AbortSignal;
  /** URIs of the task's outlets (its TaskSpec's `outlets`); absent: none. */
  outlets?: readonly string[];
  /** Told of each `ctx.outletEvent` call, checked; absent: the calls are checked and dropped. */
  recordOutletEvent?(uri: string, extra: AssetMetadata): void;
  /** The run's triggering asset events (an asset-triggered run); absent: none. */
  triggeringEvents?: readonly AssetEventData[];
}

/** Formats `ctx.log` arguments as one line: strings as-is, errors by stack, the rest as JSON. */
export function formatLogArgs(args: readonly unknown[]): string {
  return args
    .map((arg) => {
      if (typeof arg === 'string') return arg;
      if (arg instanceof Error) return arg.stack ?? `${arg.name}: ${arg.message}`;
      if (arg === undefined) return 'undefined';
      try {
        return JSON.stringify(arg) ?? String(arg);
      } catch {
        return String(arg);
      }
    })
    .join(' ');
}

/** Thrown by `ctx.variable(name)` when no variable has that name. */
export class VariableNotFoundError extends Error {
  override readonly name = 'VariableNotFoundError';
  constructor(readonly variable: string) {
    super(`Variable "${variable}" does not exist (set it with: sluice variables set ${variable} …)`);
  }
}

/** Builds the context the worker passes to a task function. */
export function createTaskContext(input: TaskContextInput): TaskContext<AnyTaskRef, unknown> {
  const { run, upstream, outputs, writeLog, readVariable, signal } = input;
  const mapIndex = run.mapIndex ?? -1;
  const triggeringEvents: ReadonlyArray<AssetEvent> = Object.freeze(
    (input.triggeringEvents ?? []).map((e) => ({ ...e, createdAt: new Date(e.createdAt) })),
  );
  const checkRef = (ref: AnyTaskRef): string => {
    if (ref.dagId !== run.dagId || !upstream.includes(ref.taskId)) {
      const listed = upstream.length === 0 ? 'it has no upstream' : `its upstream is ${upstream.join(', ')}`;
      throw new Error(
        `task "${run.taskId}" read the output of "${ref.dagId}.${ref.taskId}", which is not one of its upstream tasks (${listed})`,
      );
    }
    return ref.taskId;
  };
  return {
    ...run,
    output<R extends AnyTaskRef>(ref: R): OutputOf<R> {
      const taskId = checkRef(ref);
      if (!outputs.has(taskId)) {
        throw new Error(`upstream task "${taskId}" recorded no output (it did not succeed in this run)`);
      }
      return outputs.get(taskId) as OutputOf<R>;
    },
    hasOutput(ref: AnyTaskRef): boolean {
      return outputs.has(checkRef(ref));
    },
    log(...args: unknown[]): void {
      writeLog(formatLogArgs(args));
    },
    async variable(name: string): Promise<string> {
      if (typeof name !== 'string' || name === '')
        throw new TypeError(`ctx.variable() takes a variable's name, got ${JSON.stringify(name) ?? String(name)}`);
      return readVariable(name);
    },
    signal,
    poke,
    outletEvent(target: AnyAsset, metadata: AssetMetadata): void {
      const event = checkOutletEvent(target, metadata, input.outlets ?? [], run.taskId);
      input.recordOutletEvent?.(event.uri, event.extra);
    },
    triggeringEvents,
    triggeringEventsFor<M extends AssetMetadata>(target: Asset<M>): ReadonlyArray<AssetEvent<M>> {
      const uri = assetUriOf(target, 'ctx.triggeringEventsFor() asset');
      return triggeringEvents.filter((e) => e.uri === uri) as unknown as ReadonlyArray<AssetEvent<M>>;
    },
    mapIndex,
    // Only a mapped task's instance has an item; the types keep others from reading it.
    ...(mapIndex >= 0 ? { item: input.item } : {}),
  } as TaskContext<AnyTaskRef, unknown>;
}
