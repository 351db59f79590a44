import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalescer';

/** A batch function whose calls are held until released, recording what each batch held. */
function gated() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const run = (args: number[]) => {
    batches.push(args);
    return new Promise<number[]>((resolve, reject) => {
      releases.push(() =>
        args.includes(13) && args.length >= 1
          ? reject(new Error(`13 in ${args.join(',')}`))
          : resolve(args.map((a) => a * 10)),
      );
    });
  };
  return { batches, releases, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Coalescer', () => {
  it('sends a call at once when idle, and the calls made meanwhile together in the next batch', async () => {
    const g = gated();
    const c = new Coalescer(g.run);
    const first = c.call(1);
    await tick();
    expect(g.batches).toEqual([[1]]);
    const later = [c.call(2), c.call(3), c.call(4)];
    await tick();
    expect(g.batches).toEqual([[1]]);
    g.releases[0]?.();
    expect(await first).toBe(10);
    await tick();
    expect(g.batches).toEqual([[1], [2, 3, 4]]);
    g.releases[1]?.();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('keeps batches within maxBatch', async () => {
    const g = gated();
    const c = new Coalescer(g.run, { maxBatch: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => c.call(n));
    await tick();
    g.releases[0]?.();
    await tick();
    g.releases[1]?.();
    await tick();
    g.releases[2]?.();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
    expect(g.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('sends the calls made in one turn of the event loop as one batch', async () => {
    const g = gated();
    const c = new Coalescer(g.run);
    const all = [1, 2, 3].map((n) => c.call(n));
    expect(g.batches).toEqual([]);
    await tick();
    expect(g.batches).toEqual([[1, 2, 3]]);
    g.releases[0]?.();
    expect(await Promise.all(all)).toEqual([10, 20, 30]);
  });

  it('when a batch fails, tries each call alone so only the bad one fails', async () => {
    const g = gated();
    const c = new Coalescer(g.run);
    const first = c.call(1);
    await tick();
    const later = [c.call(12), c.call(13), c.call(14)].map((p) =>
      p.then(
        (v) => ({ v }),
        (e: Error) => ({ e: e.message }),
      ),
    );
    g.releases[0]?.();
    await first;
    await tick();
    g.releases[1]?.();
    for (let i = 2; i < 5; i++) {
      await tick();
      g.releases[i]?.();
    }
    expect(await Promise.all(later)).toEqual([{ v: 120 }, { e: '13 in 13' }, { v: 140 }]);
    expect(g.batches).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });
});
