/**
 * The typed client of the Sluice REST API (/api/v1), shared by the CLI and the
 * web UI. Browser-safe: it only uses the global `fetch` (or the one passed in).
 */
import type {
  ApiErrorBody,
  Backfill,
  BackfillBody,
  BackfillPreview,
  ClearRangeBody,
  ClearResult,
  ClearTaskOptions,
  MarkRunResult,
  Connection,
  ConnectionBody,
  CursorPage,
  DagDetail,
  DagSummary,
  Grid,
  MappedGridPage,
  Health,
  ImportError,
  Page,
  RunDetail,
  RunListItem,
  RunState,
  RunType,
  RunSummary,
  TaskInstance,
  TaskInstanceDetail,
  TaskInstanceListItem,
  TaskState,
  TaskLog,
  ApiToken,
  AuditEvent,
  AuditQuery,
  AuthOptions,
  Me,
  TokenBody,
  User,
  UserBody,
  UserChange,
  Variable,
  VariableBody,
  Pool,
  PoolBody,
} from './types';
import type { DagVersion, DagVersionSource, RunCalendar, RunGantt, RunNote, TaskTimes } from './history-types';
import type { AssetDetail, AssetEventBody, AssetList, DagLinks, PostedAssetEvent } from './asset-types';

export type ApiIssue = { path: string; message: string };

/** Thrown for every non-2xx answer; `message` is the API's `error.message`. */
export class ApiError extends Error {
  override name = 'ApiError';
  status: number;
  code: string;
  issues?: ApiIssue[];

  constructor(status: number, code: string, message: string, issues?: ApiIssue[]) {
    super(message);
    this.status = status;
    this.code = code;
    if (issues !== undefined) this.issues = issues;
  }
}

/** Thrown when the API cannot be reached at all (nothing listening, DNS, reset). */
export class ApiUnreachableError extends Error {
  override name = 'ApiUnreachableError';
  baseUrl: string;

  constructor(baseUrl: string, reason: string, options?: { cause?: unknown }) {
    super(
      `cannot reach the Sluice API at ${baseUrl || '(same origin)'}: ${reason} — is \`npm start\` running? set SLUICE_API_URL`,
      options,
    );
    this.baseUrl = baseUrl;
  }
}

export type TriggerRunBody = { conf?: Record<string, unknown>; logicalDate?: string; runId?: string };
export type ListDagsQuery = { tag?: string; paused?: boolean };
export type ListRunsQuery = { limit?: number; cursor?: string; state?: RunState };
/** The runs page: every DAG's runs (or `dagId`'s), filtered; `from`/`to` bound the logical date (ISO). */
export type BrowseRunsQuery = {
  dagId?: string;
  state?: RunState;
  runType?: RunType;
  from?: string;
  to?: string;
  order?: 'newest' | 'oldest';
  limit?: number;
  cursor?: string;
};
export type BrowseTaskInstancesQuery = {
  dagId?: string;
  taskId?: string;
  state?: TaskState;
  limit?: number;
  cursor?: string;
};
export type LogsQuery = { try?: number; after?: number; limit?: number };
export type SettableState = 'success' | 'failed';

export interface SluiceClient {
  health(): Promise<Health>;
  listDags(q?: ListDagsQuery): Promise<Page<DagSummary>>;
  getDag(dagId: string): Promise<DagDetail>;
  setPaused(dagId: string, isPaused: boolean): Promise<DagSummary>;
  listRuns(dagId: string, q?: ListRunsQuery): Promise<CursorPage<RunSummary>>;
  triggerRun(dagId: string, body?: TriggerRunBody): Promise<RunDetail>;
  getRun(dagId: string, runId: string): Promise<RunDetail>;
  setRunState(dagId: string, runId: string, state: SettableState): Promise<RunDetail>;
  getGrid(dagId: string, q?: { limit?: number }): Promise<Grid>;
  /** One page of a mapped task's instances in the grid's last `limit` runs. */
  getMappedGrid(
    dagId: string,
    taskId: string,
    q?: { limit?: number; offset?: number; count?: number },
  ): Promise<MappedGridPage>;
  browseRuns(q?: BrowseRunsQuery): Promise<CursorPage<RunListItem>>;
  browseTaskInstances(q?: BrowseTaskInstancesQuery): Promise<CursorPage<TaskInstanceListItem>>;
  getTaskInstance(dagId: string, runId: string, taskId: string): Promise<TaskInstanceDetail>;
  getLogs(dagId: string, runId: string, taskId: string, q?: LogsQuery): Promise<TaskLog>;
  clearTask(dagId: string, runId: string, taskId: string, opts?: ClearTaskOptions): Promise<ClearResult>;
  clearRun(dagId: string, runId: string, opts?: { onlyFailed?: boolean; dryRun?: boolean }): Promise<ClearResult>;
  /** Marks a run success or failed, or with `dryRun` lists what the mark would change. */
  markRun(dagId: string, runId: string, state: SettableState, opts?: { dryRun?: boolean }): Promise<MarkRunResult>;
  clearRange(dagId: string, body: ClearRangeBody): Promise<ClearResult>;
  previewBackfill(body: BackfillBody): Promise<BackfillPreview>;
  createBackfill(body: BackfillBody): Promise<Backfill>;
  listBackfills(q?: { dagId?: string; limit?: number }): Promise<{ items: Backfill[] }>;
  getBackfill(id: string): Promise<Backfill>;
  changeBackfill(id: string, action: 'pause' | 'resume' | 'cancel'): Promise<Backfill>;
  setTaskState(dagId: string, runId: string, taskId: string, state: SettableState): Promise<TaskInstance>;
  listImportErrors(): Promise<{ items: ImportError[] }>;
  listConnections(): Promise<{ items: Connection[] }>;
  putConnection(name: string, body: ConnectionBody): Promise<Connection>;
  deleteConnection(name: string): Promise<void>;
  authOptions(): Promise<AuthOptions>;
  /** Signs a browser in (sets the session cookie); answers with the CSRF token. */
  login(username: string, password: string): Promise<{ user: User; csrfToken: string }>;
  logout(): Promise<void>;
  me(): Promise<Me>;
  listUsers(): Promise<{ items: User[] }>;
  createUser(body: UserBody): Promise<User>;
  updateUser(username: string, change: UserChange): Promise<User>;
  deleteUser(username: string): Promise<void>;
  listTokens(): Promise<{ items: ApiToken[] }>;
  /** The answer's `token` is the only time it is shown. */
  createToken(body: TokenBody): Promise<ApiToken & { token: string }>;
  revokeToken(id: string): Promise<void>;
  listAudit(q?: AuditQuery): Promise<{ items: AuditEvent[]; nextBefore: string | null }>;
  listVariables(): Promise<{ items: Variable[] }>;
  getVariable(key: string): Promise<Variable>;
  putVariable(key: string, body: VariableBody): Promise<Variable>;
  deleteVariable(key: string): Promise<void>;
  listRunNotes(dagId: string, runId: string): Promise<{ items: RunNote[] }>;
  /** `taskId` null: the run's own note. */
  setRunNote(dagId: string, runId: string, taskId: string | null, text: string): Promise<RunNote>;
  deleteRunNote(dagId: string, runId: string, taskId: string | null): Promise<void>;
  getRunGantt(dagId: string, runId: string): Promise<RunGantt>;
  getTaskTimes(dagId: string, q?: { runs?: number }): Promise<TaskTimes>;
  getRunCalendar(dagId: string, q?: { year?: number }): Promise<RunCalendar>;
  listDagVersions(dagId: string, q?: { limit?: number }): Promise<{ items: DagVersion[] }>;
  getDagVersion(dagId: string, hash: string): Promise<DagVersionSource>;
  /** Where a try's whole log downloads from, as text (a link for the browser). */
  logDownloadPath(dagId: string, runId: string, taskId: string, tryNumber: number): string;
  listPools(): Promise<{ items: Pool[] }>;
  putPool(name: string, body: PoolBody): Promise<Pool>;
  deletePool(name: string): Promise<void>;
  listAssets(q?: { limit?: number; cursor?: string; prefix?: string }): Promise<AssetList>;
  getAsset(uri: string, q?: { limit?: number; cursor?: string }): Promise<AssetDetail>;
  postAssetEvent(body: AssetEventBody): Promise<PostedAssetEvent>;
  getDagLinks(dagId: string): Promise<DagLinks>;
}

export type ClientOptions = {
  /** e.g. `http://127.0.0.1:8080`, or `''` in the browser for the same origin. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** An API token, sent as `Authorization: Bearer <token>` (the CLI). */
  token?: string;
  /** More headers per request, e.g. the browser's X-CSRF-Token on changes. */
  headers?: (method: string) => Record<string, string>;
};

type QueryValue = string | number | boolean | undefined;

/** Builds `/api/v1/<encoded parts>?<defined query values>`. */
export function apiPath(parts: string[], query?: Record<string, QueryValue>): string {
  const path = `/api/v1/${parts.map((p) => encodeURIComponent(p)).join('/')}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

/** Conditional GETs whose last answer a client keeps. */
const MAX_VALIDATED = 20;

export function createClient(opts: ClientOptions): SluiceClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  // Looked up per call so a fetch installed or mocked after createClient() is used.
  const doFetch: typeof fetch = opts.fetch ?? ((...args) => globalThis.fetch(...args));

  /**
   * The last answer and ETag of each conditional GET (the reads a UI polls):
   * asked again with If-None-Match, a 304 returns the same object, so a
   * poll while nothing moved costs the API one digest query and the caller
   * no re-render.
   */
  const validated = new Map<string, { etag: string; body: unknown }>();

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    conditional = false,
    okStatuses: readonly number[] = [],
  ): Promise<T> {
    const known = conditional ? validated.get(path) : undefined;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers?.(method),
    };
    if (known) headers['if-none-match'] = known.etag;
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}`, init);
    } catch (raw) {
      throw new ApiUnreachableError(baseUrl, describeNetworkError(raw), { cause: raw });
    }
    if (res.status === 304 && known) return known.body as T;
    const text = await res.text();
    if (!res.ok && !okStatuses.includes(res.status)) throw toApiError(res.status, res.statusText, text);
    if (text === '') return undefined as T;
    let parsed: T;
    try {
      parsed = JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, 'bad_response', `the API answered ${method} ${path} with invalid JSON`);
    }
    const etag = res.headers.get('etag');
    if (conditional && etag) remember(path, etag, parsed);
    return parsed;
  }

  function remember(path: string, etag: string, body: unknown): void {
    validated.delete(path);
    validated.set(path, { etag, body });
    // Newest last: drop the oldest beyond a handful of polled views.
    for (const oldest of validated.keys()) {
      if (validated.size <= MAX_VALIDATED) break;
      validated.delete(oldest);
    }
  }

  const runPath = (dagId: string, runId: string) => ['dags', dagId, 'runs', runId];
  const taskPath = (dagId: string, runId: string, taskId: string) => [...runPath(dagId, runId), 'tasks', taskId];
  const notePath = (dagId: string, runId: string, taskId: string | null) => [
    ...(taskId === null ? runPath(dagId, runId) : taskPath(dagId, runId, taskId)),
    'note',
  ];

  return {
    // 503 is health saying degraded or down: its body says why.
    health: () => request('GET', apiPath(['health']), undefined, false, [503]),
    listDags: (q = {}) => request('GET', apiPath(['dags'], { tag: q.tag, paused: q.paused }), undefined, true),
    getDag: (dagId) => request('GET', apiPath(['dags', dagId])),
    setPaused: (dagId, isPaused) => request('PATCH', apiPath(['dags', dagId]), { isPaused }),
    listRuns: (dagId, q = {}) =>
      request('GET', apiPath(['dags', dagId, 'runs'], { limit: q.limit, cursor: q.cursor, state: q.state })),
    triggerRun: (dagId, body = {}) => request('POST', apiPath(['dags', dagId, 'runs']), body),
    getRun: (dagId, runId) => request('GET', apiPath(runPath(dagId, runId))),
    setRunState: (dagId, runId, state) => request('PATCH', apiPath(runPath(dagId, runId)), { state }),
    getGrid: (dagId, q = {}) => request('GET', apiPath(['dags', dagId, 'grid'], { limit: q.limit }), undefined, true),
    getMappedGrid: (dagId, taskId, q = {}) =>
      request(
        'GET',
        apiPath(['dags', dagId, 'grid', 'mapped', taskId], { limit: q.limit, offset: q.offset, count: q.count }),
      ),
    browseRuns: (q = {}) => request('GET', apiPath(['runs'], { ...q })),
    browseTaskInstances: (q = {}) => request('GET', apiPath(['task-instances'], { ...q })),
    getTaskInstance: (dagId, runId, taskId) => request('GET', apiPath(taskPath(dagId, runId, taskId))),
    getLogs: (dagId, runId, taskId, q = {}) =>
      request(
        'GET',
        apiPath([...taskPath(dagId, runId, taskId), 'logs'], { try: q.try, after: q.after, limit: q.limit }),
      ),
    clearTask: (dagId, runId, taskId, o = {}) =>
      request('POST', apiPath([...taskPath(dagId, runId, taskId), 'clear']), o),
    clearRun: (dagId, runId, o = {}) => request('POST', apiPath([...runPath(dagId, runId), 'clear']), o),
    markRun: (dagId, runId, state, o = {}) =>
      request('POST', apiPath([...runPath(dagId, runId), 'mark']), { state, ...o }),
    clearRange: (dagId, body) => request('POST', apiPath(['dags', dagId, 'clear']), body),
    previewBackfill: (body) => request('POST', apiPath(['backfills', 'dry-run']), body),
    createBackfill: (body) => request('POST', apiPath(['backfills']), body),
    listBackfills: (q = {}) => request('GET', apiPath(['backfills'], { dagId: q.dagId, limit: q.limit })),
    getBackfill: (id) => request('GET', apiPath(['backfills', id])),
    changeBackfill: (id, action) => request('POST', apiPath(['backfills', id, action])),
    setTaskState: (dagId, runId, taskId, state) => request('PATCH', apiPath(taskPath(dagId, runId, taskId)), { state }),
    listImportErrors: () => request('GET', apiPath(['import-errors'])),
    listConnections: () => request('GET', apiPath(['connections'])),
    putConnection: (name, body) => request('PUT', apiPath(['connections', name]), body),
    deleteConnection: (name) => request('DELETE', apiPath(['connections', name])),
    authOptions: () => request('GET', apiPath(['auth', 'options'])),
    login: (username, password) => request('POST', apiPath(['auth', 'login']), { username, password }),
    logout: () => request('POST', apiPath(['auth', 'logout'])),
    me: () => request('GET', apiPath(['auth', 'me'])),
    listUsers: () => request('GET', apiPath(['users'])),
    createUser: (body) => request('POST', apiPath(['users']), body),
    updateUser: (username, change) => request('PATCH', apiPath(['users', username]), change),
    deleteUser: (username) => request('DELETE', apiPath(['users', username])),
    listTokens: () => request('GET', apiPath(['tokens'])),
    createToken: (body) => request('POST', apiPath(['tokens']), body),
    revokeToken: (id) => request('DELETE', apiPath(['tokens', id])),
    listAudit: (q = {}) =>
      request(
        'GET',
        apiPath(['audit'], {
          actor: q.actor,
          action: q.action,
          dagId: q.dagId,
          since: q.since,
          before: q.before,
          limit: q.limit,
        }),
      ),
    listVariables: () => request('GET', apiPath(['variables'])),
    getVariable: (key) => request('GET', apiPath(['variables', key])),
    putVariable: (key, body) => request('PUT', apiPath(['variables', key]), body),
    deleteVariable: (key) => request('DELETE', apiPath(['variables', key])),
    listRunNotes: (dagId, runId) => request('GET', apiPath([...runPath(dagId, runId), 'notes'])),
    setRunNote: (dagId, runId, taskId, text) => request('PUT', apiPath(notePath(dagId, runId, taskId)), { text }),
    deleteRunNote: (dagId, runId, taskId) => request('DELETE', apiPath(notePath(dagId, runId, taskId))),
    getRunGantt: (dagId, runId) => request('GET', apiPath([...runPath(dagId, runId), 'gantt'])),
    getTaskTimes: (dagId, q = {}) => request('GET', apiPath(['dags', dagId, 'task-times'], { runs: q.runs })),
    getRunCalendar: (dagId, q = {}) => request('GET', apiPath(['dags', dagId, 'calendar'], { year: q.year })),
    listDagVersions: (dagId, q = {}) => request('GET', apiPath(['dags', dagId, 'versions'], { limit: q.limit })),
    getDagVersion: (dagId, hash) => request('GET', apiPath(['dags', dagId, 'versions', hash])),
    logDownloadPath: (dagId, runId, taskId, tryNumber) =>
      `${baseUrl}${apiPath([...taskPath(dagId, runId, taskId), 'logs', 'download'], { try: tryNumber })}`,
    listPools: () => request('GET', apiPath(['pools'])),
    putPool: (name, body) => request('PUT', apiPath(['pools', name]), body),
    deletePool: (name) => request('DELETE', apiPath(['pools', name])),
    listAssets: (q = {}) => request('GET', apiPath(['assets'], { limit: q.limit, cursor: q.cursor, prefix: q.prefix })),
    getAsset: (uri, q = {}) => request('GET', apiPath(['assets', uri], { limit: q.limit, cursor: q.cursor })),
    postAssetEvent: (body) => request('POST', apiPath(['assets', 'events']), body),
    getDagLinks: (dagId) => request('GET', apiPath(['dags', dagId, 'links'])),
  };
}

function toApiError(status: number, statusText: string, text: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isApiErrorBody(parsed)) {
    const { code, message, issues } = parsed.error;
    return new ApiError(status, code, message, issues);
  }
  const code = status >= 500 ? 'internal' : status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'bad_request';
  const detail = text.trim().slice(0, 200);
  return new ApiError(
    status,
    code,
    `HTTP ${status}${statusText ? ` ${statusText}` : ''}${detail ? `: ${detail}` : ''}`,
  );
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error: unknown = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string' &&
    'code' in error &&
    typeof error.code === 'string'
  );
}

/** Turns fetch's opaque "fetch failed" into the reason underneath (ECONNREFUSED → "connection refused"). */
function describeNetworkError(raw: unknown): string {
  const codes: string[] = [];
  let current: unknown = raw;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ('code' in current && typeof current.code === 'string') codes.push(current.code);
    if ('errors' in current && Array.isArray(current.errors)) {
      for (const inner of current.errors) {
        if (typeof inner === 'object' && inner !== null && 'code' in inner && typeof inner.code === 'string')
          codes.push(inner.code);
      }
    }
    current = 'cause' in current ? current.cause : undefined;
  }
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
  };
  for (const code of codes) {
    const reason = known[code];
    if (reason !== undefined) return reason;
  }
  if (codes[0] !== undefined) return codes[0];
  return raw instanceof Error ? raw.message : String(raw);
}
