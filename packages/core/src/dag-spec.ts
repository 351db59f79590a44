/**
 * The serialized shape of a DAG: what the loader produces from a DAG file,
 * what is hashed and stored as a DAG version, and what the scheduler reads.
 * It is plain JSON — no functions; a `fn` task's code stays in the DAG
 * file's bundle and is looked up by task id in the worker.
 */
import { assetUriProblem } from './assets';
import { CallbackSpecs, DeadlineSpec } from './callbacks';
import { idHint, idPattern } from './ids';
import { MAX_MAP_LENGTH_LIMIT } from './mapping';
import { z } from 'zod';

export const TriggerRule = z.enum([
  'all_success',
  'all_failed',
  'all_done',
  'one_success',
  'one_failed',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'all_skipped',
  'one_done',
  'all_done_min_one_success',
  'all_done_setup_success',
  'always',
]);
export type TriggerRule = z.infer<typeof TriggerRule>;

/** Retry behaviour of one task; delays in milliseconds. */
export const RetrySpec = z.object({
  /** Extra tries after the first; 0 means one try in all. */
  retries: z.number().int().min(0).max(100),
  retryDelayMs: z.number().int().min(0),
  exponentialBackoff: z.boolean(),
  /** Cap on any single delay when backing off. */
  maxRetryDelayMs: z.number().int().min(0).nullable(),
});
export type RetrySpec = z.infer<typeof RetrySpec>;

/**
 * What an operator needs, as JSON. `kind` picks the operator in the worker;
 * `options` is validated by that operator's own schema.
 */
export const OperatorSpec = z.object({
  kind: z.string().min(1),
  options: z.record(z.string(), z.unknown()),
});
export type OperatorSpec = z.infer<typeof OperatorSpec>;

/**
 * A task whose code picks which of its direct downstream tasks run: a
 * `choose` branch returns one or more of `choices` (its direct downstream);
 * a `short_circuit` returns a truthy value to go on, a falsy one to skip
 * its direct downstream, or, with `ignoreDownstreamTriggerRules`, every task
 * below it whatever their trigger rules.
 */
export const BranchSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('choose'), choices: z.array(z.string()).min(1) }),
  z.object({ kind: z.literal('short_circuit'), ignoreDownstreamTriggerRules: z.boolean() }),
]);
export type BranchSpec = z.infer<typeof BranchSpec>;

/** A setup prepares what the tasks below it use (a cluster); a teardown releases it, whatever they did. */
export const TaskRole = z.enum(['setup', 'teardown']);
export type TaskRole = z.infer<typeof TaskRole>;

export { DEFAULT_QUEUE } from './ids';

/** Where a mapped task's items come from (core/mapping.ts). */
export const MapSource = z.discriminatedUnion('from', [
  z.object({ from: z.literal('list'), items: z.array(z.unknown()) }),
  z.object({ from: z.literal('output'), taskId: z.string().min(1), path: z.array(z.string()) }),
]);
export type MapSource = z.infer<typeof MapSource>;

/** A mapped task: over one source, or over the product of named sources. */
export const TaskMap = z.union([
  z.object({ over: MapSource }).strict(),
  z
    .object({
      product: z.array(z.object({ key: z.string().min(1), over: MapSource })).min(1),
    })
    .strict(),
]);
export type TaskMap = z.infer<typeof TaskMap>;
/** An asset's URI: a scheme, something after it, no whitespace (core's assetUriProblem). */
export const AssetUri = z.string().superRefine((uri, ctx) => {
  const problem = assetUriProblem(uri);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: `asset URI ${problem}` });
});

const AssetConditionKind = z.enum(['all', 'any']);
/** What an asset-scheduled DAG waits for: all or any of its items, each a URI or a condition over URIs. */
export const AssetConditionSpec = z.object({
  kind: AssetConditionKind,
  assets: z.array(z.union([AssetUri, z.object({ kind: AssetConditionKind, assets: z.array(AssetUri).min(1) })])).min(1),
});
export type AssetConditionSpec = z.infer<typeof AssetConditionSpec>;

export const TaskSpec = z.object({
  taskId: z.string().regex(idPattern, idHint),
  operator: OperatorSpec,
  upstream: z.array(z.string()),
  triggerRule: TriggerRule,
  retry: RetrySpec,
  executionTimeoutMs: z.number().int().positive().nullable(),
  pool: z.string().min(1),
  priorityWeight: z.number().int(),
  /** How many slots of the pool one try takes. */
  poolSlots: z.number().int().positive(),
  /** The worker queue that runs its tries; absent for the default queue (older versions never name one). */
  queue: z.string().regex(idPattern, idHint).optional(),
  /** At most this many instances of the task queued, running or deferred across the DAG's runs; absent = no limit. */
  maxActiveTisPerDag: z.number().int().positive().optional(),
  owner: z.string().nullable(),
  doc: z.string().nullable(),
  /** The task's own callbacks; absent when it has none (older versions never have them). */
  callbacks: CallbackSpecs.optional(),
  /** Absent for a task that follows all its downstream. */
  branch: BranchSpec.optional(),
  /** Absent for an ordinary task. */
  role: TaskRole.optional(),
  /** A teardown only: its failure fails the run (by default a teardown's outcome does not count). */
  failRun: z.boolean().optional(),
  /** The task group the task is in (`ingest`, `ingest.raw`); its id starts with it and a dot. Absent at top level. */
  group: z.string().optional(),
  /** A mapped task: one task instance per item (core/mapping.ts). Absent for an ordinary task. */
  map: TaskMap.optional(),
  /** A mapped task only: how many of its instances may be queued or running at once in one run. Absent = no limit. */
  maxActiveTisPerDagrun: z.number().int().positive().optional(),
  /** URIs of the assets a success of the task updates (an asset event each); absent when none. */
  outlets: z.array(AssetUri).min(1).optional(),
});
export type TaskSpec = z.infer<typeof TaskSpec>;

export const DagSpec = z.object({
  dagId: z.string().regex(idPattern, idHint),
  description: z.string().nullable(),
  /** A cron expression, a preset (`@daily`…), or null for manual-only DAGs. */
  schedule: z.string().nullable(),
  /** IANA zone the schedule is read in, e.g. `Europe/Copenhagen`. */
  timezone: z.string(),
  /** ISO instants. */
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  catchup: z.boolean(),
  tags: z.array(z.string()),
  owner: z.string().nullable(),
  maxActiveRuns: z.number().int().positive(),
  maxActiveTasks: z.number().int().positive(),
  dagrunTimeoutMs: z.number().int().positive().nullable(),
  pausedOnCreation: z.boolean(),
  /** JSON Schema of the run conf a manual trigger may pass, or null for any object. */
  confSchema: z.record(z.string(), z.unknown()).nullable(),
  tasks: z.array(TaskSpec),
  /** Callbacks every task gets unless it sets its own, and onDeadlineMiss; absent when none. */
  callbacks: CallbackSpecs.optional(),
  /** When a run must have finished by; absent when the DAG sets none. */
  deadline: DeadlineSpec.optional(),
  /** Longest list a task of this DAG may map over; absent = DEFAULT_MAX_MAP_LENGTH (1,024). */
  maxMapLength: z.number().int().min(1).max(MAX_MAP_LENGTH_LIMIT).optional(),
  /**
   * The assets the DAG waits for: a run is created when the condition holds
   * over the asset events queued for it. With a cron `schedule` as well, it
   * runs on both. Absent when the DAG is not scheduled on assets.
   */
  assetSchedule: AssetConditionSpec.optional(),
});
export type DagSpec = z.infer<typeof DagSpec>;

/** Data interval and logical date of one run. */
export interface DataInterval {
  start: Date;
  end: Date;
}

/** What a task is told about the run it belongs to. */
export interface RunContext {
  dagId: string;
  runId: string;
  taskId: string;
  logicalDate: Date;
  dataInterval: DataInterval;
  conf: Record<string, unknown>;
  /** 1 on the first try. */
  tryNumber: number;
  maxTries: number;
  /** A mapped task's instance: its index (0..n-1); -1 for an unmapped task. */
  mapIndex?: number;
}
