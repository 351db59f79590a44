/** 2. Throughput: many runs of a DAG of independent no-op tasks at once. */
import { cpuByKind, cpuPerUnitUs, type CpuKind } from '../cpu';
import { spread, type Spread } from '../stats';
import { markFailed, runsWindow, trigger, waitForRuns } from '../sluice-runs';
import type { Stack } from '../stack';

export interface ThroughputRep {
  ms: number;
  taskInstances: number;
  tiPerSec: number;
}

export interface ThroughputResult {
  workers: number;
  workerConcurrency: number;
  runs: number;
  tasksPerRun: number;
  /** The first rep, run the same way and not counted. */
  warmup: ThroughputRep;
  reps: ThroughputRep[];
  tiPerSec: Spread;
  /**
   * CPU time per task instance over the measured reps, by process kind
   * (Sluice's processes, Postgres' backends, Redis, the benchmark itself):
   * where each task instance's cost goes on a machine that is CPU-bound.
   */
  cpuPerTiUs: Partial<Record<CpuKind, number>>;
}

export async function measureThroughput(
  stack: Stack,
  opts: { dagId: string; workers: number; runs: number; tasksPerRun: number; reps: number; timeoutMs: number },
): Promise<ThroughputResult> {
  if (stack.workers.length !== opts.workers) await stack.setWorkers(opts.workers);
  const tag = `w${opts.workers}`;
  const rep = async (label: string): Promise<ThroughputRep> => {
    const runIds = Array.from({ length: opts.runs }, (_, k) => `tp-${tag}-${label}-${String(k).padStart(3, '0')}`);
    // All at once, as a burst of API calls: creating the runs is part of the work measured.
    await Promise.all(runIds.map((id) => trigger(stack, opts.dagId, id)));
    const outcome = await waitForRuns(stack, opts.dagId, runIds, opts.timeoutMs);
    if (!outcome.finished) {
      await Promise.all(runIds.map((id) => markFailed(stack, opts.dagId, id)));
      throw new Error(
        `${opts.runs} runs with ${opts.workers} workers did not end within ${opts.timeoutMs} ms: ${JSON.stringify(outcome)}`,
      );
    }
    const expected = opts.runs * opts.tasksPerRun;
    if (outcome.succeeded !== expected)
      throw new Error(`expected ${expected} task instances to succeed, ${outcome.succeeded} did`);
    const w = await runsWindow(stack, opts.dagId, runIds);
    return { ms: w.ms, taskInstances: w.taskInstances, tiPerSec: (w.taskInstances / w.ms) * 1000 };
  };
  // A whole rep first, not counted, as for the peer: the first burst meets
  // cold processes and a table that outgrows its plans.
  const warmup = await rep('warmup');
  const reps: ThroughputRep[] = [];
  const cpuBefore = await cpuByKind();
  for (let i = 0; i < opts.reps; i++) reps.push(await rep(`r${i + 1}`));
  const cpuAfter = await cpuByKind();
  return {
    cpuPerTiUs: cpuPerUnitUs(
      cpuBefore,
      cpuAfter,
      reps.reduce((n, r) => n + r.taskInstances, 0),
    ),
    workers: opts.workers,
    workerConcurrency: stack.workerConcurrency,
    runs: opts.runs,
    tasksPerRun: opts.tasksPerRun,
    warmup,
    reps,
    tiPerSec: spread(reps.map((r) => r.tiPerSec)),
  };
}
