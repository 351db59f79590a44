import { describe, expect, it } from 'vitest';
import { TASK_STATE_SEVERITY, taskInstanceKey, worstTaskState } from './task-states';

describe('worstTaskState', () => {
  it('picks the state that most needs a look, whatever the order', () => {
    expect(worstTaskState(['success', 'failed', 'running'])).toBe('failed');
    expect(worstTaskState(['running', 'upstream_failed'])).toBe('upstream_failed');
    expect(worstTaskState(['success', 'running', 'queued'])).toBe('running');
    expect(worstTaskState(['skipped', 'success'])).toBe('skipped');
    expect(worstTaskState(['success'])).toBe('success');
  });

  it('ranks each state above the next in the list, and calls none success', () => {
    for (let i = 0; i + 1 < TASK_STATE_SEVERITY.length; i++) {
      const [worse, better] = [TASK_STATE_SEVERITY[i], TASK_STATE_SEVERITY[i + 1]];
      if (worse === undefined || better === undefined) throw new Error('out of range');
      expect(worstTaskState([better, worse])).toBe(worse);
    }
    expect(TASK_STATE_SEVERITY).toHaveLength(10);
    expect(worstTaskState([])).toBe('success');
  });
});

describe('taskInstanceKey', () => {
  it('names an instance of a mapped task by its index and any other task by its id', () => {
    expect(taskInstanceKey({ taskId: 'load', mapIndex: 3 })).toBe('load[3]');
    expect(taskInstanceKey({ taskId: 'load', mapIndex: 0 })).toBe('load[0]');
    expect(taskInstanceKey({ taskId: 'load' })).toBe('load');
    expect(taskInstanceKey({ taskId: 'load', mapIndex: -1 })).toBe('load');
  });
});
