import { describe, expect, it } from 'vitest';
import { planFaults, type FaultKind } from './faults';

describe('fault plan', () => {
  it('spreads the one-off faults between the worker kills: outage early, scheduler kill, then FLUSHDB', () => {
    const plan = planFaults({ workerKills: 20, schedulerKill: true, redisFlush: true, postgresOutage: true });
    expect(plan).toHaveLength(23);
    expect(plan.filter((k) => k === 'worker-kill')).toHaveLength(20);
    const before = (kind: FaultKind) => plan.slice(0, plan.indexOf(kind)).filter((k) => k === 'worker-kill').length;
    expect(before('postgres-outage')).toBe(3);
    expect(before('scheduler-kill')).toBe(8);
    expect(before('redis-flush')).toBe(13);
  });

  it('works with no worker kills', () => {
    expect(planFaults({ workerKills: 0, schedulerKill: true, redisFlush: true, postgresOutage: false })).toEqual([
      'scheduler-kill',
      'redis-flush',
    ]);
  });
});
