import { describe, expect, it } from 'vitest';
import { DagValidationError, type DagIssue } from './errors';
import { makeDag, makeTask } from './test-fixtures';
import { validateDag } from './validate-dag';

function issuesOf(input: unknown): DagIssue[] {
  try {
    validateDag(input);
  } catch (raw) {
    if (raw instanceof DagValidationError) return [...raw.issues];
    throw raw;
  }
  throw new Error('expected validateDag to throw');
}

describe('validateDag', () => {
  it('returns a valid spec typed and unchanged', () => {
    const dag = makeDag({ tasks: [makeTask('extract'), makeTask('load', { upstream: ['extract'] })] });
    expect(validateDag(dag)).toEqual(dag);
  });

  it('reports shape errors with the task id in the path', () => {
    const dag = makeDag({ tasks: [makeTask('extract'), makeTask('load')] });
    const raw = JSON.parse(JSON.stringify(dag)) as { tasks: Array<Record<string, unknown>> };
    const load = raw.tasks[1];
    if (load) load['priorityWeight'] = 'high';
    const issues = issuesOf(raw);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('tasks.load.priorityWeight');
  });

  it('names the DAG in the error and lists every issue in the message', () => {
    const dag = makeDag({
      dagId: 'nightly',
      tasks: [makeTask('a', { upstream: ['ghost'] }), makeTask('b', { upstream: ['b'] })],
    });
    expect(() => validateDag(dag)).toThrow(DagValidationError);
    expect(() => validateDag(dag)).toThrow(
      'DAG "nightly" is invalid: tasks.a.upstream: unknown upstream task "ghost"; tasks.b.upstream: task "b" lists itself as upstream',
    );
  });

  it('rejects duplicate task ids', () => {
    const dag = makeDag({ tasks: [makeTask('load'), makeTask('x'), makeTask('load')] });
    expect(issuesOf(dag)).toEqual([
      { path: 'tasks.load.taskId', message: 'task id "load" is used by 2 tasks (positions 0, 2)' },
    ]);
  });

  it('rejects an upstream listed twice', () => {
    const dag = makeDag({ tasks: [makeTask('a'), makeTask('b', { upstream: ['a', 'a'] })] });
    expect(issuesOf(dag)).toEqual([{ path: 'tasks.b.upstream', message: 'upstream task "a" is listed twice' }]);
  });

  it('reports a cycle as a path from its first declared task', () => {
    const dag = makeDag({
      tasks: [
        makeTask('start'),
        makeTask('a', { upstream: ['start', 'c'] }),
        makeTask('b', { upstream: ['a'] }),
        makeTask('c', { upstream: ['b'] }),
      ],
    });
    expect(issuesOf(dag)).toEqual([{ path: 'tasks.a.upstream', message: 'cycle: a → b → c → a' }]);
  });

  it('reports two separate cycles', () => {
    const dag = makeDag({
      tasks: [
        makeTask('a', { upstream: ['b'] }),
        makeTask('b', { upstream: ['a'] }),
        makeTask('x', { upstream: ['y'] }),
        makeTask('y', { upstream: ['x'] }),
      ],
    });
    expect(issuesOf(dag).map((i) => i.message)).toEqual(['cycle: a → b → a', 'cycle: x → y → x']);
  });

  it('rejects a bad cron expression under schedule', () => {
    expect(issuesOf(makeDag({ schedule: '0 25 * * *' }))).toEqual([
      {
        path: 'schedule',
        message:
          'schedule "0 25 * * *" is not a valid cron expression: Constraint error, got value 25 expected range 0-23',
      },
    ]);
  });

  it('rejects an unknown time zone under timezone', () => {
    expect(issuesOf(makeDag({ timezone: 'Europe/Copenhaguen' }))).toEqual([
      {
        path: 'timezone',
        message: '"Europe/Copenhaguen" is not an IANA time zone name (e.g. "UTC", "Europe/Copenhagen")',
      },
    ]);
  });

  it('rejects a startDate after the endDate', () => {
    expect(issuesOf(makeDag({ startDate: '2026-02-01T00:00:00Z', endDate: '2026-01-01T00:00:00Z' }))).toEqual([
      { path: 'endDate', message: 'endDate 2026-01-01T00:00:00.000Z is before startDate 2026-02-01T00:00:00.000Z' },
    ]);
  });

  it('rejects a date that is not ISO', () => {
    expect(issuesOf(makeDag({ startDate: 'next tuesday' }))).toEqual([
      { path: 'startDate', message: 'startDate "next tuesday" is not an ISO date-time' },
    ]);
  });

  it('requires a startDate for @once', () => {
    expect(issuesOf(makeDag({ schedule: '@once', startDate: null }))).toEqual([
      { path: 'startDate', message: 'a DAG scheduled @once needs a startDate: its one run happens then' },
    ]);
  });

  it('rejects a DAG with no tasks', () => {
    expect(issuesOf(makeDag({ tasks: [] }))).toEqual([{ path: 'tasks', message: 'a DAG needs at least one task' }]);
  });

  it('rejects retry options the policy cannot honour', () => {
    const task = makeTask('load', {
      retry: { retries: 2, retryDelayMs: 10_000, exponentialBackoff: true, maxRetryDelayMs: 1_000 },
    });
    expect(issuesOf(makeDag({ tasks: [task] }))).toEqual([
      {
        path: 'tasks.load.retry',
        message: 'maxRetryDelayMs (1000) is less than retryDelayMs (10000); the cap must allow the first delay',
      },
    ]);
  });

  it('collects every issue, not just the first', () => {
    const dag = makeDag({
      schedule: '@sometimes',
      startDate: '2026-02-01T00:00:00Z',
      endDate: '2026-01-01T00:00:00Z',
      tasks: [makeTask('a', { upstream: ['b'] }), makeTask('b', { upstream: ['a', 'zzz'] })],
    });
    expect(issuesOf(dag).map((i) => i.path)).toEqual(['tasks.b.upstream', 'tasks.a.upstream', 'schedule', 'endDate']);
  });

  it('names an input without a dagId "(unnamed)"', () => {
    expect(() => validateDag({ tasks: 3 })).toThrow(/^DAG "\(unnamed\)" is invalid: /);
    expect(() => validateDag(null)).toThrow(/^DAG "\(unnamed\)" is invalid: \(root\): /);
  });
});
