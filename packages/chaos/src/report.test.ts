import { describe, expect, it } from 'vitest';
import { formatReport, invariantsOf, type ChaosResults } from './report';

type Partial = Omit<ChaosResults, 'invariants' | 'ok'>;

const base: Partial = {
  date: '2026-12-06T05:00:00.000Z',
  command: 'npm run chaos',
  machine: { cores: 2, node: 'v20', loadAverage1m: 3 },
  config: {
    runs: 2,
    tasks: 10,
    layers: 5,
    width: 2,
    workers: 2,
    workerConcurrency: 4,
    schedulers: 2,
    kills: 1,
    schedulerKill: true,
    redisFlush: true,
    postgresOutageMs: 0,
    aws: false,
    baseline: true,
    settleMs: 60_000,
    revive: true,
    longTasks: false,
  },
  baseline: { runs: 2, success: 2, failed: 0, stuck: 0, stuckRuns: [], ms: 1000 },
  chaos: {
    runs: 2,
    success: 2,
    failed: 0,
    stuck: 0,
    stuckRuns: [],
    ms: 2000,
    faults: [{ kind: 'worker-kill', atMs: 5, injected: true, detail: 'x' }],
    faultsPlanned: 1,
    faultsInjected: 1,
  },
  stuckTasks: [],
  aws: null,
  ledger: {
    executions: 20,
    tries: 20,
    duplicated: 0,
    overlaps: 0,
    unended: 0,
    malformed: 0,
    examples: { duplicated: [], overlaps: [] },
  },
  openTries: { count: 0, examples: [] },
  deaths: [],
  restarts: 1,
  revived: 0,
  orphansKilled: 0,
};

describe('chaos report', () => {
  it('passes when every invariant figure is 0', () => {
    const invariants = invariantsOf(base);
    expect(invariants.every((i) => i.value === 0)).toBe(true);
    const text = formatReport({ ...base, invariants, ok: true });
    expect(text).toContain('PASS');
    expect(text).toContain('2.0 s vs 1.0 s (×2.00)');
  });

  it('names every non-zero figure', () => {
    const r: Partial = { ...base, chaos: { ...base.chaos, stuck: 1 }, ledger: { ...base.ledger, overlaps: 2 } };
    const invariants = invariantsOf(r);
    const text = formatReport({ ...r, invariants, ok: false });
    expect(text).toContain(
      'FAIL: runs stuck (not ended within the bound) = 1; overlapping executions of one task instance = 2',
    );
  });
});
