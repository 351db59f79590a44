export { defaultEngineSettings } from './resources';
export type { EngineResources, EngineSettings } from './resources';
export { DagVersionCache, indexDagVersion, withDownstream } from './dag-cache';
export type { CachedDagVersion } from './dag-cache';
export { NotFoundError, ConflictError, InvalidRequestError } from './errors';
export { scheduleWholeRun, scheduleDownstream } from './task-scheduling';
export { createDueRuns, triggerRun, startRuns, taskInstancesOf, runIdFor } from './run-creation';
export type { TriggerInput } from './run-creation';
export { triggerOnce, runStateOf, runAt } from './cross-dag';
export type { TriggerOnceInput, TriggeredRun } from './cross-dag';
export { createAssetRun, postAssetEvent } from './asset-runs';
export type { AssetEventInput } from './asset-runs';
export { markTask, markRun, setPaused } from './operations';
export { clearTask, clearRun, clearRange, MAX_CLEARED_RUNS } from './clearing';
export type { ClearOutcome, ClearedRun, ClearRangeInput, ClearTaskInput } from './clearing';
export {
  previewBackfill,
  createBackfill,
  driveBackfill,
  changeBackfill,
  backfillProgress,
  MAX_BACKFILL_INTERVALS,
} from './backfills';
export type {
  BackfillInput,
  BackfillPreview,
  PlannedInterval,
  BackfillAction,
  BackfillProgress,
  BackfillStepStats,
} from './backfills';
export { reconcileQueuedTries, reconcileDeferredTries, reconcileCancelRequests } from './reconciler';
export { schedulerPass } from './scheduler-loop';
export type { PassStats } from './scheduler-loop';
export { runTaskTry, checkDeferredTry, nextCheckDelayMs, waitingLine, OutputNotStorableError } from './task-execution';
export type { ExecutionRequest, ExecutionResult, TaskExecutor, WorkerContext } from './task-execution';
export { cancelExternalJob, cancelBackoffMs } from './external-cancel';
export type { CancelRequest, CancelOutcome, CancelRun } from './external-cancel';
export { Heartbeater, TryTakenAwayError } from './heartbeater';
export { TaskLogWriter } from './log-writer';
export type { LogStream, LogWriterOptions } from './log-writer';
export { SecretMasker, MaskingStream, MASK, MIN_MASKED_LENGTH, isSensitiveName } from './secret-masker';
export { MaskedLog } from './masked-log';
export { validateConf } from './conf';
export { preflight } from './preflight';
export { installProcessGuards } from './process-guards';
export { recordOutcome, retryTransient } from './record-outcome';
export { createTryWrites, openEngine } from './open-engine';
export type { OpenEngine, OpenEngineOptions } from './open-engine';
export {
  queueTryCallbacks,
  runCallbackAttempt,
  callbackBackoffMs,
  callbackRows,
  CallbackTimeoutError,
} from './callbacks';
export type { CallbackRequest, CallbackRunner, CallbackLinks } from './callbacks';
export { fireMissedDeadlines, reconcileCallbackRuns, alertingPass } from './deadlines';
export type { EngineObserver } from './observer';
export type { EngineTracer, TracedTry, TryEnd } from './tracer';
export { startWorkerLiveness } from './liveness';
export type { WorkerLiveness, WorkerLivenessOptions } from './liveness';
export { clusterProbe } from './cluster-probe';
export type { ClusterProbe } from './cluster-probe';
export { createLogger } from './logger';
export type { LogFormat } from './logger';
