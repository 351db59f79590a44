/**
 * Test support: a fake SluiceClient that records every call, contract-shaped
 * fixtures, and `runWith` to drive the CLI with captured output.
 */
import type {
  Backfill,
  ClearResult,
  Connection,
  Variable,
  AssetDetail,
  AssetSummary,
  DagDetail,
  RunDetail,
  SluiceClient,
  TaskInstance,
  TaskInstanceDetail,
  TaskLog,
} from '@sluice/client';
import type { CliDeps, ValidationResult } from './context';
import { runCli } from './program';

export const RUN_ID = 'manual__2026-11-22T03:00:00.000Z';

export function taskInstance(
  taskId: string,
  state: TaskInstance['state'],
  extra: Partial<TaskInstance> = {},
): TaskInstance {
  return {
    taskId,
    state,
    tryNumber: 1,
    maxTries: 3,
    operator: 'shell',
    startedAt: '2026-11-22T03:00:01.000Z',
    endedAt: '2026-11-22T03:00:04.500Z',
    durationMs: 3500,
    waitingReason: null,
    external: null,
    ...extra,
  };
}

export const BACKFILL_ID = '0b6c1f7e-9a51-4d5e-8f3a-2c4b6d8e0f12';

export function backfill(extra: Partial<Backfill> = {}): Backfill {
  return {
    id: BACKFILL_ID,
    dagId: 'etl',
    from: '2026-03-01T00:00:00.000Z',
    to: '2026-03-30T00:00:00.000Z',
    reprocess: 'none',
    reverse: false,
    maxActiveRuns: 3,
    conf: {},
    createdBy: 'alice',
    state: 'running',
    createdAt: '2026-11-22T03:00:00.000Z',
    updatedAt: '2026-11-22T03:00:00.000Z',
    progress: { intervals: 30, decided: 12, runs: { queued: 0, running: 3, success: 8, failed: 1 } },
    ...extra,
  };
}

function clearResult(runId: string, tasks: string[], opts: { dryRun?: boolean } = {}): ClearResult {
  return {
    cleared: tasks,
    dryRun: opts.dryRun === true,
    runs: [
      {
        runId,
        logicalDate: '2026-11-22T03:00:00.000Z',
        runState: 'failed',
        tasks: tasks.map((taskId) => ({ taskId, state: 'failed' })),
      },
    ],
  };
}

export function runDetail(state: RunDetail['state'], extra: Partial<RunDetail> = {}): RunDetail {
  return {
    dagId: 'etl',
    runId: RUN_ID,
    state,
    runType: 'manual',
    logicalDate: '2026-11-22T03:00:00.000Z',
    dataIntervalStart: '2026-11-22T03:00:00.000Z',
    dataIntervalEnd: '2026-11-22T03:00:00.000Z',
    startedAt: '2026-11-22T03:00:00.500Z',
    endedAt: state === 'success' || state === 'failed' ? '2026-11-22T03:01:00.000Z' : null,
    conf: { day: '2026-11-21' },
    deadline: null,
    callbacks: [],
    triggeringEvents: [],
    versionHash: 'abc123',
    bundleCommit: null,
    sourceUrl: null,
    taskInstances: [
      taskInstance('extract', 'success'),
      taskInstance('load', 'up_for_retry', { tryNumber: 2 }),
      taskInstance('report', 'none', {
        startedAt: null,
        endedAt: null,
        durationMs: null,
        waitingReason: 'upstream load is not done',
      }),
    ],
    ...extra,
  };
}

export function dagDetail(extra: Partial<DagDetail> = {}): DagDetail {
  const { taskInstances: _tis, dagId: _dagId, conf: _conf, versionHash: _hash, ...lastRun } = runDetail('failed');
  return {
    dagId: 'etl',
    description: 'nightly extract and load',
    schedule: '@daily',
    timezone: 'UTC',
    owner: 'data',
    tags: ['nightly', 'emr'],
    isPaused: false,
    fileLoc: 'etl.ts',
    versionHash: 'abc123',
    bundleCommit: null,
    sourceUrl: null,
    nextRunAt: '2026-11-23T00:00:00.000Z',
    recentRuns: [lastRun],
    taskCount: 3,
    tasks: [
      {
        taskId: 'extract',
        operator: 'shell',
        upstream: [],
        triggerRule: 'all_success',
        retries: 0,
        group: null,
        role: null,
        branch: null,
      },
      {
        taskId: 'load',
        operator: 'emr',
        upstream: ['extract'],
        triggerRule: 'all_success',
        retries: 2,
        group: null,
        role: null,
        branch: null,
      },
    ],
    confSchema: null,
    groups: [],
    spec: {},
    deadline: null,
    deadlineMisses: [],
    assetSchedule: null,
    outlets: [],
    ...extra,
  };
}

export function assetSummary(): AssetSummary {
  return {
    uri: 's3://lake/events/',
    createdAt: '2026-12-01T00:00:00.000Z',
    producers: [{ dagId: 'events_hourly', taskId: 'load' }],
    consumers: ['events_daily'],
    lastEvent: {
      id: '5f0c3a52-0000-4000-8000-000000000002',
      uri: 's3://lake/events/',
      extra: { partition: '2026-12-07', rows: 1200 },
      source: {
        kind: 'task',
        dagId: 'events_hourly',
        runId: 'scheduled__2026-12-07T23:00:00.000Z',
        taskId: 'load',
        tryNumber: 1,
      },
      createdAt: '2026-12-08T00:05:00.000Z',
    },
  };
}

export function assetDetail(uri = 's3://lake/events/'): AssetDetail {
  const last = assetSummary().lastEvent;
  return {
    uri,
    createdAt: '2026-12-01T00:00:00.000Z',
    producers: [{ dagId: 'events_hourly', taskId: 'load' }],
    consumers: [{ dagId: 'events_daily', queuedEvents: 2 }],
    events: last
      ? [
          {
            ...last,
            uri,
            triggeredRuns: [{ dagId: 'events_daily', runId: 'asset_triggered__2026-12-08T00:05:01.000Z_5f0c3a52' }],
          },
          {
            ...last,
            id: '5f0c3a52-0000-4000-8000-000000000003',
            uri,
            extra: {},
            source: { kind: 'external', actor: 'bob' },
            triggeredRuns: [],
          },
        ]
      : [],
    nextCursor: null,
  };
}

export function taskDetail(): TaskInstanceDetail {
  return {
    ...taskInstance('load', 'up_for_retry', { tryNumber: 2 }),
    dagId: 'etl',
    runId: RUN_ID,
    output: null,
    tries: [
      {
        tryNumber: 1,
        state: 'failed',
        startedAt: '2026-11-22T03:00:01.000Z',
        endedAt: '2026-11-22T03:00:02.000Z',
        durationMs: 1000,
        hostname: 'worker-1',
        error: { name: 'ShellError', message: 'exit code 3\nsecond line' },
        stoppedBy: null,
      },
      {
        tryNumber: 2,
        state: 'running',
        startedAt: '2026-11-22T03:05:00.000Z',
        endedAt: null,
        durationMs: null,
        hostname: 'worker-2',
        error: null,
        stoppedBy: null,
      },
    ],
  };
}

/** A page of log lines; `nextSeq` defaults to the last seq, as the API answers. */
export function logPage(tryNumber: number, seqs: number[], complete: boolean, nextSeq = Math.max(0, ...seqs)): TaskLog {
  return {
    tryNumber,
    lines: seqs.map((seq) => ({
      seq,
      stream: seq % 2 === 0 ? 'stdout' : 'stderr',
      at: '2026-11-22T03:00:01.000Z',
      text: `line ${seq}`,
    })),
    nextSeq,
    complete,
  };
}

export type Call = { method: keyof SluiceClient; args: unknown[] };

const notExpected = (method: string) => async (): Promise<never> => {
  throw new Error(`${method} was not expected in this test; pass it in the overrides`);
};

/** A SluiceClient answering with the fixtures above unless overridden; records every call. */
export function fakeClient(overrides: Partial<SluiceClient> = {}): { client: SluiceClient; calls: Call[] } {
  const calls: Call[] = [];
  const base: SluiceClient = {
    health: async () => ({ status: 'ok', database: 'ok', redis: 'ok', scheduler: { lastHeartbeatAt: null } }),
    listDags: async () => {
      const { tasks: _tasks, ...summary } = dagDetail();
      return {
        items: [summary, { ...summary, dagId: 'glue_hourly', isPaused: true, recentRuns: [] }],
        total: 2,
        limit: 25,
        offset: 0,
      };
    },
    getDag: async () => dagDetail(),
    setPaused: async (dagId, isPaused) => {
      const { tasks: _tasks, ...summary } = dagDetail({ dagId, isPaused });
      return summary;
    },
    listRuns: async () => {
      const { taskInstances: _t, dagId: _d, conf: _c, versionHash: _v, ...summary } = runDetail('success');
      return {
        items: [
          summary,
          { ...summary, runId: 'scheduled__2026-11-21T00:00:00.000Z', state: 'failed', runType: 'scheduled' },
        ],
        total: 2,
        limit: 25,
        nextCursor: null,
        totalCapped: false,
      };
    },
    browseRuns: async () => ({ items: [], total: 0, limit: 25, nextCursor: null, totalCapped: false }),
    browseTaskInstances: async () => ({ items: [], total: 0, limit: 50, nextCursor: null, totalCapped: false }),
    triggerRun: async () => runDetail('queued'),
    getRun: async () => runDetail('running'),
    setRunState: async (_dagId, _runId, state) => runDetail(state),
    getGrid: async () => ({ dagId: 'etl', tasks: [], groups: [], runs: [], totalRuns: 0, totalRunsCapped: false }),
    getMappedGrid: async (dagId, taskId) => ({ dagId, taskId, total: 0, offset: 0, count: 50, runs: [] }),
    getTaskInstance: async () => taskDetail(),
    getLogs: async () => logPage(1, [1, 2], true),
    clearTask: async (_d, runId, taskId, opts) =>
      clearResult(runId, opts?.downstream ? [taskId, 'report'] : [taskId], opts),
    clearRun: async (_d, runId, opts) => clearResult(runId, opts?.onlyFailed ? ['load'] : ['extract', 'load'], opts),
    clearRange: async (_d, body) => ({
      ...clearResult(RUN_ID, ['load'], body),
      runs: [
        {
          runId: 'scheduled__2026-03-01T00:00:00.000Z',
          logicalDate: '2026-03-01T00:00:00.000Z',
          runState: 'failed',
          tasks: [{ taskId: 'load', state: 'failed' }],
        },
        {
          runId: 'scheduled__2026-03-02T00:00:00.000Z',
          logicalDate: '2026-03-02T00:00:00.000Z',
          runState: 'success',
          tasks: [{ taskId: 'load', state: 'success' }],
        },
      ],
    }),
    markRun: async () => ({ dryRun: true, tasks: [{ taskId: 'load', state: 'running' }] }),
    previewBackfill: async (body) => ({
      dagId: body.dagId,
      maxActiveRuns: body.maxActiveRuns ?? 1,
      intervals: [
        {
          logicalDate: '2026-03-01T00:00:00.000Z',
          dataIntervalStart: '2026-03-01T00:00:00.000Z',
          dataIntervalEnd: '2026-03-02T00:00:00.000Z',
          action: 'create',
          runId: 'backfill__2026-03-01T00:00:00.000Z',
          runState: null,
        },
        {
          logicalDate: '2026-03-02T00:00:00.000Z',
          dataIntervalStart: '2026-03-02T00:00:00.000Z',
          dataIntervalEnd: '2026-03-03T00:00:00.000Z',
          action: 'rerun_failed',
          runId: 'scheduled__2026-03-02T00:00:00.000Z',
          runState: 'failed',
        },
        {
          logicalDate: '2026-03-03T00:00:00.000Z',
          dataIntervalStart: '2026-03-03T00:00:00.000Z',
          dataIntervalEnd: '2026-03-04T00:00:00.000Z',
          action: 'skip_existing',
          runId: 'scheduled__2026-03-03T00:00:00.000Z',
          runState: 'success',
        },
      ],
    }),
    createBackfill: async (body) => backfill({ dagId: body.dagId, maxActiveRuns: body.maxActiveRuns ?? 1 }),
    listBackfills: async () => ({ items: [backfill()] }),
    getBackfill: async (id) => backfill({ id }),
    changeBackfill: async (id, action) =>
      backfill({ id, state: ({ pause: 'paused', resume: 'running', cancel: 'cancelled' } as const)[action] }),
    setTaskState: async (_d, _r, taskId, state) => taskInstance(taskId, state),
    listImportErrors: async () => ({
      items: [
        {
          fileLoc: 'broken.ts',
          line: 4,
          column: 7,
          message: 'cycle: a -> b -> a',
          createdAt: '2026-11-22T03:00:00.000Z',
        },
      ],
    }),
    listConnections: async () => ({ items: [connection('prod', true)] }),
    putConnection: async (name, body) => connection(name, body.accessKeyId !== undefined),
    deleteConnection: async () => undefined,
    authOptions: notExpected('authOptions'),
    login: notExpected('login'),
    logout: notExpected('logout'),
    me: notExpected('me'),
    listUsers: notExpected('listUsers'),
    createUser: notExpected('createUser'),
    updateUser: notExpected('updateUser'),
    deleteUser: notExpected('deleteUser'),
    listTokens: notExpected('listTokens'),
    createToken: notExpected('createToken'),
    revokeToken: notExpected('revokeToken'),
    listAudit: notExpected('listAudit'),
    listVariables: async () => ({
      items: [variable('region', 'eu-west-1', false), variable('api_token', '***', true)],
    }),
    getVariable: async (key) => variable(key, key === 'api_token' ? '***' : 'eu-west-1', key === 'api_token'),
    putVariable: async (key, body) => variable(key, body.secret ? '***' : body.value, body.secret === true),
    deleteVariable: async () => undefined,
    listRunNotes: notExpected('listRunNotes'),
    setRunNote: notExpected('setRunNote'),
    deleteRunNote: notExpected('deleteRunNote'),
    getRunGantt: notExpected('getRunGantt'),
    getTaskTimes: notExpected('getTaskTimes'),
    getRunCalendar: notExpected('getRunCalendar'),
    listDagVersions: notExpected('listDagVersions'),
    getDagVersion: notExpected('getDagVersion'),
    logDownloadPath: (dagId, runId, taskId, tryNumber) =>
      `/api/v1/dags/${dagId}/runs/${runId}/tasks/${taskId}/logs/download?try=${tryNumber}`,
    listPools: async () => ({
      items: [
        { name: 'emr', slots: 4, description: 'EMR clusters', running: 2, queued: 1, free: 1 },
        { name: 'warehouse', slots: 2, description: null, running: 0, queued: 0, free: 2 },
      ],
    }),
    putPool: async (name, body) => ({
      name,
      slots: body.slots,
      description: body.description ?? null,
      running: 1,
      queued: 0,
      free: Math.max(0, body.slots - 1),
    }),
    deletePool: async () => undefined,
    listAssets: async () => ({ items: [assetSummary()], nextCursor: null }),
    getAsset: async (uri) => assetDetail(uri),
    postAssetEvent: async (body) => ({
      event: {
        id: '5f0c3a52-0000-4000-8000-000000000001',
        uri: body.uri,
        extra: body.extra ?? {},
        source: { kind: 'external', actor: 'alice' },
        createdAt: '2026-12-08T10:00:00.000Z',
      },
      queuedFor: ['late_data_correction'],
    }),
    getDagLinks: async (dagId) => ({
      dagId,
      assetSchedule: null,
      outlets: [],
      fedBy: [],
      feeds: [],
      linksTo: [],
      linkedFrom: [],
    }),
  };
  const impl: SluiceClient = { ...base, ...overrides };
  const rec = <T>(method: keyof SluiceClient, args: unknown[], result: Promise<T>): Promise<T> => {
    calls.push({ method, args });
    return result;
  };
  // Every method recorded the same way: the call, then the fixture's answer.
  const client = Object.fromEntries(
    (Object.keys(impl) as Array<keyof SluiceClient>).map((method) => [
      method,
      (...args: unknown[]) => rec(method, args, (impl[method] as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as unknown as SluiceClient;
  return { client, calls };
}

export type RunResult = { code: number; stdout: string; stderr: string; sleeps: number[] };

/** Runs `sluice <argv>` with the given deps (a fake client by default) and captures its output. */
export async function runWith(argv: string[], deps: Partial<CliDeps> = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const sleeps: number[] = [];
  const notWired = (what: string) => async (): Promise<never> => {
    throw new Error(`${what} was not expected in this test`);
  };
  const code = await runCli(argv, {
    client: fakeClient().client,
    env: {},
    validateDags: async (): Promise<ValidationResult> => notWired('validateDags')(),
    migrateDb: notWired('migrateDb'),
    rotateSecretKey: notWired('rotateSecretKey'),
    readStdin: notWired('readStdin'),
    cleanDb: notWired('cleanDb'),
    start: notWired('start'),
    startWorker: notWired('startWorker'),
    apiUrl: 'http://api.test:8080',
    clientWith: () => {
      throw new Error('clientWith was not expected in this test');
    },
    credentials: {
      file: '/nonexistent/credentials.json',
      read: () => undefined,
      save: () => {
        throw new Error('credentials.save was not expected in this test');
      },
      remove: () => {},
    },
    readSecret: notWired('readSecret'),
    withUsers: notWired('withUsers'),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...deps,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr, sleeps };
}

function connection(name: string, hasCredentials: boolean): Connection {
  return {
    name,
    kind: 'aws',
    region: 'eu-west-1',
    roleArn: null,
    endpoint: null,
    description: null,
    hasCredentials,
    updatedAt: '2026-11-22T03:00:00.000Z',
  };
}

function variable(key: string, value: string, secret: boolean): Variable {
  return { key, value, secret, description: null, updatedAt: '2026-11-22T03:00:00.000Z' };
}
