import { describe, expect, it } from 'vitest';
import { cpuPerUnitUs, kindOf } from './cpu';

describe('kindOf', () => {
  it('tells Sluice’s processes, Postgres backends and Redis apart from the rest', () => {
    expect(kindOf('/usr/bin/node --import tsx /repo/apps/worker/src/main.ts', 1, 2)).toBe('worker');
    expect(kindOf('/usr/bin/node --import tsx /repo/apps/api/src/main.ts', 1, 2)).toBe('api');
    expect(kindOf('/usr/bin/node --import tsx /repo/apps/scheduler/src/main.ts', 1, 2)).toBe('scheduler');
    expect(kindOf('postgres: 15/main: postgres test 127.0.0.1(5432) idle', 1, 2)).toBe('postgres');
    expect(kindOf('/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main', 1, 2)).toBe('postgres');
    expect(kindOf('redis-server 127.0.0.1:6379', 1, 2)).toBe('redis');
    expect(kindOf('/usr/bin/node packages/bench/src/main.ts', 7, 7)).toBe('bench');
    expect(kindOf('/usr/sbin/nats-server -a 127.0.0.1', 1, 2)).toBeNull();
  });
});

describe('cpuPerUnitUs', () => {
  it('divides each kind’s CPU time between readings by the units of work', () => {
    const before = new Map([
      ['postgres', 10],
      ['worker', 2],
    ] as const);
    const after = new Map([
      ['postgres', 11.5],
      ['worker', 2.5],
      ['redis', 0.2],
    ] as const);
    expect(cpuPerUnitUs(new Map(before), new Map(after), 1000)).toEqual({ postgres: 1500, worker: 500, redis: 200 });
    expect(cpuPerUnitUs(new Map(before), new Map(after), 0)).toEqual({});
  });
});
