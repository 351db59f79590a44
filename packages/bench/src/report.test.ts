import { describe, expect, it } from 'vitest';
import { type BenchResults, formatReport, headline, targetChecks } from './report';
import { spread } from './stats';
import type { ScaleRun } from './sections/scale';

const scaleRun = (tasks: number, finished: boolean, succeeded: number, totalMs: number): ScaleRun => ({
  tasks,
  finished,
  succeeded,
  totalMs,
  perTaskMs: totalMs / tasks,
  perSucceededTaskMs: totalMs / succeeded,
  schedulerPeakRssMb: null,
  workerPeakRssMb: null,
  schedulerLifetimePeakRssMb: null,
});

const throughput = (workers: number, median: number) => ({
  workers,
  workerConcurrency: 10,
  cpuPerTiUs: {},
  warmup: { ms: 1, taskInstances: 1, tiPerSec: 1000 },
  runs: 1,
  tasksPerRun: 1,
  reps: [],
  tiPerSec: spread([median]),
});

describe('headline', () => {
  it('divides Sluice with 2 workers by BullMQ, and Sluice hop p50 by the BullMQ hop p50', () => {
    const h = headline({
      handoff: { chainLength: 200, workers: 2, reps: [], p50: spread([14]), p95: spread([23]), p99: spread([34]) },
      throughput: [throughput(1, 400), throughput(2, 300)],
      bullmq: {
        throughput: {
          jobs: 5000,
          concurrency: 10,
          warmup: { ms: 1, jobsPerSec: 1000 },
          reps: [],
          jobsPerSec: spread([3000]),
        },
        flow: { chainLength: 200, reps: [], p50: spread([0.7]), p95: spread([2]), p99: spread([4]) },
      },
      scale: [],
    });
    expect(h.throughputRatio).toBe(0.1);
    expect(h.hopRatio).toBeCloseTo(20);
  });

  it('states the scale growth when both runs finished, and only a lower bound when the large one did not', () => {
    const base = { throughput: [], bullmq: {} };
    const both = headline({
      ...base,
      scale: [scaleRun(1000, true, 1000, 10_000), scaleRun(10_000, true, 10_000, 120_000)],
    });
    expect(both.scalePerTaskGrowth).toBeCloseTo(1.2);
    expect(both.scalePerTaskGrowthAtLeast).toBeNull();

    const cut = headline({
      ...base,
      scale: [scaleRun(1000, true, 1000, 18_762), scaleRun(10_000, false, 3217, 602_366)],
    });
    expect(cut.scalePerTaskGrowth).toBeNull();
    expect(cut.scalePerTaskGrowthAtLeast).toBeCloseTo(602_366 / 3217 / 18.762);
  });
});

describe('the CLI figures', () => {
  const results = (helpMs: number[]): Omit<BenchResults, 'checks' | 'guard' | 'durationS'> => ({
    mode: 'quick',
    startedAt: '2026-12-06T09:00:00.000Z',
    machine: {
      cores: 2,
      cpuModel: 'test',
      memoryGb: 8,
      os: 'linux',
      node: 'v20',
      redis: '7',
      postgres: '15',
      loadAverage1m: 0,
    },
    setup: {},
    throughput: [],
    bullmq: {},
    scale: [],
    grid: [],
    cli: { runs: helpMs.length, helpMs: spread(helpMs), dagsListMs: spread([310, 290, 350]) },
    headline: headline({ throughput: [], bullmq: {}, scale: [] }),
    errors: {},
  });

  it('checks the median `sluice --help` against its 300 ms target', () => {
    const check = (helpMs: number[]) => targetChecks(results(helpMs)).find((c) => c.figure === 'sluice --help (ms)');
    expect(check([120, 150, 900])).toMatchObject({ value: 150, met: true });
    expect(check([280, 300, 310])).toMatchObject({ value: 300, met: false });
  });

  it('prints the median, min and max of both commands', () => {
    const r = results([120, 150, 900]);
    const text = formatReport({ ...r, durationS: 1, checks: targetChecks(r) });
    expect(text).toMatch(/sluice --help, a new process each \(ms\)\s+150\s+120\s+900/);
    expect(text).toMatch(/sluice dags list against the API \(ms\)\s+310\s+290\s+350/);
  });
});

describe('the mapping figures', () => {
  const fanout = (totals: number[]) => ({
    runs: totals.map((totalMs) => ({ totalMs, fanOutMs: 50, wideMs: totalMs - 100, collectMs: 50 })),
    totalMs: spread(totals),
    perInstanceMs: spread(totals.map((t) => t / 1000)),
    fanOutMs: spread(totals.map(() => 50)),
    collectMs: spread(totals.map(() => 50)),
  });
  const results = (staticMs: number[], mappedMs: number[], gridP50: number) => {
    const grid = {
      path: '/api/v1/dags/m/grid?limit=25',
      runs: 1,
      tasks: 3,
      requestsPerRep: 15,
      reps: [],
      p50: spread([gridP50]),
      p95: spread([gridP50 * 2]),
      instances: 10_000,
      runFinished: true,
      runMs: 41_500,
    };
    const r: Omit<BenchResults, 'checks' | 'guard' | 'durationS'> = {
      mode: 'full',
      startedAt: '2026-12-06T09:00:00.000Z',
      machine: {
        cores: 2,
        cpuModel: 'test',
        memoryGb: 8,
        os: 'linux',
        node: 'v20',
        redis: '7',
        postgres: '15',
        loadAverage1m: 0,
      },
      setup: {},
      throughput: [],
      bullmq: {},
      scale: [],
      grid: [],
      mapping: {
        width: 1000,
        reps: 3,
        static: fanout(staticMs),
        mapped: fanout(mappedMs),
        ratio: (mappedMs[1] ?? 0) / (staticMs[1] ?? 1),
        collected: [1000, 1000, 1000],
        grid,
      },
      headline: headline({ throughput: [], bullmq: {}, scale: [] }),
      errors: {},
    };
    return r;
  };
  const check = (r: ReturnType<typeof results>, figure: string) => targetChecks(r).find((c) => c.figure === figure);

  it('checks the mapped ÷ static ratio against 1.5 and the grid p50 against 500 ms', () => {
    expect(check(results([2000, 2000, 2000], [3000, 3000, 3000], 499), 'mapped ÷ static 1,000-wide fan-out')).toEqual({
      figure: 'mapped ÷ static 1,000-wide fan-out',
      value: 1.5,
      target: '<= 1.5',
      met: true,
    });
    expect(check(results([2000, 2000, 2000], [3100, 3100, 3100], 499), 'mapped ÷ static 1,000-wide fan-out')?.met).toBe(
      false,
    );
    const grid = 'grid, 10,000 mapped instances, p50 (ms)';
    expect(check(results([1], [1], 499), grid)).toMatchObject({ value: 499, met: true });
    expect(check(results([1], [1], 500), grid)).toMatchObject({ value: 500, met: false });
  });

  it('prints both sides, the ratio, what collect got and the grid', () => {
    const r = results([1500, 2000, 2500], [2400, 2600, 3000], 120);
    const text = formatReport({ ...r, durationS: 1, checks: targetChecks(r) });
    expect(text).toMatch(/static fan-out of 1,000 tasks: total \(ms\)\s+2,000\s+1,500\s+2,500/);
    expect(text).toMatch(
      /one task mapped over 1,000 items, expand \+ run \+ collect: total \(ms\)\s+2,600\s+2,400\s+3,000/,
    );
    expect(text).toMatch(/ {2}per instance \(ms\)\s+2\.60\s+2\.40\s+3\.00/);
    expect(text).toMatch(/mapped ÷ static \(medians\); outputs collected\s+1\.30\s+1000,1000,1000/);
    expect(text).toMatch(/one task mapped over 10,000 items: run total \(s\)\s+41\.5\s/);
    expect(text).toMatch(/grid, a run with 10,000 mapped instances, p50 \(ms\)\s+120/);
  });
});
