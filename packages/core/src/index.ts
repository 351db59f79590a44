/**
 * @sluice/core — the pure domain of Sluice. No I/O: no Prisma, BullMQ, AWS
 * SDK, filesystem or process.env in this package.
 *
 * Glossary
 * - DAG: a named set of tasks and the dependencies between them, with a schedule.
 * - DAG version: one immutable snapshot of a DAG file (structure + code, hashed).
 * - Run (DAG run): one execution of a DAG for a logical date, pinned to a DAG version.
 * - Task: a node of a DAG; runs an operator with options.
 * - Task instance: one task in one run; moves through TaskInstanceState.
 * - Try: one attempt at a task instance; a task instance has 1 + retries tries at most.
 * - Operator: what a task does when it runs (shell, fn, emr.addSteps, glue.startJobRun…).
 * - Pool: a named number of slots that limits how many tasks run at once across DAGs.
 */
export {
  TaskInstanceState,
  DagRunState,
  taskInstanceStates,
  dagRunStates,
  terminalTaskStates,
  activeTaskStates,
  failedTaskStates,
  notStartedTaskStates,
  terminalRunStates,
  unfinishedRunStates,
  unfinishedTaskStates,
  stoppableTaskStates,
  stoppedTryState,
  failedWithRunTaskStates,
  isTerminalTaskState,
  isActiveTaskState,
  isTerminalRunState,
  canTransitionTask,
  canTransitionRun,
  taskStatesAllowedBefore,
  runStatesAllowedBefore,
  transitionTask,
  transitionRun,
  BackfillState,
  backfillStates,
  activeBackfillStates,
  canTransitionBackfill,
  backfillStatesAllowedBefore,
} from './states';
export {
  BackfillReprocess,
  IntervalAction,
  backfillReprocessValues,
  takesARun,
  representativeRun,
  intervalAction,
  undecidedIntervals,
  planIntervals,
  backfillStep,
} from './backfill';
export type { ExistingRun, BackfillInterval, BackfillStep } from './backfill';
export { tasksToClear, compileTaskPattern, tasksMarkedWithRun } from './clear-selection';
export type { ClearSelection } from './clear-selection';
export { assertNever } from './assert-never';
export {
  IllegalTransitionError,
  NonRetryableError,
  RetryAfterError,
  SkipTaskError,
  TaskTimeoutError,
  InvalidOptionsError,
  DagValidationError,
  toError,
  serializeError,
  isNonRetryable,
  isSkip,
  retryAfterMs,
} from './errors';
export type { DagIssue, SerializedError } from './errors';
export {
  TriggerRule,
  RetrySpec,
  OperatorSpec,
  TaskSpec,
  DagSpec,
  BranchSpec,
  TaskRole,
  DEFAULT_QUEUE,
  MapSource,
  TaskMap,
  AssetUri,
  AssetConditionSpec,
} from './dag-spec';
export {
  DEFAULT_MAX_MAP_LENGTH,
  MAX_MAP_LENGTH_LIMIT,
  UNMAPPED,
  taskKey,
  parseTaskKey,
  mapSources,
  describeSource,
  expansionOf,
  mapIssues,
  valueAt,
  itemsOf,
} from './mapping';
export type { SourceLength, Expansion } from './mapping';
export {
  MAX_ASSET_URI_LENGTH,
  assetUriProblem,
  conditionAssets,
  evaluateAssetCondition,
  formatAssetCondition,
  assetTriggeredRun,
} from './assets';
export type {
  AssetCondition,
  AssetConditionItem,
  AssetConditionKind,
  AssetReadiness,
  AssetTriggeredRun,
  AssetEventData,
  AssetEventSource,
} from './assets';
export {
  followedDownstream,
  dependencyVerdict,
  shortCircuitsAbove,
  setupTaskIds,
  failsRun,
  withSetupsAndTeardowns,
} from './flow';
export type { Followed, FlowView } from './flow';
export { taskGroups } from './task-groups';
export type { TaskGroupNode } from './task-groups';
export {
  CallbackEvent,
  CallbackSpec,
  CallbackSpecs,
  DeadlineFrom,
  DeadlineSpec,
  NotifierKind,
  callbackEvents,
  tryCallbackEvents,
  callbacksForTry,
  tryCallbackEvent,
} from './callbacks';
export type { CallbackScope, ResolvedCallback, TryCallbackEvent, CallbackContextData } from './callbacks';
export { idPattern, idHint } from './ids';
export type { DataInterval, RunContext } from './dag-spec';
export {
  compileSchedule,
  nextDagRunInfo,
  nextRunAfter,
  intervalsBetween,
  manualDataInterval,
  parseDagDate,
  schedulePresets,
} from './timetable';
export type { CompiledSchedule, CronSchedule, DagRunInfo } from './timetable';
export { isValidTimezone, assertTimezone } from './timezone';
export { evaluateTriggerRule, successDecidesEarly } from './trigger-rules';
export type { TriggerOutcome, TriggerEvaluation, UpstreamTask } from './trigger-rules';
export {
  compileRetryPolicy,
  retryDelayMs,
  nextTryAt,
  hasTriesLeft,
  maxTriesOf,
  stableRandom,
  DEFAULT_MAX_RETRY_DELAY_MS,
  MAX_CONFIGURABLE_DELAY_MS,
  MAX_RETRIES,
  RETRY_JITTER,
} from './retry-policy';
export type { RetryPolicy } from './retry-policy';
export {
  topologicalOrder,
  directDownstream,
  downstreamOf,
  upstreamOf,
  findCycles,
  formatCycle,
} from './dag-graph';
export { validateDag } from './validate-dag';
export { decide, formatDuration, instancesCap } from './scheduling';
export {
  MAX_TRIGGERED_RUN_ID,
  triggeredRunId,
  sensedLogicalDate,
  crossDagVerdict,
  runVerdict,
  taskVerdict,
} from './cross-dag';
export type { CrossDagVerdict, CrossDagLook } from './cross-dag';
export { tryOutcome, tryJitter } from './try-outcome';
export type { TryOutcome, TryEnding, TryOutcomeInput, TryFailureCause } from './try-outcome';
export { runOutcome, runContinuesWhileIn, runFailsWhenAnyIn } from './run-outcome';
export type { RunOutcome } from './run-outcome';
export type {
  TaskInstanceView,
  SchedulingInput,
  SchedulingResult,
  TaskDecision,
  RunDecision,
} from './scheduling';
export { parseConfig, ConfigError } from './config';
export { roles, roleAllows, weakerRole, type Role } from './roles';
export { diffDags, graphDiff } from './dag-diff';
export type { DagDiff, DagSide, DagChangeKind, FieldChange, TaskChange } from './dag-diff';
export { nextRuns, dstHazards, catchUp, scheduledHistory, formatLocal } from './schedule-plan';
export type { PlannedRun, DstHazard, CatchUp } from './schedule-plan';
export { glueWorkerTypes } from './aws-values';
