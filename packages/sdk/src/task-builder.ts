/**
 * What a DAG and a task group offer to add tasks with: `task`, `branch`,
 * `shortCircuit`, `setup`, `teardown` and `group`, typed once for both. In
 * a group the ids are prefixed (`ingest.load`), and a task ref carries the
 * full id.
 *
 * A branch declares its choices (the ids of its direct downstream tasks): its
 * code may only return them, and a task that lists the branch upstream only
 * compiles when its id is one of them.
 */
import type { AnyTaskRef, TaskRef } from './context';
import type { OperatorDescriptor } from './operator';
import type { ItemOf, MapInput, MappedOutput } from './mapping';
import type { DefaultArgs, TaskOptions, Upstream } from './task-options';

/** A task group, usable in `upstream`: the task depends on the group's last tasks. */
export interface GroupRef<TGroupId extends string = string> {
  readonly dagId: string;
  readonly groupId: TGroupId;
}

declare const choiceType: unique symbol;

/** What `branch()` returns: a task ref whose downstream must be among `TChoice`. */
export interface BranchRef<TOutput = unknown, TId extends string = string, TChoice extends string = string>
  extends TaskRef<TOutput, TId> {
  /** Phantom: never set at runtime. */
  readonly [choiceType]?: TChoice;
}

/** A task id as the DAG knows it: prefixed by the groups it is in. */
export type FullId<TPrefix extends string, TId extends string> = TPrefix extends '' ? TId : `${TPrefix}.${TId}`;

/** The task refs among a task's upstream (a group is not one: its outputs are read through its tasks). */
export type RefsIn<TUpstream extends readonly Upstream[]> = Extract<TUpstream[number], AnyTaskRef>;

/** The choices of each branch in `U` that do not include `TId`. */
type UnchosenBy<TId extends string, U> =
  U extends BranchRef<unknown, string, infer C> ? (TId extends C ? never : C) : never;

/** Compiles only when `TId` is a choice of every branch it lists upstream. */
export type BranchEdgeCheck<TId extends string, TUpstream extends readonly Upstream[]> = [
  UnchosenBy<TId, TUpstream[number]>,
] extends [never]
  ? unknown
  : { branchChoice: `"${TId}" is not among the choices of a branch it lists upstream` };

export interface BranchOptions<TUpstream extends readonly Upstream[], TChoice extends string>
  extends TaskOptions<TUpstream> {
  /** The ids of the direct downstream tasks the branch may follow (full ids in a group: `ingest.full`). */
  choices: readonly TChoice[];
}

export interface ShortCircuitOptions<TUpstream extends readonly Upstream[]> extends TaskOptions<TUpstream> {
  /** default true: a falsy return skips every task below; false: only the direct downstream, the rest follow their trigger rules. */
  ignoreDownstreamTriggerRules?: boolean;
}

export interface TeardownOptions<TUpstream extends readonly Upstream[], TSetup extends AnyTaskRef>
  extends Omit<TaskOptions<TUpstream>, 'triggerRule'> {
  /** The setup task(s) this one tears down: it runs once they succeeded, whatever the tasks between them did. */
  setup: TSetup | readonly TSetup[];
  /** default false: a failed teardown does not fail the run. */
  failRun?: boolean;
}

/** The options only `task()` takes: mapping. */
export interface MapOptions<TMap extends MapInput> {
  /**
   * One task instance per item: a JSON list, `items(upstreamRef, (o) => o.key)`
   * (an upstream task's output at a key path), or an object of those (their
   * product; the item is an object with the same keys).
   */
  map?: TMap;
  /** A mapped task: how many of its instances may be queued or running at once in a run (default: no limit). */
  maxActiveTisPerDagrun?: number;
}

export interface GroupOptions<TUpstream extends readonly Upstream[]> {
  /** The group's first tasks (those with no upstream inside it) depend on these. */
  upstream?: TUpstream;
  /** Options every task of the group gets unless it sets its own (over the DAG's). */
  defaultArgs?: DefaultArgs;
}

export interface TaskBuilder<TPrefix extends string> {
  /** Adds a task without upstream. */
  task<const TId extends string, TOutput>(
    taskId: TId,
    operator: OperatorDescriptor<TOutput>,
  ): TaskRef<TOutput, FullId<TPrefix, TId>>;
  /**
   * Adds a task; `ctx.output` of its function accepts exactly the task refs
   * in `options.upstream`. With `map`, one task instance runs per item
   * (`ctx.item` typed), and the ref carries the array of their outputs.
   */
  task<const TId extends string, const TUpstream extends readonly Upstream[], TOutput, TMap extends MapInput = never>(
    taskId: TId,
    options: TaskOptions<TUpstream> & MapOptions<TMap> & BranchEdgeCheck<FullId<TPrefix, TId>, TUpstream>,
    operator: OperatorDescriptor<TOutput, RefsIn<TUpstream>, ItemOf<TMap>>,
  ): TaskRef<MappedOutput<TOutput, TMap>, FullId<TPrefix, TId>>;

  /** A task whose code returns the id (or ids) of the direct downstream tasks to follow; the others are skipped. */
  branch<const TId extends string, const TChoice extends string, const TUpstream extends readonly Upstream[] = []>(
    taskId: TId,
    options: BranchOptions<TUpstream, TChoice> & BranchEdgeCheck<FullId<TPrefix, TId>, TUpstream>,
    operator: OperatorDescriptor<NoInfer<TChoice> | readonly NoInfer<TChoice>[], RefsIn<TUpstream>>,
  ): BranchRef<TChoice | readonly TChoice[], FullId<TPrefix, TId>, TChoice>;

  /** A task whose falsy return skips what is below it (see ignoreDownstreamTriggerRules). */
  shortCircuit<const TId extends string, TOutput, const TUpstream extends readonly Upstream[] = []>(
    taskId: TId,
    options: ShortCircuitOptions<TUpstream> & BranchEdgeCheck<FullId<TPrefix, TId>, TUpstream>,
    operator: OperatorDescriptor<TOutput, RefsIn<TUpstream>>,
  ): TaskRef<TOutput, FullId<TPrefix, TId>>;

  /** A setup task (a cluster, a scratch schema): the teardowns naming it run once it succeeded. */
  setup<const TId extends string, TOutput>(
    taskId: TId,
    operator: OperatorDescriptor<TOutput>,
  ): TaskRef<TOutput, FullId<TPrefix, TId>>;
  setup<const TId extends string, const TUpstream extends readonly Upstream[], TOutput>(
    taskId: TId,
    options: TaskOptions<TUpstream> & BranchEdgeCheck<FullId<TPrefix, TId>, TUpstream>,
    operator: OperatorDescriptor<TOutput, RefsIn<TUpstream>>,
  ): TaskRef<TOutput, FullId<TPrefix, TId>>;

  /**
   * A teardown of `options.setup`: runs when its setups succeeded, once every
   * upstream finished, whatever they did (trigger rule all_done_setup_success).
   * Its own failure does not fail the run unless `failRun`.
   */
  teardown<
    const TId extends string,
    const TSetup extends AnyTaskRef,
    TOutput,
    const TUpstream extends readonly Upstream[] = [],
  >(
    taskId: TId,
    options: TeardownOptions<TUpstream, TSetup> & BranchEdgeCheck<FullId<TPrefix, TId>, TUpstream>,
    operator: OperatorDescriptor<TOutput, RefsIn<TUpstream> | TSetup>,
  ): TaskRef<TOutput, FullId<TPrefix, TId>>;

  /** A task group: its tasks' ids are prefixed `<groupId>.`; usable in `upstream` like a task. */
  group<const TGroupId extends string>(
    groupId: TGroupId,
    build: (group: TaskBuilder<FullId<TPrefix, TGroupId>>) => void,
  ): GroupRef<FullId<TPrefix, TGroupId>>;
  group<const TGroupId extends string, const TUpstream extends readonly Upstream[]>(
    groupId: TGroupId,
    options: GroupOptions<TUpstream>,
    build: (group: TaskBuilder<FullId<TPrefix, TGroupId>>) => void,
  ): GroupRef<FullId<TPrefix, TGroupId>>;
}
