export { createDb } from './client';
export type { CreateDbOptions, Db } from './client';
export { migrate, migrationChecksum, defaultMigrationsDir } from './migrate';
export type { MigrateOptions, MigrateResult } from './migrate';
export { checkDatabase } from './health';
export type { CheckDatabaseOptions } from './health';
export { DatabaseUnreachableError, MigrationError, databaseErrorHint } from './errors';
export { describeDatabaseUrl, resolveSchema, quoteIdent } from './connection';
export {
  createTestDatabase,
  dropSchema,
  testDatabaseUrl,
  randomSchemaName,
  DEFAULT_TEST_DATABASE_URL,
} from './testing';
export type { TestDatabase, CreateTestDatabaseOptions } from './testing';
export { PrismaClient, Prisma } from './generated/prisma/client';
export type {
  Dag,
  DagVersion,
  DagRun,
  TaskInstance,
  TaskTry,
  TaskLog,
  TaskOutput,
  ImportError,
  AuditEvent,
  Pool,
  SchedulerHeartbeat,
} from './generated/prisma/client';

// Transitions and queries the engine makes: one file each under sql/.
export { isTransientDatabaseError, withTransaction } from './sql/queryable';
export type { Queryable } from './sql/queryable';
export { readDagFiles, syncDags } from './sql/syncDags';
export type { ParsedDag, ParsedImportError, SyncDagsInput } from './sql/syncDags';
export { createDagRun } from './sql/createDagRun';
export type { NewDagRun, NewTaskInstance, RunType } from './sql/createDagRun';
export {
  createAssetTriggeredRun,
  dagsWithQueuedAssetEvents,
  readTriggeringEvents,
  recordExternalAssetEvent,
} from './sql/assets';
export type { QueuedAssetEvent } from './sql/assets';
export { listAssetRows, readAssetDetail, readDagLinks, readQueuedAssetEvents, DAG_LINK_OPERATORS } from './read/assets';
export type { AssetDetailRow, AssetEventWithRuns, AssetListRow, DagLinks } from './read/assets';
export { startQueuedRuns } from './sql/startQueuedRuns';
export {
  insertBackfill,
  findBackfill,
  listBackfills,
  listDrivenBackfills,
  countBackfillRuns,
  countUnfinishedBackfillRuns,
  listQueuedBackfillRuns,
  moveBackfill,
  advanceBackfill,
  listRunsBetween,
  linkRunToBackfill,
  startBackfillRuns,
  withBackfillLock,
} from './sql/backfills';
export type { BackfillRow, NewBackfill } from './sql/backfills';
export { scheduleRun, writesSomething } from './sql/scheduleRun';
export { scheduleRuns, peekRuns } from './sql/scheduleRuns';
export type { RunSnapshot, TaskInstanceRow, Decisions, ScheduleRunOptions, ScheduleRunResult } from './sql/scheduleRun';
export { failTaskTries } from './sql/failTaskTries';
export type { TryFailure } from './sql/failTaskTries';
export { claimTaskTry, claimTaskTries } from './sql/claimTaskTry';
export type { ClaimArgs, ClaimedTry } from './sql/claimTaskTry';
export {
  finishTaskTry,
  finishTaskTries,
  finishRunIfDone,
  anyUnfinished,
  tasksWaitingForSlot,
  afterFinish,
  finishTriesStatement,
} from './sql/finishTaskTry';
export {
  recordCallbackRuns,
  callbackRunKey,
  claimCallbackAttempt,
  finishCallbackAttempt,
  listDueCallbackRuns,
  listRunCallbacks,
  readRunDeadline,
  takeMissedDeadlines,
  callbackRunStates,
} from './sql/callbacks';
export type {
  NewCallbackRun,
  CallbackAttempt,
  CallbackRunState,
  CallbackRunView,
  MissedDeadline,
} from './sql/callbacks';
export {
  recordWorkerHeartbeat,
  removeHeartbeat,
  readLiveness,
  readClusterCounts,
} from './sql/liveness';
export type { WorkerBeat, ProcessBeat, ClusterCounts } from './sql/liveness';
export { cleanHistory } from './retention';
export { generateFinishedRuns } from './history-fixtures';
export type { HistoryFixture } from './history-fixtures';
export type { CleanOptions, ArchivedLog } from './retention';
export type { CleanCounts, CleanFilter } from './sql/retention';
export { writeTries } from './sql/writeTries';
export type { TryWrites as TryWriteBatch, TryWritesDone } from './sql/writeTries';
export type { FinishTryArgs, FinishedTry, FinishRow, TryOutcome } from './sql/finishTaskTry';
export { heartbeatTaskTries, tryKey } from './sql/heartbeatTaskTries';
export {
  deferTaskTry,
  recordTryExternal,
  readTryExternals,
  listOverdueDeferredTries,
  readTryForCancel,
} from './sql/deferTaskTry';
export type { InterruptedTry } from './sql/interrupted';
export type { TryForCancel } from './sql/deferTaskTry';
export {
  recordCancelRequests,
  recordCancelAfterStop,
  claimCancelAttempt,
  finishCancelAttempt,
  listDueCancelRequests,
  readCancelledTries,
  appendCancelLog,
} from './sql/cancelRequests';
export type { CancelAttempt } from './sql/cancelRequests';
export {
  appendTaskLogs,
  escapeNul,
  jsonWithoutNul,
  lastTaskLogSeq,
  readTaskLogs,
  readTaskOutputs,
  withoutNul,
} from './sql/taskLogs';
export type { LogChunk, LogRow } from './sql/taskLogs';
export { clearTaskInstances } from './sql/clearTaskInstances';
export type { ClearArgs } from './sql/clearTaskInstances';
export { markTaskInstance, markDagRun } from './sql/markStates';
export { listAuditEvents, recordAuditEvent } from './sql/audit';
export type { AuditAction, AuditEventInput, AuditEventRow, AuditQuery } from './sql/audit';
export {
  listActiveDags,
  dagsWithQueuedRuns,
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
} from './sql/schedulerQueries';
export type { SchedulableDag, RunRef } from './sql/schedulerQueries';
export { readRunState, readRunAt } from './sql/crossDag';
export type { SensedRun } from './sql/crossDag';
export { refreshPlannerStatistics, HOT_TABLES } from './sql/plannerStatistics';
export { ensureDatabaseExists } from './ensure-database';
// Reads behind the REST API.
export {
  findRunRow,
  listTaskInstanceRows,
  findTaskInstanceDetail,
  readGridCells,
  readMappedGridCells,
  listImportErrorRows,
  lastSchedulerHeartbeat,
  readVersionSource,
} from './read/views';
export { readDagTags } from './read/dag-tags';
export { readTaskStates } from './read/task-states';
export { readRunTrace } from './read/run-trace';
export { readDeadlineMisses } from './read/deadline-misses';
export type { DeadlineMissRow } from './read/deadline-misses';
export type { RunTrace } from './read/run-trace';
export type { RunRow, TaskInstanceRowView, GridCellRow } from './read/views';
export {
  browseRuns,
  browseTaskInstances,
  encodeTaskInstanceCursor,
  decodeTaskInstanceCursor,
} from './read/browse';
export type {
  BrowseOrder,
  BrowsePage,
  RunBrowseQuery,
  TaskInstanceBrowseQuery,
  TaskInstanceBrowseRow,
  TaskInstanceCursor,
} from './read/browse';
export {
  listDagRows,
  latestRuns,
  listRunPage,
  countDagRuns,
  dagExists,
  encodeRunCursor,
  decodeRunCursor,
  InvalidCursorError,
  RECENT_RUNS,
  RUN_COUNT_CAP,
} from './read/runPages';
export type { DagRow, RunCursor, RunPage } from './read/runPages';
export { dagListDigest, gridDigest } from './read/digests';
export { readRunGantt } from './read/runGantt';
export type { GanttTryRow } from './read/runGantt';
export { readTaskTimes, readRunDays } from './read/dagHistory';
export type { TaskTimeRow, RunDayRow } from './read/dagHistory';
export { listDagVersions, readDagVersionSource } from './read/dagVersions';
export type { DagVersionRow } from './read/dagVersions';
export { setRunNote, deleteRunNote, listRunNotes } from './sql/runNotes';
export type { RunNoteTarget, RunNoteView } from './sql/runNotes';
export {
  declareDagBundle,
  recordDagBundleSync,
  requestDagBundleRefresh,
  listDagBundles,
  dagBundleRefreshDue,
} from './sql/dagBundles';
export type { DagBundleRow } from './sql/dagBundles';
export {
  upsertConnection,
  listConnections,
  deleteConnection,
  readConnectionSettings,
  encryptSecret,
  decryptSecret,
  SecretKeyError,
  CredentialsRequiredError,
  verifySecretKey,
  rotateSecretKey,
} from './connections';
export type { ConnectionInput, ConnectionView, ConnectionCredentials } from './connections';
export {
  setVariable,
  deleteVariable,
  listVariables,
  findVariable,
  readVariableValue,
  MASKED_VALUE,
} from './sql/variables';
export type { VariableInput, VariableView } from './sql/variables';
export { ts, rs, taskStatesSql, runStatesSql } from './sql/states';
export type { TaskMove, RunMove } from './sql/states';
export {
  UserError,
  checkPassword,
  checkSignIn,
  countUsers,
  createUser,
  deleteUser,
  findUser,
  hashPassword,
  listUsers,
  randomSecret,
  signInWithOidc,
  teamPattern,
  updateUser,
  usernamePattern,
} from './users';
export type { NewUser, OidcIdentity, Principal, UserChange, UserView } from './users';
export { TOKEN_PREFIX, createApiToken, listApiTokens, principalOfToken, revokeApiToken } from './api-tokens';
export type { NewToken, TokenView } from './api-tokens';
export { createSession, deleteSession, principalOfSession, sameSecret } from './sessions';
export type { NewSession } from './sessions';
export { listPools, findPool, setPool, deletePool } from './sql/pools';
export type { PoolInput, PoolView } from './sql/pools';
