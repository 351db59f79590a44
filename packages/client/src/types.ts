/**
 * The JSON the REST API (/api/v1) answers with. The API builds these, the
 * CLI and the web UI read them; dates are ISO strings, durations milliseconds.
 * Kept free of imports so the browser bundle stays small.
 */
import type { AssetEvent, AssetWait } from './asset-types';

export type TaskState =
  | 'none'
  | 'scheduled'
  | 'queued'
  | 'running'
  | 'success'
  | 'failed'
  | 'up_for_retry'
  | 'upstream_failed'
  | 'skipped'
  | 'deferred';
export type RunState = 'queued' | 'running' | 'success' | 'failed';
export type RunType = 'manual' | 'scheduled' | 'backfill' | 'asset_triggered';

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * A page of a list that grows with history (a DAG's runs): newest first,
 * the next page asked for with `cursor=<nextCursor>`.
 */
export interface CursorPage<T> {
  items: T[];
  limit: number;
  /** Pass as `cursor` for the page after this one; null on the last page. */
  nextCursor: string | null;
  /** Matching items, counted up to a cap (1,000 runs). */
  total: number;
  /** True when more items match than `total` says. */
  totalCapped: boolean;
}

export interface RunSummary {
  runId: string;
  state: RunState;
  runType: RunType;
  logicalDate: string;
  dataIntervalStart: string;
  dataIntervalEnd: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface DagSummary {
  dagId: string;
  description: string | null;
  schedule: string | null;
  timezone: string;
  owner: string | null;
  tags: string[];
  isPaused: boolean;
  /** The file the DAG was last loaded from, relative to the DAGs folder. */
  fileLoc: string;
  /** Hash of the current version. */
  versionHash: string;
  /** The git commit the current version was first read from (SLUICE_DAGS_GIT); null for a DAGs folder. */
  bundleCommit: string | null;
  /** The DAG file at that commit on the repository's web site (GitHub, GitLab); null when there is none. */
  sourceUrl: string | null;
  /** When the next scheduled run will be created (the end of its data interval), or null when none will come. */
  nextRunAt: string | null;
  /** Newest first, at most 10. */
  recentRuns: RunSummary[];
  taskCount: number;
}

export interface TaskNode {
  taskId: string;
  operator: string;
  upstream: string[];
  triggerRule: string;
  retries: number;
  /** The task group it is directly in (`ingest.raw`), or null. */
  group: string | null;
  role: 'setup' | 'teardown' | null;
  /** A task whose code picks the downstream it follows. */
  branch: 'choose' | 'short_circuit' | null;
}

/** A task group, for collapsing it in the graph and nesting it in the grid. */
export interface TaskGroup {
  groupId: string;
  /** The group it is in, or null at the top. */
  parentId: string | null;
  label: string;
  /** Tasks directly in the group. */
  taskIds: string[];
}

export interface DagDetail extends DagSummary {
  tasks: TaskNode[];
  /** The JSON Schema a manual run's conf must match (the DAG's `confSchema`); null when the DAG declares none. */
  confSchema: Record<string, unknown> | null;
  /** Task groups, each after the group it is in. */
  groups: TaskGroup[];
  /** The current version's whole structure: a DagSpec of @sluice/core, as JSON (what `sluice dags plan --against` compares). */
  spec: Record<string, unknown>;
  /** The DAG's deadline setting (`deadline` in its file); null when it sets none. */
  deadline: { from: 'logicalDate' | 'queuedAt' | 'runAfter'; withinMs: number } | null;
  /** Its latest runs that missed their deadline, newest first (at most 10). */
  deadlineMisses: DeadlineMiss[];
  /** What its runs wait for when it is scheduled on assets, and how much has arrived; null when it is not. */
  assetSchedule: AssetWait | null;
  /** The assets its tasks update (their outlets). */
  outlets: Array<{ taskId: string; uri: string }>;
}

export interface DeadlineMiss {
  runId: string;
  state: RunState;
  deadlineAt: string;
  missedAt: string;
}

export interface TaskInstance {
  taskId: string;
  state: TaskState;
  tryNumber: number;
  maxTries: number;
  operator: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  /** Why the task is not running yet, when it is waiting. */
  waitingReason: string | null;
  /** Operator-specific facts, e.g. an EMR step id and its console link. */
  external: Record<string, unknown> | null;
  /** An instance of a mapped task: its index (0..n-1); absent for a task that is not mapped or not expanded yet. */
  mapIndex?: number;
  /** An instance of a mapped task: the item it runs with. */
  mapItem?: unknown;
}

export interface RunDetail extends RunSummary {
  dagId: string;
  conf: Record<string, unknown>;
  versionHash: string;
  /** The git commit the run's version was first read from (its code is that commit's file); null for a DAGs folder. */
  bundleCommit: string | null;
  /** The DAG file at that commit on the repository's web site (GitHub, GitLab); null when there is none. */
  sourceUrl: string | null;
  taskInstances: TaskInstance[];
  /** The run's deadline (the DAG's `deadline`), and when it was found missed; null when the DAG sets none. */
  deadline: { at: string; missedAt: string | null } | null;
  /** Callbacks the run's events fired (onFailure, onRetry, onSuccess, onDeadlineMiss), oldest first. */
  callbacks: CallbackRunInfo[];
  /** The asset events an asset-triggered run was created for, oldest first; empty for other runs. */
  triggeringEvents: AssetEvent[];
}

export type CallbackRunState = 'pending' | 'running' | 'success' | 'failed';

/** One callback fired for one event, and how its attempts went. */
export interface CallbackRunInfo {
  id: string;
  event: 'onFailure' | 'onRetry' | 'onSuccess' | 'onDeadlineMiss';
  /** dag or task: where the DAG file declares it. */
  scope: 'dag' | 'task';
  /** function, slack, webhook, email or sns. */
  kind: string;
  /** The task whose try fired it; null for onDeadlineMiss. */
  taskId: string | null;
  tryNumber: number | null;
  state: CallbackRunState;
  attempts: number;
  maxAttempts: number;
  lastError: ErrorInfo | null;
  /** Each attempt's outcome and what the callback logged. */
  log: string;
  createdAt: string;
  endedAt: string | null;
}

export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string;
}

export interface TaskTry {
  tryNumber: number;
  state: TaskState;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  hostname: string | null;
  error: ErrorInfo | null;
  /** Who or what stopped the try while it ran ("cleared by alice"); null when it ended on its own or still runs. */
  stoppedBy: string | null;
}

export interface TaskInstanceDetail extends TaskInstance {
  dagId: string;
  runId: string;
  tries: TaskTry[];
  output: unknown;
}

export interface LogLine {
  seq: number;
  stream: 'stdout' | 'stderr' | 'system';
  at: string;
  text: string;
}

export interface TaskLog {
  tryNumber: number;
  lines: LogLine[];
  /** Pass as `after` to read on from where this page ended. */
  nextSeq: number;
  /** True when the try has ended and nothing more will be written. */
  complete: boolean;
}

/** A grid cell's task instance beyond its state: tries made, and when it ran. */
export interface GridCell {
  tryNumber: number;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
}

/** The runs × tasks grid of a DAG page: runs oldest → newest, tasks in topological order. */
export interface Grid {
  dagId: string;
  tasks: TaskNode[];
  groups: TaskGroup[];
  /**
   * A mapped task has one cell per run: `states` holds its instances' worst
   * state, `cells` the most tries any took, and `mapped` counts them by state.
   */
  runs: Array<
    RunSummary & {
      states: Record<string, TaskState>;
      cells: Record<string, GridCell>;
      mapped: Record<string, MappedSummary>;
    }
  >;
  /** The DAG's runs, counted up to 1,000 ("showing 25 of 55"). */
  totalRuns: number;
  /** True when the DAG has more runs than `totalRuns` says. */
  totalRunsCapped: boolean;
}

/** A mapped task's instances in one run, counted by state. */
export interface MappedSummary {
  total: number;
  counts: Partial<Record<TaskState, number>>;
}

/** One page of a mapped task's instances (map index offset..offset+count-1) in each of the grid's runs. */
export interface MappedGridPage {
  dagId: string;
  taskId: string;
  /** The most instances the task has in one of those runs. */
  total: number;
  offset: number;
  count: number;
  /** Oldest first, as the grid's columns. */
  runs: Array<{ runId: string; instances: Array<GridCell & { mapIndex: number; state: TaskState }> }>;
}

/** A run on the runs page, which lists several DAGs' runs. */
export interface RunListItem extends RunSummary {
  dagId: string;
}

/** A task instance on the task-instance browse page. */
export interface TaskInstanceListItem {
  dagId: string;
  runId: string;
  logicalDate: string;
  taskId: string;
  state: TaskState;
  tryNumber: number;
  maxTries: number;
  operator: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
}

export interface ImportError {
  fileLoc: string;
  line: number | null;
  column: number | null;
  message: string;
  createdAt: string;
}

/** The runs a clear reached and the task instances it cleared in each (with their state before). */
export interface ClearedRun {
  runId: string;
  logicalDate: string;
  runState: RunState;
  tasks: Array<{ taskId: string; state: TaskState }>;
}

export interface ClearResult {
  /** In a clear of one task: the task instances of that run cleared (or to be cleared). */
  cleared: string[];
  /** True when nothing was cleared: the answer is the preview. */
  dryRun: boolean;
  /** Runs with a task instance cleared, oldest first. */
  runs: ClearedRun[];
}

export interface ClearRangeBody {
  from: string;
  to: string;
  /** A regular expression matched against task ids. */
  taskPattern?: string;
  onlyFailed?: boolean;
  downstream?: boolean;
  upstream?: boolean;
  dryRun?: boolean;
}

export interface ClearTaskOptions {
  downstream?: boolean;
  upstream?: boolean;
  past?: boolean;
  future?: boolean;
  onlyFailed?: boolean;
  dryRun?: boolean;
}

/** Marking a run: the task instances the mark changes (or, in a dry run, would change). */
export interface MarkRunResult {
  dryRun: boolean;
  tasks: Array<{ taskId: string; state: TaskState }>;
}

export type BackfillReprocess = 'none' | 'failed' | 'completed';
export type BackfillState = 'queued' | 'running' | 'paused' | 'completed' | 'cancelled';
export type IntervalAction = 'create' | 'rerun_failed' | 'rerun' | 'skip_existing' | 'skip_in_flight';

export interface BackfillBody {
  dagId: string;
  from: string;
  to: string;
  reprocess?: BackfillReprocess;
  reverse?: boolean;
  /** Default: the DAG's maxActiveRuns. */
  maxActiveRuns?: number;
  conf?: Record<string, unknown>;
}

export interface Backfill {
  id: string;
  dagId: string;
  from: string;
  to: string;
  reprocess: BackfillReprocess;
  reverse: boolean;
  maxActiveRuns: number;
  conf: Record<string, unknown>;
  createdBy: string;
  state: BackfillState;
  createdAt: string;
  updatedAt: string;
  progress: {
    /** Intervals in the range. */
    intervals: number;
    /** Intervals created, cleared or passed over so far. */
    decided: number;
    /** The backfill's runs by state. */
    runs: Record<RunState, number>;
  };
}

export interface BackfillPreview {
  dagId: string;
  maxActiveRuns: number;
  /** In the order the backfill takes them. */
  intervals: Array<{
    logicalDate: string;
    dataIntervalStart: string;
    dataIntervalEnd: string;
    action: IntervalAction;
    runId: string;
    runState: RunState | null;
  }>;
}

/**
 * What `/api/v1/health` says. `degraded` when Redis is down, no scheduler
 * beat within 1.5 × its interval, or a worker heard from in the last ten
 * minutes (or none at all) has not beaten within 1.5 × its interval — a
 * stopped process or a blocked event loop; `down` when Postgres is.
 */
export interface Health {
  status: 'ok' | 'degraded' | 'down';
  database: 'ok' | 'down';
  redis: 'ok' | 'down';
  scheduler: { lastHeartbeatAt: string | null; ageMs?: number | null; status?: 'ok' | 'stale' | 'missing' };
  workers?: WorkerHealth[];
  /** The task queue's backlog; null when Redis or Postgres did not answer. */
  queue?: { waiting: number; active: number; delayed: number; oldestQueuedAgeSeconds: number } | null;
  /** What is wrong, one phrase each ("scheduler heartbeat 4.2 s old"); empty when ok. */
  problems?: string[];
}

export interface WorkerHealth {
  id: string;
  hostname: string;
  lastHeartbeatAt: string;
  ageMs: number;
  /** The longest event-loop delay the worker measured before its last beat. */
  eventLoopLagMs: number;
  runningTries: number;
  status: 'ok' | 'stale';
}

/** Every 4xx/5xx body. */
export interface ApiErrorBody {
  error: {
    code:
      | 'bad_request'
      | 'unauthorized'
      | 'forbidden'
      | 'not_found'
      | 'conflict'
      | 'unsupported_media_type'
      | 'too_many_requests'
      | 'internal';
    message: string;
    /** For validation errors: the field path and what is wrong with it. */
    issues?: Array<{ path: string; message: string }>;
  };
}

/** A named set of AWS settings; credentials are write-only and never returned. */
export interface Connection {
  name: string;
  kind: 'aws';
  region: string | null;
  roleArn: string | null;
  endpoint: string | null;
  description: string | null;
  hasCredentials: boolean;
  updatedAt: string;
}

export interface ConnectionBody {
  kind?: 'aws';
  region?: string;
  roleArn?: string;
  endpoint?: string;
  description?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

export type Role = 'viewer' | 'operator' | 'admin';

/** How this server signs people in. */
export interface AuthOptions {
  /** False when the server runs with SLUICE_AUTH=off (everyone is a local admin). */
  authRequired: boolean;
  password: boolean;
  sso: { name: string; loginUrl: string } | null;
}

/** Who the request acts as. */
export interface Me {
  username: string;
  role: Role;
  teams: string[];
  via: 'session' | 'token' | 'local';
  tokenName?: string;
  /** For a browser session: send it as X-CSRF-Token with every change. */
  csrfToken: string | null;
}

export interface User {
  username: string;
  displayName: string | null;
  email: string | null;
  role: Role;
  teams: string[];
  signIn: 'password' | 'sso' | 'both';
  createdAt: string;
  lastLoginAt: string | null;
}

export interface UserBody {
  username: string;
  role: Role;
  password?: string;
  teams?: string[];
  displayName?: string;
  email?: string;
}

export interface UserChange {
  role?: Role;
  password?: string;
  teams?: string[];
  displayName?: string | null;
  email?: string | null;
}

export interface ApiToken {
  id: string;
  username: string;
  name: string;
  /** The token's first characters, to tell tokens apart. */
  prefix: string;
  role: Role;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface TokenBody {
  name: string;
  role?: Role;
  expiresInDays?: number;
  /** Admins: make it for another user (a service account). */
  username?: string;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: string;
  action: string;
  dagId: string | null;
  runId: string | null;
  taskId: string | null;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  dagId?: string;
  since?: string;
  before?: string;
  limit?: number;
}

/** A named value tasks read; a secret one's value is always `***` here. */
export interface Variable {
  key: string;
  value: string;
  secret: boolean;
  description: string | null;
  updatedAt: string;
}

export interface VariableBody {
  value: string;
  /** Masked in the API and in task logs. Default false. */
  secret?: boolean;
  description?: string;
}

/** Slots shared by tasks across DAGs, and the slots its tasks hold now. */
export interface Pool {
  name: string;
  slots: number;
  description: string | null;
  /** Slots of tries running (or deferred on an external job). */
  running: number;
  /** Slots of tries queued for a worker. */
  queued: number;
  /** slots − running − queued, at least 0. */
  free: number;
}

export interface PoolBody {
  slots: number;
  description?: string;
}

/** A git repository the scheduler reads DAGs from. */
export interface DagBundle {
  name: string;
  url: string;
  /** The branch, tag or commit it follows. */
  ref: string;
  /** The folder of the repository holding the DAG files. */
  path: string;
  /** The commit read last; null before the first sync. */
  commit: string | null;
  syncedAt: string | null;
  refreshRequestedAt: string | null;
  /** Why the last fetch failed; the scheduler keeps the commit read before. */
  lastError: string | null;
}
