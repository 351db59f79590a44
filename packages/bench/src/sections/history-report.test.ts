import { describe, expect, it } from 'vitest';
import type { HistoryMeasure, HistoryResult } from './history';
import { historyChecks, historyGuardCheck } from './history-report';

const measure = (p50: number, pass: number): HistoryMeasure => ({
  runs: 0,
  taskInstances: 0,
  endpoints: { 'DAG list': { p50, p95: p50 * 2 } },
  schedulerPass: { p50: pass, p95: pass },
  idlePostgresCpuPct: 0.5,
});

const result = (empty: HistoryMeasure, full: HistoryMeasure): HistoryResult => ({
  size: { dags: 50, runs: 5000, liveRunsPerDag: 1, requests: 10, passes: 10, idleSeconds: 10 },
  bytesPerTi: 500,
  seededBytesPerTi: 700,
  seedSeconds: 1,
  empty,
  full,
  ratios: {
    'DAG list': (full.endpoints['DAG list']?.p50 ?? 0) / (empty.endpoints['DAG list']?.p50 ?? 1),
    'scheduler pass': full.schedulerPass.p50 / empty.schedulerPass.p50,
  },
});

describe('the history guard', () => {
  it('fails when a read grew more than 3× and by more than 20 ms', () => {
    const check = historyGuardCheck(result(measure(10, 5), measure(45, 5)));
    expect(check.passed).toBe(false);
    expect(check.reason).toContain('DAG list');
  });

  it('passes a large ratio of a few milliseconds: that is noise on a shared machine', () => {
    expect(historyGuardCheck(result(measure(1, 5), measure(4, 5))).passed).toBe(true);
  });

  it('fails when history was not measured', () => {
    expect(historyGuardCheck(undefined)).toMatchObject({ passed: false, reason: 'history was not measured' });
  });
});

it('checks every endpoint against 100 ms and 1.5× the empty database', () => {
  const checks = historyChecks(result(measure(10, 5), measure(120, 5)));
  expect(checks.filter((c) => c.met === false).map((c) => c.figure)).toEqual([
    'DAG list p50, with history (ms)',
    '  with history ÷ empty',
  ]);
});
