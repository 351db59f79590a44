/**
 * Runs a `fn` task inside a task process (fn-child.ts): imports its DAG
 * version's bundle (once per version per process), finds the task's function
 * and calls it with a TaskContext holding the run's facts and the upstream
 * outputs.
 */
import { NonRetryableError } from '@sluice/core';
import { importDagBundle } from '@sluice/dag-loader';
import { createTaskContext } from '@sluice/sdk';
import type { RunTaskMessage } from './fn-protocol';

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
  const fn = mod.getTaskFunction(run.dagId, run.taskId);
  if (!fn)
    throw new NonRetryableError(
      `DAG "${run.dagId}" version ${msg.hash.slice(0, 12)} has no function for task "${run.taskId}"`,
    );
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
    },
    upstream: msg.upstream,
    outputs: new Map(msg.outputs),
    writeLog,
    readVariable,
    signal,
  });
  return fn(ctx);
}
