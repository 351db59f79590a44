import { describe, expect, it } from 'vitest';
import { startHarness } from '../aws/testing';
import { deltaSensorOperator as delta, untilSensorOperator as until } from './sensors';

const sensor = { timeoutMs: 86_400_000, mode: 'fail', pokeIntervalMs: 60_000 };

describe('time sensors', () => {
  it('wait until the data interval end plus the delta, saying how long is left', async () => {
    const h = await startHarness();
    try {
      // The harness's run: its data interval ends at 2026-01-01 (far past) unless the context says otherwise.
      const end = new Date(Date.now() + 60_000);
      const ctx = h.ctx(1, { run: { ...h.ctx().run, dataInterval: { start: new Date(0), end } } });
      const waiting = await delta.start(delta.compile({ deltaMs: 30_000, sensor }), ctx);
      expect(waiting).toMatchObject({ state: 'waiting', ref: { type: 'time.delta' } });
      const left = waiting.state === 'waiting' ? (waiting.againMs ?? 0) : 0;
      expect(left).toBeGreaterThan(85_000);
      expect(left).toBeLessThanOrEqual(90_000);
      const past = h.ctx(1, { run: { ...h.ctx().run, dataInterval: { start: new Date(0), end: new Date(1000) } } });
      expect(await delta.poll(delta.compile({ deltaMs: 0, sensor }), waiting.ref, past)).toEqual({
        state: 'succeeded',
        ref: { type: 'time.delta', marker: past.marker, until: '1970-01-01T00:00:01.000Z' },
        output: { until: '1970-01-01T00:00:01.000Z' },
      });
    } finally {
      await h.close();
    }
  });

  it('wait until an instant, and refuse one without a zone', async () => {
    const h = await startHarness();
    try {
      const soon = new Date(Date.now() + 10_000).toISOString();
      const waiting = await until.start(until.compile({ at: soon, sensor }), h.ctx());
      expect(waiting).toMatchObject({ state: 'waiting', ref: { type: 'time.until', until: soon } });
      expect(await until.start(until.compile({ at: '2020-01-01T00:00:00+02:00', sensor }), h.ctx())).toMatchObject({
        state: 'succeeded',
        output: { until: '2019-12-31T22:00:00.000Z' },
      });
      expect(() => until.compile({ at: '2020-01-01T00:00:00', sensor })).toThrow(
        'time.until: at: must be an ISO 8601 instant with a zone',
      );
    } finally {
      await h.close();
    }
  });
});
