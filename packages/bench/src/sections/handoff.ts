/** 1. Handoff: in a chain of no-op tasks, from an upstream's end to its downstream's start. */
import { chainGaps, latencySummary, spread, type LatencySummary, type Spread } from '../stats';
import { taskTimes, trigger, waitForRuns } from '../sluice-runs';
import type { Stack } from '../stack';

export interface HandoffResult {
  chainLength: number;
  workers: number;
  reps: LatencySummary[];
  p50: Spread;
  p95: Spread;
  p99: Spread;
}

export async function measureHandoff(
  stack: Stack,
  opts: { dagId: string; chainLength: number; reps: number; timeoutMs: number },
): Promise<HandoffResult> {
  // Warm-up: every worker imports the DAG version once.
  await trigger(stack, opts.dagId, 'handoff-warmup');
  await waitForRuns(stack, opts.dagId, ['handoff-warmup'], opts.timeoutMs);
  const reps: LatencySummary[] = [];
  for (let i = 0; i < opts.reps; i++) {
    const runId = `handoff-${i + 1}`;
    await trigger(stack, opts.dagId, runId);
    const outcome = await waitForRuns(stack, opts.dagId, [runId], opts.timeoutMs);
    if (!outcome.finished || outcome.states['success'] !== 1) {
      throw new Error(`chain run ${runId} did not succeed within ${opts.timeoutMs} ms: ${JSON.stringify(outcome)}`);
    }
    const gaps = chainGaps(await taskTimes(stack, opts.dagId, runId));
    reps.push(latencySummary(gaps));
  }
  return {
    chainLength: opts.chainLength,
    workers: stack.workers.length,
    reps,
    p50: spread(reps.map((r) => r.p50)),
    p95: spread(reps.map((r) => r.p95)),
    p99: spread(reps.map((r) => r.p99)),
  };
}
