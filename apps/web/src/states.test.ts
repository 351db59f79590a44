import type { RunState, TaskState } from '@sluice/client';
import { describe, expect, it } from 'vitest';
import { TASK_STATES, isRunTerminal, isTaskActive, runStateStyle, taskStateStyle } from './states';

const RUN_STATES: readonly RunState[] = ['queued', 'running', 'success', 'failed'];

describe('taskStateStyle', () => {
  it('gives every task state its own label and its own colour', () => {
    const labels = new Set(TASK_STATES.map((s) => taskStateStyle(s).label));
    const colors = new Set(TASK_STATES.map((s) => taskStateStyle(s).color));
    expect(labels.size).toBe(TASK_STATES.length);
    expect(colors.size).toBe(TASK_STATES.length);
    expect(taskStateStyle('up_for_retry').label).toBe('up for retry');
    expect(taskStateStyle('none').label).toBe('no status');
  });

  it('throws for a state it does not know instead of showing it blank', () => {
    expect(() => taskStateStyle('paused' as TaskState)).toThrow('Unhandled state: paused');
  });
});

describe('runStateStyle', () => {
  it('colours a run as the task state of the same name', () => {
    for (const s of RUN_STATES) expect(runStateStyle(s)).toEqual(taskStateStyle(s));
  });
});

describe('isRunTerminal and isTaskActive', () => {
  it('call only success and failed runs terminal', () => {
    expect(RUN_STATES.filter(isRunTerminal)).toEqual(['success', 'failed']);
  });

  it('call a task active while it is on its way somewhere, and none settled', () => {
    expect(TASK_STATES.filter(isTaskActive).sort()).toEqual(
      ['deferred', 'queued', 'running', 'scheduled', 'up_for_retry'].sort(),
    );
  });
});
