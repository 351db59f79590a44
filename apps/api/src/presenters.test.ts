import { describe, expect, it } from 'vitest';
import { makeDag, makeTask } from '@sluice/core/test-fixtures';
import type { TaskInstanceRowView } from '@sluice/db';
import { runTaskStates, waitingReason } from './presenters';

const row = (taskId: string, state: string, mapIndex = -1): TaskInstanceRowView => ({
  id: `${taskId}-${mapIndex}`,
  taskId,
  state,
  tryNumber: 0,
  maxTries: 1,
  operator: 'fn',
  startedAt: null,
  endedAt: null,
  durationMs: null,
  nextRetryAt: null,
  external: null,
  mapIndex,
  mapItem: null,
});

describe('waitingReason', () => {
  // load is mapped; report waits on it (all_success).
  const dag = () =>
    makeDag({
      tasks: [
        makeTask('load', { map: { over: { from: 'list', items: [0, 1, 2] } } }),
        makeTask('report', { upstream: ['load'] }),
      ],
    });

  it('says a downstream waits while any instance of its mapped upstream is going, whichever comes last', () => {
    const rows = [
      row('load', 'running', 0),
      row('load', 'success', 1),
      row('load', 'success', 2),
      row('report', 'none'),
    ];
    const reason = waitingReason(dag(), row('report', 'none'), runTaskStates(rows));
    expect(reason).toBe('waiting for 1 upstream task');
    const allDone = [row('load', 'success', 0), row('load', 'success', 1), row('load', 'success', 2)];
    expect(waitingReason(dag(), row('report', 'none'), runTaskStates(allDone))).toBeNull();
  });

  it('counts an upstream the run has no row for yet as not done', () => {
    expect(waitingReason(dag(), row('report', 'none'), runTaskStates([]))).toBe('waiting for 1 upstream task');
  });
});

describe('runTaskStates', () => {
  it('keeps the state of every instance of a task, in the order read', () => {
    const states = runTaskStates([row('a', 'success'), row('m', 'failed', 0), row('m', 'success', 1)]);
    expect(states).toEqual(
      new Map([
        ['a', ['success']],
        ['m', ['failed', 'success']],
      ]),
    );
  });
});
