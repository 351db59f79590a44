/** The options a task takes, per task or as a DAG's defaultArgs, and their compilation into a TaskSpec. */
import { InvalidOptionsError, idHint, idPattern } from '@sluice/core';
import type { TaskSpec, TriggerRule } from '@sluice/core';
import { checkBoolean, checkInt, checkKnownKeys, checkString } from './check';
import { type Duration, describe, parseDuration } from './duration';
import type { AnyTaskRef } from './context';
import type { CallbackInput } from './callbacks';
import type { GroupRef } from './task-builder';
import { type AnyAsset, assetUriOf } from './assets';

/** What `upstream` lists: task refs, and task groups (the task then depends on the group's last tasks). */
export type Upstream = AnyTaskRef | GroupRef;

/** Defaults, as in Airflow's BaseOperator. */
export const taskDefaults = {
  retries: 0,
  retryDelayMs: 5 * 60_000,
  retryExponentialBackoff: false,
  pool: 'default_pool',
  poolSlots: 1,
  priorityWeight: 1,
  triggerRule: 'all_success',
} as const;

const triggerRuleSet = {
  all_success: true,
  all_failed: true,
  all_done: true,
  one_success: true,
  one_failed: true,
  none_failed: true,
  none_failed_min_one_success: true,
  none_skipped: true,
  all_skipped: true,
  one_done: true,
  all_done_min_one_success: true,
  all_done_setup_success: true,
  always: true,
} satisfies Record<TriggerRule, true>;
const triggerRules = Object.keys(triggerRuleSet) as TriggerRule[];

/** Options a DAG's `defaultArgs` may set for all its tasks. */
export interface DefaultArgs {
  triggerRule?: TriggerRule;
  /** Extra tries after the first (default 0). */
  retries?: number;
  /** Wait before a retry (default 5 minutes). */
  retryDelay?: Duration;
  /** Double the delay on each retry (default false). */
  retryExponentialBackoff?: boolean;
  /** Cap on one delay when backing off. */
  maxRetryDelay?: Duration;
  /** A try running longer fails (and is retried if tries remain). */
  executionTimeout?: Duration;
  /** default 'default_pool' */
  pool?: string;
  /** Slots of the pool one try takes (default 1). */
  poolSlots?: number;
  /** Higher runs first when slots are short (default 1). */
  priorityWeight?: number;
  /** The worker queue its tries go to: only workers started with `--queues <name>` run them (default 'default'). */
  queue?: string;
  /** At most this many instances of the task queued or running at once across all runs of the DAG (default: no limit). */
  maxActiveTisPerDag?: number;
  owner?: string;
}

export interface TaskOptions<TUpstream extends readonly Upstream[] = readonly Upstream[]> extends DefaultArgs {
  /** Tasks (or groups) that must finish (per triggerRule) before this one runs; the tasks' outputs are readable with ctx.output. */
  upstream?: TUpstream;
  /** Markdown shown in the UI. */
  doc?: string;
  /**
   * Assets a success of the task updates: each gets an asset event (with the metadata the task's
   * function gave with `ctx.outletEvent`), and DAGs scheduled on them run.
   */
  outlets?: readonly AnyAsset[];
  /** Runs when a try of this task fails for good (instead of the DAG's onFailure). */
  onFailure?: CallbackInput;
  /** Runs when a try fails and the task will be tried again (instead of the DAG's onRetry). */
  onRetry?: CallbackInput;
  /** Runs when the task succeeds (instead of the DAG's onSuccess). */
  onSuccess?: CallbackInput;
}

export const defaultArgKeys = [
  'triggerRule',
  'retries',
  'retryDelay',
  'retryExponentialBackoff',
  'maxRetryDelay',
  'executionTimeout',
  'pool',
  'poolSlots',
  'priorityWeight',
  'queue',
  'maxActiveTisPerDag',
  'owner',
] as const;
export const taskCallbackKeys = ['onFailure', 'onRetry', 'onSuccess'] as const;
export const taskOptionKeys = [...defaultArgKeys, 'upstream', 'doc', 'outlets', ...taskCallbackKeys] as const;

/** Checks a defaultArgs / task options object; `label` prefixes every message. */
export function checkTaskOptionValues(
  options: Record<string, unknown>,
  label: (key: string) => string,
  keys: readonly string[],
): void {
  checkKnownKeys(options, keys, label);
  const o = options;
  if (o['triggerRule'] !== undefined && !triggerRules.includes(o['triggerRule'] as TriggerRule)) {
    throw new InvalidOptionsError(
      `${label('triggerRule')} must be one of ${triggerRules.join(', ')}, got ${describe(o['triggerRule'])}`,
    );
  }
  if (o['retries'] !== undefined) checkInt(o['retries'], label('retries'), 0, 100);
  for (const key of ['retryDelay', 'maxRetryDelay'] as const) {
    if (o[key] !== undefined) parseDuration(o[key], label(key));
  }
  if (o['executionTimeout'] !== undefined && parseDuration(o['executionTimeout'], label('executionTimeout')) <= 0) {
    throw new InvalidOptionsError(`${label('executionTimeout')} must be longer than 0`);
  }
  if (o['retryExponentialBackoff'] !== undefined)
    checkBoolean(o['retryExponentialBackoff'], label('retryExponentialBackoff'));
  if (o['pool'] !== undefined) checkString(o['pool'], label('pool'));
  if (o['poolSlots'] !== undefined) checkInt(o['poolSlots'], label('poolSlots'), 1);
  if (o['priorityWeight'] !== undefined)
    checkInt(o['priorityWeight'], label('priorityWeight'), Number.MIN_SAFE_INTEGER);
  if (o['queue'] !== undefined) checkString(o['queue'], label('queue'), { re: idPattern, hint: idHint });
  if (o['maxActiveTisPerDag'] !== undefined) checkInt(o['maxActiveTisPerDag'], label('maxActiveTisPerDag'), 1);
  if (o['owner'] !== undefined) checkString(o['owner'], label('owner'));
  if (o['doc'] !== undefined && typeof o['doc'] !== 'string') {
    throw new InvalidOptionsError(`${label('doc')} must be a string, got ${describe(o['doc'])}`);
  }
  if (o['outlets'] !== undefined) compileOutlets(o['outlets'], label('outlets'));
}

/** A task's outlets as URIs, each once. */
export function compileOutlets(raw: unknown, option: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new InvalidOptionsError(
      `${option} must be a non-empty array of assets made by asset(), got ${describe(raw)}`,
    );
  return [...new Set(raw.map((a: unknown, i) => assetUriOf(a, `${option}[${i}]`)))];
}

/** The TaskSpec fields that come from options (all but taskId, operator and upstream). */
export function compileTaskOptions(
  merged: DefaultArgs & { doc?: string; outlets?: readonly AnyAsset[] },
  label: (key: string) => string,
): Omit<TaskSpec, 'taskId' | 'operator' | 'upstream' | 'callbacks'> {
  const duration = (key: 'retryDelay' | 'maxRetryDelay' | 'executionTimeout'): number | null =>
    merged[key] === undefined ? null : parseDuration(merged[key], label(key));
  return {
    triggerRule: merged.triggerRule ?? taskDefaults.triggerRule,
    retry: {
      retries: merged.retries ?? taskDefaults.retries,
      retryDelayMs: duration('retryDelay') ?? taskDefaults.retryDelayMs,
      exponentialBackoff: merged.retryExponentialBackoff ?? taskDefaults.retryExponentialBackoff,
      maxRetryDelayMs: duration('maxRetryDelay'),
    },
    executionTimeoutMs: duration('executionTimeout'),
    pool: merged.pool ?? taskDefaults.pool,
    priorityWeight: merged.priorityWeight ?? taskDefaults.priorityWeight,
    poolSlots: merged.poolSlots ?? taskDefaults.poolSlots,
    // Left out when not named, so versions of DAGs that name no queue keep their hash.
    ...(merged.queue === undefined ? {} : { queue: merged.queue }),
    ...(merged.maxActiveTisPerDag === undefined ? {} : { maxActiveTisPerDag: merged.maxActiveTisPerDag }),
    owner: merged.owner ?? null,
    doc: merged.doc ?? null,
    // Left out when none, so versions of DAGs without assets keep their hash.
    ...(merged.outlets === undefined ? {} : { outlets: compileOutlets(merged.outlets, label('outlets')) }),
  };
}
