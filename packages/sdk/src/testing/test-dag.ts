/**
 * `testDag(dag)`: runs a DAG in the test's own process, for vitest or jest.
 * `fn` tasks run their function with the context a worker would give it;
 * a task of another kind (shell, EMR, Glue) needs a stub — its output, or a
 * function returning it — or a `runTask` that runs it (`sluice dags test`
 * runs every kind with the worker's own operators). Outputs come back typed:
 * `result.output(extract)` has the type `extract` returns.
 */
import { InvalidOptionsError, NonRetryableError, SkipTaskError, type AssetEventData } from '@sluice/core';
import { isPlainObject } from '../check';
import { type CompiledSensor, compileSensor, pokeOf } from '../sensor';
import { type AnyTaskRef, type OutputOf, type TaskContext, VariableNotFoundError, createTaskContext } from '../context';
import type { Dag } from '../dag';
import { type LocalRunResult, type LocalTaskResult, type LocalTry, localLogicalDate, runDagLocally } from './run-dag';

/** Stands in for a task: its output, or a function of the task's context returning it. */
export type TaskStub = { output: unknown } | { run: (ctx: TaskContext<AnyTaskRef>) => unknown };

export interface TestDagOptions {
  /** ISO instant or Date (default: the start of the DAG's latest complete interval, or now). */
  logicalDate?: string | Date;
  conf?: Record<string, unknown>;
  /** Tasks to replace, by task id. */
  stubs?: Record<string, TaskStub>;
  /** Runs tasks that are neither stubbed nor `fn` (default: fail them, naming the task). */
  runTask?(attempt: LocalTry, log: (line: string) => void): Promise<unknown>;
  /** Wait out retry delays (default false: retries follow at once). */
  realRetryDelays?: boolean;
  /** Values `ctx.variable(name)` returns; a name not here fails as a missing variable does on a worker. */
  variables?: Record<string, string>;
  /** The asset events the run is triggered by (`ctx.triggeringEvents`), as if posted by `testDag`. */
  triggeringEvents?: ReadonlyArray<{ uri: string; extra?: Record<string, unknown> }>;
}

export interface DagTestResult extends LocalRunResult {
  /** Each task's result by id. */
  task(ref: AnyTaskRef | string): LocalTaskResult;
  /** A task's output, typed by its ref; throws when the task recorded none. */
  output<R extends AnyTaskRef>(ref: R): OutputOf<R>;
  /** Lines each task logged (ctx.log), by task id. */
  logs: ReadonlyMap<string, readonly string[]>;
  /** The metadata each task's last try gave its outlets (`ctx.outletEvent`), by task id, then asset URI. */
  outletEvents: ReadonlyMap<string, ReadonlyMap<string, Record<string, unknown>>>;
}

/** Thrown by `testDag` for a task it cannot run in this process. */
export class UnrunnableTaskError extends Error {
  override readonly name = 'UnrunnableTaskError';
}

export async function testDag(dag: Dag, options: TestDagOptions = {}): Promise<DagTestResult> {
  const spec = dag.toSpec();
  const stubs = options.stubs ?? {};
  for (const id of Object.keys(stubs)) {
    if (!spec.tasks.some((t) => t.taskId === id))
      throw new InvalidOptionsError(`testDag option stubs names unknown task "${id}" of DAG "${dag.dagId}"`);
  }
  const logs = new Map<string, string[]>();
  const outletEvents = new Map<string, Map<string, Record<string, unknown>>>();
  const createdAt = new Date().toISOString();
  const triggeringEvents: AssetEventData[] = (options.triggeringEvents ?? []).map((e, i) => ({
    id: `test-event-${i + 1}`,
    uri: e.uri,
    extra: e.extra ?? {},
    source: { kind: 'external', actor: 'testDag' },
    createdAt,
  }));
  const runOne = async (attempt: LocalTry): Promise<unknown> => {
    const { task, run } = attempt;
    const lines = logs.get(task.taskId) ?? [];
    logs.set(task.taskId, lines);
    const writeLog = (line: string): void => {
      lines.push(line);
    };
    const given = new Map<string, Record<string, unknown>>();
    outletEvents.set(task.taskId, given);
    const ctx = createTaskContext({
      run,
      ...(attempt.item === undefined ? {} : { item: attempt.item }),
      upstream: task.upstream,
      outlets: task.outlets ?? [],
      recordOutletEvent: (uri, extra) => given.set(uri, extra),
      triggeringEvents,
      outputs: attempt.upstreamOutputs,
      writeLog,
      readVariable: async (name) => {
        const value = options.variables?.[name];
        if (value === undefined) throw new VariableNotFoundError(name);
        return value;
      },
      signal: attempt.signal,
    });
    const stub = stubs[task.taskId];
    if (stub) return 'output' in stub ? stub.output : stub.run(ctx);
    const fn = dag.getTaskFunction(task.taskId);
    if (fn) return roundTrip(await untilNotPoked(() => fn(ctx), task.operator.options['sensor']));
    if (options.runTask) return options.runTask(attempt, writeLog);
    throw new UnrunnableTaskError(
      `task "${task.taskId}" is a ${task.operator.kind} task: testDag runs fn tasks in this process; ` +
        `give it a stub (stubs: { ${task.taskId}: { output: … } }) or run it with \`sluice dags test\``,
    );
  };
  const result = await runDagLocally({
    spec,
    logicalDate: localLogicalDate(spec, options.logicalDate, 'testDag option logicalDate'),
    conf: options.conf ?? {},
    runTask: runOne,
    ...(options.realRetryDelays ? {} : { wait: () => Promise.resolve() }),
  });
  const byId = new Map(result.tasks.map((t) => [t.taskId, t]));
  const task = (ref: AnyTaskRef | string): LocalTaskResult => {
    const id = typeof ref === 'string' ? ref : ref.taskId;
    const found = byId.get(id);
    if (!found) throw new Error(`DAG "${dag.dagId}" has no task "${id}"`);
    return found;
  };
  return {
    ...result,
    logs,
    outletEvents,
    task,
    output<R extends AnyTaskRef>(ref: R): OutputOf<R> {
      const t = task(ref);
      if (!t.hasOutput) {
        const why = t.error ? `: ${t.error.message}` : t.reason ? `: ${t.reason}` : '';
        throw new Error(`task "${t.taskId}" recorded no output (it ended ${t.state}${why})`);
      }
      return t.output as OutputOf<R>;
    },
  };
}

/** Outputs are stored as JSON: a downstream task sees what JSON keeps of a value, here as on a worker. */
function roundTrip(value: unknown): unknown {
  if (value === undefined) return undefined;
  const json = JSON.stringify(value);
  return json === undefined ? undefined : JSON.parse(json);
}

/**
 * Calls a poking function again at once until it returns an output, counting
 * each poke's wait against the sensor's timeout as the worker would: a test
 * of a sensor takes no real time.
 */
async function untilNotPoked(call: () => unknown, stored: unknown): Promise<unknown> {
  const sensor = isPlainObject(stored) ? (stored as unknown as CompiledSensor) : compileSensor({}, (o) => o);
  let waitedMs = 0;
  for (;;) {
    const value = await call();
    const poke = pokeOf(value);
    if (poke === undefined) return value;
    waitedMs += poke.againMs ?? sensor.pokeIntervalMs;
    if (waitedMs >= sensor.timeoutMs) {
      const message = `Sensor timed out after ${sensor.timeoutMs} ms without its condition being met`;
      throw sensor.mode === 'skip' ? new SkipTaskError(message) : new NonRetryableError(message);
    }
  }
}
