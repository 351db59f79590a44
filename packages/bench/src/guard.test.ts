import { describe, expect, it } from 'vitest';
import { decideGuard } from './guard';

const t = { throughputRatioMin: 0.25, hopRatioMax: 5 };

describe('decideGuard', () => {
  it('passes when both ratios are within half of their targets', () => {
    const r = decideGuard({ throughputRatio: 0.13, hopRatio: 9.5 }, t);
    expect(r.passed).toBe(true);
    expect(r.checks.map((c) => c.passed)).toEqual([true, true]);
  });

  it('passes exactly at half the target', () => {
    expect(decideGuard({ throughputRatio: 0.125, hopRatio: 10 }, t).passed).toBe(true);
  });

  it('fails when throughput falls below half its target ratio', () => {
    const r = decideGuard({ throughputRatio: 0.12, hopRatio: 2 }, t);
    expect(r.passed).toBe(false);
    expect(r.checks[0]).toMatchObject({ name: 'throughput ratio', passed: false, limit: 0.125 });
    expect(r.checks[0]?.reason).toBe('Sluice ÷ BullMQ throughput 0.12 < 0.125 (half the target 0.25)');
  });

  it('fails when a hop takes more than twice the target ratio', () => {
    const r = decideGuard({ throughputRatio: 0.5, hopRatio: 10.5 }, t);
    expect(r.passed).toBe(false);
    expect(r.checks[1]).toMatchObject({ name: 'hop latency ratio', passed: false, limit: 10 });
  });

  it('fails when a ratio was not measured', () => {
    const r = decideGuard({ throughputRatio: null, hopRatio: 1 }, t);
    expect(r.passed).toBe(false);
    expect(r.checks[0]?.reason).toBe('throughput ratio was not measured');
  });
});
