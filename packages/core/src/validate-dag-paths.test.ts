/** Where validateDag says a problem is, and the date and @once checks at their edges. */
import { describe, expect, it } from 'vitest';
import { DagValidationError } from './errors';
import { makeDag, makeTask } from './test-fixtures';
import { validateDag } from './validate-dag';

function issuesOf(input: unknown): { dagId: string; issues: Array<{ path: string; message: string }> } {
  try {
    validateDag(input);
  } catch (raw) {
    if (raw instanceof DagValidationError) return { dagId: raw.dagId, issues: [...raw.issues] };
    throw raw;
  }
  throw new Error('expected the DAG to be refused');
}

describe('issue paths', () => {
  it('name a task by its id, and by its position when it has no usable id', () => {
    const dag = {
      ...makeDag(),
      tasks: [
        { ...makeTask('load'), priorityWeight: 'high' },
        { ...makeTask(''), priorityWeight: 'high' },
        { ...makeTask('x'), taskId: 7, priorityWeight: 'high' },
        'not a task',
      ],
    };
    const paths = issuesOf(dag).issues.map((i) => i.path);
    expect(paths).toContain('tasks.load.priorityWeight');
    expect(paths).toContain('tasks.1.priorityWeight');
    expect(paths).toContain('tasks.2.priorityWeight');
    expect(paths).toContain('tasks.3');
  });

  it('keep a number as a number when the tasks are not a list', () => {
    expect(issuesOf({ ...makeDag(), tasks: { 0: makeTask('a') } }).issues.map((i) => i.path)).toEqual(['tasks']);
  });

  it('say (root) for a value that is not a DAG at all, and call it (unnamed)', () => {
    expect(issuesOf('dag')).toMatchObject({ dagId: '(unnamed)', issues: [{ path: '(root)' }] });
    expect(issuesOf([]).dagId).toBe('(unnamed)');
    expect(issuesOf({ dagId: 5 }).dagId).toBe('(unnamed)');
    expect(issuesOf({ dagId: 'named' }).dagId).toBe('named');
  });
});

describe('dates and @once', () => {
  it('accept an end date equal to the start date and refuse one before it', () => {
    const at = '2026-03-01T00:00:00.000Z';
    expect(validateDag(makeDag({ startDate: at, endDate: at })).endDate).toBe(at);
    expect(issuesOf(makeDag({ startDate: at, endDate: '2026-02-28T00:00:00.000Z' })).issues).toEqual([
      { path: 'endDate', message: 'endDate 2026-02-28T00:00:00.000Z is before startDate 2026-03-01T00:00:00.000Z' },
    ]);
  });

  it('want a start date for @once only, whatever spaces surround it', () => {
    expect(issuesOf(makeDag({ schedule: ' @once ', startDate: null })).issues).toEqual([
      { path: 'startDate', message: 'a DAG scheduled @once needs a startDate: its one run happens then' },
    ]);
    expect(validateDag(makeDag({ schedule: '@once' })).schedule).toBe('@once');
    expect(validateDag(makeDag({ schedule: '@daily', startDate: null })).startDate).toBeNull();
    expect(validateDag(makeDag({ schedule: null, startDate: null })).schedule).toBeNull();
  });
});
