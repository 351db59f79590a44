import { describe, expect, it } from 'vitest';
import { PlannedIds, runSpanId, runTraceId, taskInstanceSpanId, trySpanId } from './ids';

describe('derived ids', () => {
  it('are the same in every process for one run, task instance and try, and valid OpenTelemetry ids', () => {
    const run = '0fc9bb55-cf00-4d7f-8528-d244cb359fe1';
    expect(runTraceId(run)).toBe(runTraceId(run));
    expect(runTraceId(run)).toMatch(/^[0-9a-f]{32}$/);
    for (const id of [runSpanId(run), taskInstanceSpanId(run), trySpanId(run, 1)]) expect(id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('differ between runs, between a run and its task instance, and between tries', () => {
    const a = '0fc9bb55-cf00-4d7f-8528-d244cb359fe1';
    const b = '0fc9bb55-cf00-4d7f-8528-d244cb359fe2';
    expect(runTraceId(a)).not.toBe(runTraceId(b));
    expect(runSpanId(a)).not.toBe(taskInstanceSpanId(a));
    expect(trySpanId(a, 1)).not.toBe(trySpanId(a, 2));
  });
});

describe('PlannedIds', () => {
  it('hands out the planned ids inside planned(), and random ones before and after', () => {
    const ids = new PlannedIds();
    const planned = ids.planned({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }, () => [
      ids.generateTraceId(),
      ids.generateSpanId(),
    ]);
    expect(planned).toEqual(['a'.repeat(32), 'b'.repeat(16)]);
    expect(ids.generateSpanId()).not.toBe('b'.repeat(16));
    expect(ids.generateTraceId()).toMatch(/^[0-9a-f]{32}$/);
    // Without a planned trace id, a child keeps the random one.
    expect(ids.planned({ spanId: 'c'.repeat(16) }, () => ids.generateTraceId())).not.toBe('a'.repeat(32));
  });

  it('plans nothing once planned() threw', () => {
    const ids = new PlannedIds();
    expect(() =>
      ids.planned({ spanId: 'd'.repeat(16) }, () => {
        throw new Error('start failed');
      }),
    ).toThrow('start failed');
    expect(ids.generateSpanId()).not.toBe('d'.repeat(16));
  });
});
