/** 4. Scale: one run of a large fan-out/fan-in DAG; time per task and peak memory. */
import { sampleMemory, readMemory } from '../processes';
import { markFailed, trigger, waitForRuns } from '../sluice-runs';
import type { Stack } from '../stack';

export interface ScaleRun {
  tasks: number;
  finished: boolean;
  /** Task instances that succeeded (all of them when finished). */
  succeeded: number;
  /** From the run being queued to it ending (or to the deadline). */
  totalMs: number;
  /** totalMs ÷ tasks in the DAG. */
  perTaskMs: number;
  /** totalMs ÷ tasks that succeeded: for an unfinished run, a lower bound of the time per task. */
  perSucceededTaskMs: number;
  schedulerPeakRssMb: number | null;
  workerPeakRssMb: number | null;
  /** VmHWM of the scheduler over its whole life, including parsing every DAG. */
  schedulerLifetimePeakRssMb: number | null;
}

export async function measureScaleRun(
  stack: Stack,
  opts: { dagId: string; tasks: number; timeoutMs: number },
): Promise<ScaleRun> {
  const runId = 'scale-1';
  const pids: Record<string, number> = { scheduler: stack.scheduler.pid };
  stack.workers.forEach((w, i) => {
    pids[`worker${i}`] = w.pid;
  });
  const sampler = sampleMemory(pids);
  await trigger(stack, opts.dagId, runId);
  const outcome = await waitForRuns(stack, opts.dagId, [runId], opts.timeoutMs);
  const peaks = await sampler.stop();
  if (!outcome.finished) await markFailed(stack, opts.dagId, runId);
  const r = await stack.db.pool.query<{ ms: number }>(
    `SELECT (extract(epoch FROM coalesce(ended_at, now()) - queued_at) * 1000)::float8 AS ms FROM dag_run WHERE dag_id = $1 AND run_id = $2`,
    [opts.dagId, runId],
  );
  const totalMs = r.rows[0]?.ms ?? Number.NaN;
  const workerPeaks = Object.entries(peaks)
    .filter(([k]) => k.startsWith('worker'))
    .map(([, v]) => v);
  return {
    tasks: opts.tasks,
    finished: outcome.finished && outcome.states['success'] === 1,
    succeeded: outcome.succeeded,
    totalMs,
    perTaskMs: totalMs / opts.tasks,
    perSucceededTaskMs: totalMs / Math.max(1, outcome.succeeded),
    schedulerPeakRssMb: peaks['scheduler'] ?? null,
    workerPeakRssMb: workerPeaks.length > 0 ? Math.max(...workerPeaks) : null,
    schedulerLifetimePeakRssMb: (await readMemory(stack.scheduler.pid))?.peakRssMb ?? null,
  };
}
