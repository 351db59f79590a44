import { describe, expect, it } from 'vitest';
import { Cleanup } from './cleanup';

describe('Cleanup', () => {
  it('runs steps in reverse order and goes on after a failing step', async () => {
    const done: string[] = [];
    const c = new Cleanup();
    c.add('first', async () => void done.push('first'));
    c.add('broken', async () => {
      throw new Error('boom');
    });
    c.add('last', async () => void done.push('last'));
    await c.run();
    expect(done).toEqual(['last', 'first']);
  });

  it('runs each step once, and steps added after a run at the next run', async () => {
    const done: string[] = [];
    const c = new Cleanup();
    c.add('a', async () => void done.push('a'));
    await Promise.all([c.run(), c.run()]);
    c.add('b', async () => void done.push('b'));
    await c.run();
    expect(done).toEqual(['a', 'b']);
  });
});
