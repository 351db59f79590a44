/** What the DAG's gate, plan and graph make of branches, setups, teardowns and task groups. */
import { describe, expect, it } from 'vitest';
import { diffDags } from './dag-diff';
import { DagValidationError, type DagIssue } from './errors';
import { taskGroups } from './task-groups';
import { makeDag, makeTask } from './test-fixtures';
import { validateDag } from './validate-dag';

function issuesOf(input: unknown): DagIssue[] {
  try {
    validateDag(input);
  } catch (raw) {
    if (raw instanceof DagValidationError) return [...raw.issues];
    throw raw;
  }
  return [];
}

describe('validateDag on dynamic flow', () => {
  it('accepts a branch whose choices are its direct downstream, and a teardown with its setup', () => {
    const dag = makeDag({
      tasks: [
        makeTask('choose', { branch: { kind: 'choose', choices: ['a', 'b'] } }),
        makeTask('a', { upstream: ['choose'] }),
        makeTask('b', { upstream: ['choose'] }),
        makeTask('create', { role: 'setup' }),
        makeTask('stop', { upstream: ['create'], role: 'teardown', failRun: true }),
        makeTask('ingest.load', { group: 'ingest' }),
      ],
    });
    expect(issuesOf(dag)).toEqual([]);
  });

  it('accepts a teardown with work besides its setup upstream', () => {
    const dag = makeDag({
      tasks: [
        makeTask('create', { role: 'setup' }),
        makeTask('work', { upstream: ['create'] }),
        makeTask('stop', { upstream: ['create', 'work'], role: 'teardown' }),
      ],
    });
    expect(issuesOf(dag)).toEqual([]);
  });

  it('lists every direct downstream task of a branch whose choice is not one', () => {
    const dag = makeDag({
      tasks: [
        makeTask('choose', { branch: { kind: 'choose', choices: ['x'] } }),
        makeTask('a', { upstream: ['choose'] }),
        makeTask('b', { upstream: ['choose'] }),
        makeTask('x', { upstream: ['a'] }),
      ],
    });
    expect(issuesOf(dag)[0]?.message).toBe(
      'branch choice "x" is not a direct downstream task of "choose" (its direct downstream: a, b)',
    );
  });

  it('names a branch choice that is not a direct downstream task', () => {
    const dag = makeDag({
      tasks: [
        makeTask('choose', { branch: { kind: 'choose', choices: ['a', 'c'] } }),
        makeTask('a', { upstream: ['choose'] }),
        makeTask('c', { upstream: ['a'] }),
      ],
    });
    expect(issuesOf(dag)).toEqual([
      {
        path: 'tasks.choose.branch',
        message: 'branch choice "c" is not a direct downstream task of "choose" (its direct downstream: a)',
      },
    ]);
    const alone = makeDag({ tasks: [makeTask('choose', { branch: { kind: 'choose', choices: ['x'] } })] });
    expect(issuesOf(alone)[0]?.message).toBe(
      'branch choice "x" is not a direct downstream task of "choose" (its direct downstream: none)',
    );
  });

  it('rejects a teardown without a setup upstream, failRun on another task, and a group its id does not start with', () => {
    const dag = makeDag({
      tasks: [
        makeTask('work'),
        makeTask('stop', { upstream: ['work'], role: 'teardown' }),
        makeTask('plain', { failRun: true }),
        makeTask('ingestload', { group: 'ingest' }),
      ],
    });
    expect(issuesOf(dag)).toEqual([
      { path: 'tasks.stop.role', message: 'teardown "stop" needs a setup task among its upstream' },
      { path: 'tasks.plain.failRun', message: 'only a teardown takes failRun; "plain" is not one' },
      {
        path: 'tasks.ingestload.group',
        message: 'task "ingestload" is in group "ingest", so its id must start with "ingest."',
      },
    ]);
  });
});

describe('the plan reports dynamic flow properties', () => {
  it('lists a new branch, role, failRun and group as task changes', () => {
    const base = makeDag({ tasks: [makeTask('a'), makeTask('g.b', { upstream: ['a'] })] });
    const head = makeDag({
      tasks: [
        makeTask('a', { branch: { kind: 'short_circuit', ignoreDownstreamTriggerRules: true }, role: 'setup' }),
        makeTask('g.b', { upstream: ['a'], role: 'teardown', failRun: true, group: 'g' }),
      ],
    });
    const [diff] = diffDags([{ spec: base }], [{ spec: head }]);
    expect(diff?.tasks).toEqual([
      {
        taskId: 'a',
        kind: 'changed',
        changes: [
          { field: 'branch', before: null, after: { kind: 'short_circuit', ignoreDownstreamTriggerRules: true } },
          { field: 'role', before: null, after: 'setup' },
        ],
      },
      {
        taskId: 'g.b',
        kind: 'changed',
        changes: [
          { field: 'role', before: null, after: 'teardown' },
          { field: 'failRun', before: false, after: true },
          { field: 'group', before: null, after: 'g' },
        ],
      },
    ]);
  });
});

describe('taskGroups', () => {
  it('lists every group after the one it is in, with the tasks directly in it', () => {
    const dag = makeDag({
      tasks: [
        makeTask('start'),
        makeTask('ingest.raw.a', { group: 'ingest.raw' }),
        makeTask('ingest.check', { group: 'ingest' }),
        makeTask('ingest.raw.b', { group: 'ingest.raw' }),
        makeTask('report.send', { group: 'report' }),
      ],
    });
    expect(taskGroups(dag)).toEqual([
      { groupId: 'ingest', parentId: null, label: 'ingest', taskIds: ['ingest.check'] },
      { groupId: 'ingest.raw', parentId: 'ingest', label: 'raw', taskIds: ['ingest.raw.a', 'ingest.raw.b'] },
      { groupId: 'report', parentId: null, label: 'report', taskIds: ['report.send'] },
    ]);
  });

  it('is empty for a DAG without groups', () => {
    expect(taskGroups(makeDag())).toEqual([]);
  });
});
