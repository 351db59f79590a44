/** The Coalescer's limits: batches in flight at once, and calls of one turn gathered into one batch. */
import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalescer';

const tick = () => new Promise((r) => setImmediate(r));

function held() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const run = (args: number[]) => {
    batches.push(args);
    return new Promise<number[]>((resolve) => releases.push(() => resolve(args)));
  };
  return { batches, releases, run };
}

describe('Coalescer limits', () => {
  it('keeps no more than maxInFlight batches going, and starts the next when one ends', async () => {
    const h = held();
    const c = new Coalescer(h.run, { maxInFlight: 2 });
    const calls = [c.call(1)];
    await tick();
    calls.push(c.call(2));
    await tick();
    calls.push(c.call(3));
    await tick();
    expect(h.batches).toEqual([[1], [2]]);
    h.releases[0]?.();
    await calls[0];
    await tick();
    expect(h.batches).toEqual([[1], [2], [3]]);
    h.releases[1]?.();
    h.releases[2]?.();
    expect(await Promise.all(calls)).toEqual([1, 2, 3]);
  });

  it('gathers the calls of one turn into one batch, even with room for more in flight', async () => {
    const h = held();
    const c = new Coalescer(h.run, { maxInFlight: 4 });
    const calls = [c.call(1), c.call(2), c.call(3)];
    await tick();
    expect(h.batches).toEqual([[1, 2, 3]]);
    h.releases[0]?.();
    expect(await Promise.all(calls)).toEqual([1, 2, 3]);
  });

  it('sends nothing until the turn ends', async () => {
    const h = held();
    const c = new Coalescer(h.run);
    const call = c.call(1);
    expect(h.batches).toEqual([]);
    await tick();
    expect(h.batches).toEqual([[1]]);
    h.releases[0]?.();
    await call;
  });
});
