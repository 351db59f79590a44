/**
 * The JSON the REST API (/api/v1) answers with. The API builds these, the
 * CLI and the web UI read them; dates are ISO strings, durations milliseconds.
 * Kept free of imports so the browser bundle stays small.
 */

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
export type RunType = 'manual' | 'scheduled' | 'backfill';

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
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
}

export interface DagDetail extends DagSummary {
  tasks: TaskNode[];
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
}

export interface RunDetail extends RunSummary {
  dagId: string;
  conf: Record<string, unknown>;
  versionHash: string;
  taskInstances: TaskInstance[];
  /** The run's deadline (the DAG's `deadline`), and when it was found missed; null when the DAG sets none. */
  deadline: { at: string; missedAt: string | null } | null;
  /** Callbacks the run's events fired (onFailure, onRetry, onSuccess, onDeadlineMiss), oldest first. */
  callbacks: CallbackRunInfo[];
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

/** The runs × tasks grid of a DAG page: runs oldest → newest, tasks in topological order. */
export interface Grid {
  dagId: string;
  tasks: TaskNode[];
  runs: Array<RunSummary & { states: Record<string, TaskState> }>;
}

export interface ImportError {
  fileLoc: string;
  line: number | null;
  column: number | null;
  message: string;
  createdAt: string;
}

export interface ClearResult {
  cleared: string[];
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
    code: 'bad_request' | 'forbidden' | 'not_found' | 'conflict' | 'unsupported_media_type' | 'internal';
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
