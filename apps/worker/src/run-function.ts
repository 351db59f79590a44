/**
 * Runs a `fn` task inside a task process (fn-child.ts): imports its DAG
 * version's bundle (once per version per process), finds the task's function
 * and calls it with a TaskContext holding the run's facts, the upstream
 * outputs and, in an asset-triggered run, the events that made it.
 */
import { NonRetryableError } from '@sluice/core';
import { importDagBundle, type DagModule } from '@sluice/dag-loader';
import {
  createTaskContext,
  formatLogArgs,
  withOutletEvents,
  type AssetMetadata,
  type CallbackContext,
} from '@sluice/sdk';
import type { CallbackCall, RunTaskMessage } from './fn-protocol';

/** Calls a callback function of the DAG file with its context; what it returns is dropped. */
async function runCallback(
  mod: DagModule,
  msg: RunTaskMessage,
  call: CallbackCall,
  writeLog: (line: string) => void,
): Promise<undefined> {
  const f = mod.getCallback(msg.run.dagId, call.taskId, call.event, call.position);
  const where = call.taskId === null ? `DAG "${msg.run.dagId}"` : `task "${call.taskId}"`;
  if (!f)
    throw new NonRetryableError(
      `${where} version ${msg.hash.slice(0, 12)} has no ${call.event} function at position ${call.position}`,
    );
  const c = call.context;
  const ctx: CallbackContext = {
    event: c.event,
    dag: c.dag,
    run: {
      runId: c.run.runId,
      logicalDate: new Date(c.run.logicalDate),
      dataInterval: { start: new Date(c.run.dataIntervalStart), end: new Date(c.run.dataIntervalEnd) },
      conf: c.run.conf,
      state: c.run.state,
      deadlineAt: c.run.deadlineAt === null ? null : new Date(c.run.deadlineAt),
    },
    task: c.task,
    error: c.error,
    url: c.url,
    logUrl: c.logUrl,
    log: (...args: unknown[]) => writeLog(formatLogArgs(args)),
  };
  await f(ctx);
  return undefined;
}

export async function runFunction(
  msg: RunTaskMessage,
  bundle: string,
  writeLog: (line: string) => void,
  readVariable: (name: string) => Promise<string>,
  signal: AbortSignal,
  onImported: () => void,
): Promise<unknown> {
  const { run } = msg;
  const mod = await importDagBundle(bundle, msg.hash);
  onImported();
  if (msg.callback) return runCallback(mod, msg, msg.callback, writeLog);
  const fn = mod.getTaskFunction(run.dagId, run.taskId);
  if (!fn)
    throw new NonRetryableError(
      `DAG "${run.dagId}" version ${msg.hash.slice(0, 12)} has no function for task "${run.taskId}"`,
    );
  const outletEvents = new Map<string, AssetMetadata>();
  const ctx = createTaskContext({
    run: {
      dagId: run.dagId,
      runId: run.runId,
      taskId: run.taskId,
      logicalDate: new Date(run.logicalDate),
      dataInterval: { start: new Date(run.dataIntervalStart), end: new Date(run.dataIntervalEnd) },
      conf: run.conf,
      tryNumber: run.tryNumber,
      maxTries: run.maxTries,
      ...(run.mapIndex === undefined ? {} : { mapIndex: run.mapIndex }),
    },
    ...(run.mapIndex === undefined ? {} : { item: run.item }),
    upstream: msg.upstream,
    outputs: new Map(msg.outputs),
    writeLog,
    readVariable,
    signal,
    outlets: msg.outlets ?? [],
    recordOutletEvent: (uri, extra) => outletEvents.set(uri, extra),
    triggeringEvents: msg.triggeringEvents ?? [],
  });
  // The events it gave travel back with its return value; the worker's executor takes them apart (outletEventsOf).
  return withOutletEvents(await fn(ctx), outletEvents);
}
