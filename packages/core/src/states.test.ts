import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors';
import {
  activeTaskStates,
  canTransitionRun,
  canTransitionTask,
  dagRunStates,
  failedWithRunTaskStates,
  isActiveTaskState,
  isTerminalRunState,
  notStartedTaskStates,
  runStatesAllowedBefore,
  stoppedTryState,
  taskStatesAllowedBefore,
  isTerminalTaskState,
  stoppableTaskStates,
  taskInstanceStates,
  terminalTaskStates,
  transitionRun,
  transitionTask,
  unfinishedTaskStates,
  type DagRunState,
  type TaskInstanceState,
  type BackfillState,
  activeBackfillStates,
  backfillStates,
  backfillStatesAllowedBefore,
  canTransitionBackfill,
} from './states';

/**
 * The lifecycle as the rest of Sluice relies on it, written out once more:
 * a change to core's table must be made here too, on purpose.
 */
const legalTaskMoves: Record<TaskInstanceState, readonly TaskInstanceState[]> = {
  none: ['scheduled', 'queued', 'skipped', 'upstream_failed', 'success', 'failed'],
  scheduled: ['queued', 'none', 'skipped', 'upstream_failed', 'success', 'failed'],
  queued: ['running', 'scheduled', 'up_for_retry', 'skipped', 'none', 'success', 'failed'],
  running: ['success', 'failed', 'up_for_retry', 'skipped', 'deferred', 'none'],
  deferred: ['queued', 'running', 'success', 'failed', 'up_for_retry', 'skipped', 'none'],
  up_for_retry: ['scheduled', 'queued', 'skipped', 'none', 'success', 'failed'],
  success: ['none', 'failed'],
  failed: ['none', 'success'],
  upstream_failed: ['none', 'success', 'failed'],
  skipped: ['none', 'success', 'failed'],
};

const legalRunMoves: Record<DagRunState, readonly DagRunState[]> = {
  queued: ['running', 'failed', 'success'],
  running: ['success', 'failed', 'queued'],
  success: ['queued', 'running', 'failed'],
  failed: ['queued', 'running', 'success'],
};

describe('task instance transitions', () => {
  it('lets every unfinished state become skipped, so a timed-out run can skip what is left', () => {
    for (const state of taskInstanceStates.filter((s) => !isTerminalTaskState(s))) {
      expect(canTransitionTask(state, 'skipped'), state).toBe(true);
    }
  });

  it('accepts each legal move, returning its target', () => {
    for (const from of taskInstanceStates) {
      for (const to of legalTaskMoves[from]) {
        expect(canTransitionTask(from, to), `${from} → ${to}`).toBe(true);
        expect(transitionTask(from, to)).toBe(to);
      }
    }
  });

  it('refuses every other move with IllegalTransitionError naming it', () => {
    let refused = 0;
    for (const from of taskInstanceStates) {
      for (const to of taskInstanceStates.filter((s) => !legalTaskMoves[from].includes(s))) {
        expect(canTransitionTask(from, to), `${from} → ${to}`).toBe(false);
        expect(() => transitionTask(from, to)).toThrow(new IllegalTransitionError('task instance', from, to));
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('throws IllegalTransitionError for a move outside the table', () => {
    expect(() => transitionTask('success', 'running')).toThrow(IllegalTransitionError);
    expect(() => transitionTask('success', 'running')).toThrow('Illegal task instance transition: success → running');
    expect(() => transitionTask('none', 'running')).toThrow('Illegal task instance transition: none → running');
    expect(() => transitionTask('skipped', 'up_for_retry')).toThrow(
      'Illegal task instance transition: skipped → up_for_retry',
    );
    expect(() => transitionTask('none', 'none')).toThrow('Illegal task instance transition: none → none');
  });
});

describe('run transitions', () => {
  it('accepts each legal move and refuses the rest with IllegalTransitionError', () => {
    for (const from of dagRunStates) {
      for (const to of dagRunStates) {
        const legal = legalRunMoves[from].includes(to);
        expect(canTransitionRun(from, to), `${from} → ${to}`).toBe(legal);
        if (legal) expect(transitionRun(from, to)).toBe(to);
        else expect(() => transitionRun(from, to)).toThrow(`Illegal dag run transition: ${from} → ${to}`);
      }
    }
    expect(() => transitionRun('running', 'running')).toThrow(IllegalTransitionError);
  });
});

describe('named state sets', () => {
  it('splits task states into unfinished and terminal, with nothing in both', () => {
    expect([...unfinishedTaskStates, ...terminalTaskStates].sort()).toEqual([...taskInstanceStates].sort());
  });

  it('counts as stoppable only unfinished states a try can be stopped from by clearing it', () => {
    for (const s of stoppableTaskStates) {
      expect(unfinishedTaskStates.has(s), s).toBe(true);
      expect(canTransitionTask(s, 'none'), s).toBe(true);
    }
  });
});

describe('the sets other packages ask about', () => {
  const sorted = (states: Iterable<string>): string[] => [...states].sort();

  it('are exactly the states each one names', () => {
    expect(sorted(activeTaskStates)).toEqual(['deferred', 'queued', 'running']);
    expect(sorted(notStartedTaskStates)).toEqual(['none', 'queued', 'scheduled', 'up_for_retry']);
    expect(sorted(stoppableTaskStates)).toEqual(['deferred', 'running']);
    expect(sorted(failedWithRunTaskStates)).toEqual(['deferred', 'queued', 'running', 'up_for_retry']);
    expect(sorted(terminalTaskStates)).toEqual(['failed', 'skipped', 'success', 'upstream_failed']);
    expect(stoppedTryState).toBe('failed');
  });

  it('answer the predicates', () => {
    expect(taskInstanceStates.filter(isActiveTaskState)).toEqual(['queued', 'running', 'deferred']);
    expect(dagRunStates.filter(isTerminalRunState)).toEqual(['success', 'failed']);
  });

  it("list the states a move may come from, in the table's order", () => {
    expect(taskStatesAllowedBefore('none')).toEqual(taskInstanceStates.filter((s) => s !== 'none'));
    expect(taskStatesAllowedBefore('running')).toEqual(['queued', 'deferred']);
    expect(taskStatesAllowedBefore('success')).toEqual(
      taskInstanceStates.filter((s) => legalTaskMoves[s].includes('success')),
    );
    expect(runStatesAllowedBefore('queued')).toEqual(['running', 'success', 'failed']);
    expect(runStatesAllowedBefore('running')).toEqual(['queued', 'success', 'failed']);
  });
});

describe('backfill states', () => {
  const legal: Record<BackfillState, BackfillState[]> = {
    queued: ['running', 'paused', 'cancelled', 'completed'],
    running: ['paused', 'cancelled', 'completed'],
    paused: ['running', 'cancelled'],
    completed: [],
    cancelled: [],
  };

  it('allow exactly the moves of the table', () => {
    expect(backfillStates).toEqual(['queued', 'running', 'paused', 'completed', 'cancelled']);
    for (const from of backfillStates) {
      for (const to of backfillStates) {
        expect(canTransitionBackfill(from, to), `${from} → ${to}`).toBe(legal[from].includes(to));
      }
    }
  });

  it('list the states a move may come from', () => {
    expect(backfillStatesAllowedBefore('running')).toEqual(['queued', 'paused']);
    expect(backfillStatesAllowedBefore('paused')).toEqual(['queued', 'running']);
    expect(backfillStatesAllowedBefore('cancelled')).toEqual(['queued', 'running', 'paused']);
    expect(backfillStatesAllowedBefore('completed')).toEqual(['queued', 'running']);
  });

  it('count a backfill as active until it completes or is cancelled', () => {
    expect(backfillStates.filter((s) => activeBackfillStates.has(s))).toEqual(['queued', 'running', 'paused']);
  });
});
