/**
 * Runs single tries the way a worker does — the same operators, `fn` tasks
 * in the same child processes with the same minimal environment, templates,
 * EMR/Glue start-poll-cancel — but for `sluice tasks test` / `dags test`:
 * no database, no Redis, no claim. A deferred try is checked again in this
 * process; what it recorded about its external job is kept in memory.
 */
import { NonRetryableError, type TaskSpec, toError } from '@sluice/core';
import type { ClaimedTry } from '@sluice/db';
import { type CachedDagVersion, type ExecutionRequest, type LogStream, nextCheckDelayMs } from '@sluice/engine';
import { type AwsSettings, externalOperators } from '@sluice/operators';
import type { RunContext } from '@sluice/core';
import pino from 'pino';
import { VariableNotFoundError } from '@sluice/sdk';
import { TaskAws } from './aws-settings';
import { DAG_RUN_SENSOR, TRIGGER_DAG } from './cross-dag';
import { contextEnv, createExecutor } from './executor';
import { FnPool } from './fn-pool';

export interface LocalTryInput {
  version: CachedDagVersion;
  task: TaskSpec;
  run: RunContext;
  upstreamOutputs: ReadonlyMap<string, unknown>;
  /** Aborted at the task's executionTimeout: the task's processes are killed, its external job cancelled. */
  signal: AbortSignal;
  log(stream: LogStream, text: string): void;
  /** A mapped task's instance: its item (its index is `run.mapIndex`). */
  item?: unknown;
}

export interface LocalRunnerOptions {
  /**
   * AWS settings for EMR and Glue tasks before their own `aws` options apply:
   * the emulator's endpoint, or nothing for the SDK's default chain. Named
   * connections live in the database, so a task naming one fails here.
   */
  aws?: AwsSettings;
  /** Bounds of the wait between checks of an external job (default 1 s … 10 s). */
  checkMinMs?: number;
  checkMaxMs?: number;
  /**
   * Values of `ctx.variable(name)` and shell `{ variable }` env values, by
   * name: variables live in Sluice's database, so a local run takes them from
   * here (the CLI fills it from `SLUICE_VAR_<NAME>`, as Airflow reads
   * `AIRFLOW_VAR_<NAME>`).
   */
  variables?: Readonly<Record<string, string>>;
}

export interface LocalRunner {
  /** Runs one try to its end; returns its output, throws what failed it. */
  runTry(input: LocalTryInput): Promise<unknown>;
  close(): void;
}

type Recorded = { tryNumber: number; external: unknown; cancelRequested: boolean };

/** A local run has no database: the cross-DAG operators, which read and create runs there, cannot run. */
function crossDagLocally(req: ExecutionRequest): Error {
  return new NonRetryableError(
    `${req.task.operator.kind} reads and creates runs in Sluice's database; a local run cannot run it (trigger the DAG instead)`,
  );
}

export function createLocalRunner(options: LocalRunnerOptions = {}): LocalRunner {
  const logger = pino({ level: 'warn' });
  const readVariable = async (_req: ExecutionRequest, name: string): Promise<string | null> =>
    options.variables?.[name] ?? null;
  const fnPool = new FnPool({ warm: 0, logger, taskEnv: contextEnv, readVariable });
  const executor = createExecutor({
    runFunction: (req) => fnPool.run(req),
    shellEnv: async (req, shellOptions) => {
      if (shellOptions.connection !== undefined)
        throw new NonRetryableError(
          `task uses connection "${shellOptions.connection}", which lives in Sluice's database; a local run takes AWS_* variables from this shell instead`,
        );
      const env: Record<string, string> = {};
      for (const [name, v] of Object.entries(shellOptions.env)) {
        const value = typeof v === 'string' ? v : await readVariable(req, v.variable);
        if (value === null) throw new VariableNotFoundError(typeof v === 'string' ? v : v.variable);
        env[name] = value;
      }
      return env;
    },
    crossDag: {
      handles: (kind) => kind === TRIGGER_DAG || kind === DAG_RUN_SENSOR,
      execute: (req) => Promise.reject(crossDagLocally(req)),
      check: (req) => Promise.reject(crossDagLocally(req)),
    },
    operators: externalOperators,
    resolveAws: async (taskOptions) => {
      const parsed = TaskAws.safeParse(taskOptions);
      if (!parsed.success)
        throw new NonRetryableError(`Invalid aws options: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
      const { connection, aws } = parsed.data;
      if (connection !== undefined)
        throw new NonRetryableError(
          `task uses connection "${connection}", which lives in Sluice's database; a local run ` +
            'uses the aws option or AWS_* variables instead',
        );
      const settings: AwsSettings = { ...options.aws };
      if (aws?.region) settings.region = aws.region;
      if (aws?.endpoint) settings.endpoint = aws.endpoint;
      if (aws?.roleArn) settings.roleArn = aws.roleArn;
      return settings;
    },
  });
  const settings = { deferCheckMinMs: options.checkMinMs ?? 1_000, deferCheckMaxMs: options.checkMaxMs ?? 10_000 };
  const tries = new Map<string, Recorded[]>();

  const runTry = async (input: LocalTryInput): Promise<unknown> => {
    const { run, task, signal } = input;
    const startedAt = new Date();
    // Each instance of a mapped task keeps its own tries (and its own external job).
    const key = (run.mapIndex ?? -1) >= 0 ? `${task.taskId}[${run.mapIndex}]` : task.taskId;
    const recorded = tries.get(key) ?? [];
    tries.set(key, recorded);
    const claim: ClaimedTry = {
      taskInstanceId: `local:${run.runId}:${task.taskId}`,
      dagRunId: `local:${run.runId}`,
      dagId: run.dagId,
      taskId: task.taskId,
      tryNumber: run.tryNumber,
      maxTries: run.maxTries,
      operator: task.operator.kind,
      mapIndex: run.mapIndex ?? -1,
      mapItem: input.item ?? null,
      startedAt,
      runId: run.runId,
      logicalDate: run.logicalDate,
      dataIntervalStart: run.dataInterval.start,
      dataIntervalEnd: run.dataInterval.end,
      conf: run.conf,
      dagVersionId: input.version.versionId,
      runType: 'manual',
    };
    const req: ExecutionRequest = {
      claim,
      task,
      version: input.version,
      signal,
      log: input.log,
      upstreamOutputs: input.upstreamOutputs,
      triggeringEvents: [],
      // The log goes to the terminal of the person who gave the values: nothing to hide from them.
      maskSecret: () => undefined,
      externals: async () => [...recorded].reverse(),
      recordExternal: async (external) => {
        const mine = recorded.find((r) => r.tryNumber === run.tryNumber);
        if (mine) mine.external = external;
        else recorded.push({ tryNumber: run.tryNumber, external, cancelRequested: false });
      },
    };
    input.log('system', `try ${run.tryNumber} of ${run.maxTries} in this process tree\n`);
    try {
      let result = await executor.execute(req);
      while (result.defer) {
        if (result.external !== undefined) await req.recordExternal(result.external);
        await sleep(result.checkAfterMs ?? nextCheckDelayMs(Date.now() - startedAt.getTime(), settings), signal);
        result = await executor.check(req);
      }
      return result.output;
    } catch (raw) {
      const err = toError(signal.aborted && signal.reason instanceof Error ? signal.reason : raw);
      const mine = recorded.find((r) => r.tryNumber === run.tryNumber);
      if (signal.aborted && mine) await cancelExternal(input, claim, mine);
      throw err;
    }
  };

  const cancelExternal = async (input: LocalTryInput, claim: ClaimedTry, mine: Recorded): Promise<void> => {
    mine.cancelRequested = true;
    for (let attempt = 1; attempt <= 5; attempt++) {
      const outcome = await executor
        .cancel({
          taskInstanceId: claim.taskInstanceId,
          tryNumber: claim.tryNumber,
          task: input.task,
          version: input.version,
          run: claim,
          external: mine.external,
          log: (line) => input.log('system', `${line}\n`),
        })
        .catch((raw: unknown) => {
          input.log('system', `could not cancel the external job yet: ${toError(raw).message}\n`);
          return { ended: false };
        });
      if (outcome.ended) return;
      await sleep(1_000 * attempt);
    }
    input.log('system', 'the external job may still be running: stop it by hand\n');
  };

  return { runTry, close: () => fnPool.close() };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
