import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors';
import { canTransitionTask, isTerminalTaskState, taskInstanceStates, transitionTask } from './states';

describe('task instance transitions', () => {
  it('lets every unfinished state become skipped, so a timed-out run can skip what is left', () => {
    for (const state of taskInstanceStates.filter((s) => !isTerminalTaskState(s))) {
      expect(canTransitionTask(state, 'skipped'), state).toBe(true);
    }
  });

  it('throws IllegalTransitionError for a move outside the table', () => {
    expect(() => transitionTask('success', 'running')).toThrow(IllegalTransitionError);
    expect(() => transitionTask('success', 'running')).toThrow('Illegal task instance transition: success → running');
  });
});
