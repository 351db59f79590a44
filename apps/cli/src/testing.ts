/**
 * Test support: a fake SluiceClient that records every call, contract-shaped
 * fixtures, and `runWith` to drive the CLI with captured output.
 */
import type {
  Connection,
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
    versionHash: 'abc123',
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
    nextRunAt: '2026-11-23T00:00:00.000Z',
    recentRuns: [lastRun],
    taskCount: 3,
    tasks: [
      { taskId: 'extract', operator: 'shell', upstream: [], triggerRule: 'all_success', retries: 0 },
      { taskId: 'load', operator: 'emr', upstream: ['extract'], triggerRule: 'all_success', retries: 2 },
    ],
    ...extra,
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
        offset: 0,
      };
    },
    triggerRun: async () => runDetail('queued'),
    getRun: async () => runDetail('running'),
    setRunState: async (_dagId, _runId, state) => runDetail(state),
    getGrid: async () => ({ dagId: 'etl', tasks: [], runs: [] }),
    getTaskInstance: async () => taskDetail(),
    getLogs: async () => logPage(1, [1, 2], true),
    clearTask: async (_d, _r, taskId, opts) => ({ cleared: opts?.downstream ? [taskId, 'report'] : [taskId] }),
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
  };
  const impl: SluiceClient = { ...base, ...overrides };
  const rec = <T>(method: keyof SluiceClient, args: unknown[], result: Promise<T>): Promise<T> => {
    calls.push({ method, args });
    return result;
  };
  const client: SluiceClient = {
    health: (...a) => rec('health', a, impl.health(...a)),
    listDags: (...a) => rec('listDags', a, impl.listDags(...a)),
    getDag: (...a) => rec('getDag', a, impl.getDag(...a)),
    setPaused: (...a) => rec('setPaused', a, impl.setPaused(...a)),
    listRuns: (...a) => rec('listRuns', a, impl.listRuns(...a)),
    triggerRun: (...a) => rec('triggerRun', a, impl.triggerRun(...a)),
    getRun: (...a) => rec('getRun', a, impl.getRun(...a)),
    setRunState: (...a) => rec('setRunState', a, impl.setRunState(...a)),
    getGrid: (...a) => rec('getGrid', a, impl.getGrid(...a)),
    getTaskInstance: (...a) => rec('getTaskInstance', a, impl.getTaskInstance(...a)),
    getLogs: (...a) => rec('getLogs', a, impl.getLogs(...a)),
    clearTask: (...a) => rec('clearTask', a, impl.clearTask(...a)),
    setTaskState: (...a) => rec('setTaskState', a, impl.setTaskState(...a)),
    listImportErrors: (...a) => rec('listImportErrors', a, impl.listImportErrors(...a)),
    listConnections: (...a) => rec('listConnections', a, impl.listConnections(...a)),
    putConnection: (...a) => rec('putConnection', a, impl.putConnection(...a)),
    deleteConnection: (...a) => rec('deleteConnection', a, impl.deleteConnection(...a)),
  };
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
    cleanDb: notWired('cleanDb'),
    start: notWired('start'),
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
