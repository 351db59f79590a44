import { describe, expect, it } from 'vitest';
import { runOutcome } from './run-outcome';
import { taskInstanceStates, terminalTaskStates, type TaskInstanceState } from './states';

describe('runOutcome', () => {
  it('keeps the run going while any task is unfinished, whatever else failed', () => {
    for (const s of taskInstanceStates.filter((x) => !terminalTaskStates.has(x))) {
      expect(
        runOutcome([
          ['a', 'failed'],
          ['b', s],
        ]),
        s,
      ).toEqual({ state: 'running' });
    }
  });

  it('fails a finished run with any failed or upstream_failed task, listing them in order', () => {
    expect(
      runOutcome([
        ['a', 'success'],
        ['b', 'upstream_failed'],
        ['c', 'failed'],
        ['d', 'skipped'],
      ]),
    ).toEqual({
      state: 'failed',
      failedTaskIds: ['b', 'c'],
    });
  });

  it('succeeds when every task ended in success or skipped', () => {
    const ends: Array<[string, TaskInstanceState]> = [
      ['a', 'success'],
      ['b', 'skipped'],
    ];
    expect(runOutcome(ends)).toEqual({ state: 'success' });
    expect(runOutcome([['a', 'skipped']])).toEqual({ state: 'success' });
  });
});
