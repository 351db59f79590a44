/**
 * The chaos suite in small, in `npm test`: real scheduler, worker and API
 * processes on their own database and Redis index, 2 runs of a 20-task
 * layered shell DAG with a worker killed mid-task, a scheduler killed and a
 * FLUSHDB of Sluice's Redis database. Every invariant figure must be 0.
 */
import { afterAll, expect, it } from 'vitest';
import { Cleanup } from '@sluice/bench';
import { formatReport, runSuite } from './suite';

const cleanup = new Cleanup();
afterAll(() => cleanup.run(), 60_000);

it('survives a worker kill, a scheduler kill and a FLUSHDB with every invariant figure 0', async () => {
  const lines: string[] = [];
  const results = await runSuite(cleanup, {
    runs: 2,
    // 10 layers: the runs outlast the wait for a task to kill mid-run on a fast machine too.
    tasks: 20,
    workers: 2,
    workerConcurrency: 4,
    schedulers: 1,
    kills: 1,
    schedulerKill: true,
    redisFlush: true,
    postgresOutageMs: 0,
    aws: false,
    baseline: false,
    settleMs: 60_000,
    // The worker kill first: its try is retried only after the heartbeat
    // timeout, so the runs are still going when the FLUSHDB and the
    // scheduler kill come.
    plan: ['worker-kill', 'redis-flush', 'scheduler-kill'],
    gapMs: 200,
    command: 'vitest packages/chaos/src/chaos.test.ts',
    log: (line) => lines.push(line),
  });
  const report = `${formatReport(results)}\n${lines.join('\n')}\n${JSON.stringify({ stuck: results.stuckTasks, open: results.openTries, deaths: results.deaths, ledger: results.ledger.examples })}`;
  expect(
    results.chaos.faults
      .filter((f) => f.injected)
      .map((f) => f.kind)
      .sort(),
    report,
  ).toEqual(['redis-flush', 'scheduler-kill', 'worker-kill']);
  expect({ success: results.chaos.success, failed: results.chaos.failed, stuck: results.chaos.stuck }, report).toEqual({
    success: 2,
    failed: 0,
    stuck: 0,
  });
  expect(
    results.invariants.filter((i) => i.value !== 0),
    report,
  ).toEqual([]);
}, 150_000);
