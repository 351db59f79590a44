/**
 * Runs a `fn` task: imports its DAG version's bundle (once per version per
 * process), finds the task's function and calls it with a TaskContext
 * holding the run's facts and the upstream outputs.
 */
import { NonRetryableError } from '@sluice/core';
import { importDagBundle } from '@sluice/dag-loader';
import { createTaskContext } from '@sluice/sdk';
import type { ExecutionRequest } from '@sluice/engine';

export async function runFunction(req: ExecutionRequest): Promise<unknown> {
  const { claim, task, version } = req;
  const mod = await importDagBundle(version.bundle, version.hash);
  const fn = mod.getTaskFunction(claim.dagId, claim.taskId);
  if (!fn) throw new NonRetryableError(`DAG "${claim.dagId}" version ${version.hash.slice(0, 12)} has no function for task "${claim.taskId}"`);
  const ctx = createTaskContext({
    run: {
      dagId: claim.dagId,
      runId: claim.runId,
      taskId: claim.taskId,
      logicalDate: claim.logicalDate,
      dataInterval: { start: claim.dataIntervalStart, end: claim.dataIntervalEnd },
      conf: claim.conf,
      tryNumber: claim.tryNumber,
      maxTries: claim.maxTries,
    },
    upstream: task.upstream,
    outputs: req.upstreamOutputs,
    writeLog: (line) => req.log('stdout', `${line}\n`),
    signal: req.signal,
  });
  return fn(ctx);
}
