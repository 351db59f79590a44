import { describe, expect, it } from 'vitest';
import { decide, instancesCap, type SchedulingInput } from './scheduling';
import { makeDag, makeTask } from './test-fixtures';
import type { DagSpec } from './dag-spec';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function inputFor(dag: DagSpec, overrides: Partial<SchedulingInput> = {}): SchedulingInput {
  return {
    dag,
    run: { state: 'running', startedAt: new Date(NOW.getTime() - 60_000), runId: 'run-1' },
    tasks: new Map(
      dag.tasks.map((t) => [
        t.taskId,
        {
          taskId: t.taskId,
          state: 'scheduled' as const,
          tryNumber: 0,
          maxTries: 1,
          nextRetryAt: null,
          startedAt: null,
          heartbeatAt: null,
        },
      ]),
    ),
    now: NOW,
    freeTaskSlots: 16,
    freePoolSlots: new Map(),
    heartbeatTimeoutMs: 120_000,
    timeoutGraceMs: 30_000,
    ...overrides,
  };
}

describe('maxActiveTisPerDag', () => {
  it('lets a task be queued while fewer instances than its cap are active across runs', () => {
    expect(instancesCap({ taskId: 'load', maxActiveTisPerDag: 2 }, 0)).toBeNull();
    expect(instancesCap({ taskId: 'load', maxActiveTisPerDag: 2 }, 1)).toBeNull();
    expect(instancesCap({ taskId: 'load' }, 1_000)).toBeNull();
  });

  it('holds a task at its cap, saying how many instances are active', () => {
    expect(instancesCap({ taskId: 'load', maxActiveTisPerDag: 2 }, 2)).toBe(
      'load: 2 of 2 instances of this task active across runs (maxActiveTisPerDag)',
    );
    expect(instancesCap({ taskId: 'rank', maxActiveTisPerDag: 1 }, 3)).toBe(
      'rank: 3 of 1 instances of this task active across runs (maxActiveTisPerDag)',
    );
  });

  it('keeps a capped task waiting while others of the run are queued, without spending a DAG slot', () => {
    const dag = makeDag({
      tasks: [makeTask('load', { maxActiveTisPerDag: 1, priorityWeight: 9 }), makeTask('other', { priorityWeight: 1 })],
    });
    const result = decide(inputFor(dag, { freeTaskSlots: 1, activeByTask: new Map([['load', 1]]) }));
    expect(result.tasks).toEqual([
      {
        type: 'waiting',
        taskId: 'load',
        reason: 'load: 1 of 1 instances of this task active across runs (maxActiveTisPerDag)',
      },
      {
        type: 'enqueue',
        taskId: 'other',
        from: 'scheduled',
        tryNumber: 1,
        pool: 'default_pool',
        poolSlots: 1,
        priorityWeight: 1,
      },
    ]);
  });

  it('queues a capped task when the active instances are of other tasks, or when no count is given', () => {
    const dag = makeDag({ tasks: [makeTask('load', { maxActiveTisPerDag: 1 })] });
    const enqueued = (input: SchedulingInput) => decide(input).tasks.map((t) => t.type);
    expect(enqueued(inputFor(dag, { activeByTask: new Map([['other', 5]]) }))).toEqual(['enqueue']);
    expect(enqueued(inputFor(dag))).toEqual(['enqueue']);
  });

  it('names the DAG slot first when both limits hold the task', () => {
    const dag = makeDag({ maxActiveTasks: 3, tasks: [makeTask('load', { maxActiveTisPerDag: 1 })] });
    const result = decide(inputFor(dag, { freeTaskSlots: 0, activeByTask: new Map([['load', 1]]) }));
    expect(result.tasks).toEqual([
      { type: 'waiting', taskId: 'load', reason: 'the DAG has no free task slot (maxActiveTasks is 3)' },
    ]);
  });

  it('checks the cap before the pool, leaving the pool slot to others', () => {
    const dag = makeDag({
      tasks: [
        makeTask('load', { maxActiveTisPerDag: 1, pool: 'emr', priorityWeight: 5 }),
        makeTask('next', { pool: 'emr', priorityWeight: 1 }),
      ],
    });
    const result = decide(
      inputFor(dag, { freePoolSlots: new Map([['emr', 1]]), activeByTask: new Map([['load', 1]]) }),
    );
    expect(result.tasks.map((t) => `${t.taskId}: ${t.type}`)).toEqual(['load: waiting', 'next: enqueue']);
  });
});

describe('a run whose task instances are not stored yet', () => {
  it('reads a missing instance as none, also for a short circuit above a task', () => {
    // gate (short circuit that ignores trigger rules below it) → a → b: b looks at gate though it is not its upstream.
    const dag = makeDag({
      tasks: [
        makeTask('gate', { branch: { kind: 'short_circuit', ignoreDownstreamTriggerRules: true } }),
        makeTask('a', { upstream: ['gate'] }),
        makeTask('b', { upstream: ['a'] }),
      ],
    });
    const result = decide(inputFor(dag, { tasks: new Map() }));
    expect(result.tasks.map((d) => [d.type, d.taskId])).toEqual([
      ['set_state', 'gate'],
      ['waiting', 'a'],
      ['waiting', 'b'],
      ['enqueue', 'gate'],
    ]);
  });
});
