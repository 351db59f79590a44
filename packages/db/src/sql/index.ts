export { withTransaction } from './queryable';
export type { Queryable } from './queryable';
export { syncDags } from './syncDags';
export type { ParsedDag, ParsedImportError, SyncDagsInput } from './syncDags';
export { createDagRun } from './createDagRun';
export type { NewDagRun, NewTaskInstance } from './createDagRun';
export { startQueuedRuns } from './startQueuedRuns';
export { scheduleRun } from './scheduleRun';
export type { RunSnapshot, TaskInstanceRow, Decisions, ScheduleRunResult } from './scheduleRun';
export { failTaskTries } from './failTaskTries';
export type { TryFailure } from './failTaskTries';
export { claimTaskTry } from './claimTaskTry';
export type { ClaimedTry } from './claimTaskTry';
export { finishTaskTry, finishRunIfDone } from './finishTaskTry';
export type { FinishTryArgs, TryOutcome } from './finishTaskTry';
export { heartbeatTaskTries } from './heartbeatTaskTries';
export { appendTaskLogs, readTaskLogs, readTaskOutputs } from './taskLogs';
export type { LogChunk, LogRow } from './taskLogs';
export { clearTaskInstances } from './clearTaskInstances';
export type { ClearArgs } from './clearTaskInstances';
export { markTaskInstance, markDagRun } from './markStates';
export { recordAuditEvent } from './audit';
export type { AuditAction, AuditEventInput } from './audit';
export {
  listActiveDags,
  readDagVersion,
  lastScheduledInterval,
  setNextRunAt,
  listRunsInState,
  listQueuedTries,
  recordSchedulerHeartbeat,
  countActiveRuns,
  readDagForTrigger,
  findRun,
  setDagPaused,
} from './schedulerQueries';
export type { SchedulableDag, RunRef } from './schedulerQueries';
