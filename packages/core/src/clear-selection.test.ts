import { describe, expect, it } from 'vitest';
import { compileTaskPattern, tasksMarkedWithRun, tasksToClear } from './clear-selection';
import { InvalidOptionsError } from './errors';
import type { TaskInstanceState } from './states';
import { makeDag, makeTask } from './test-fixtures';

// extract → transform → load → report; transform → audit
const graph = makeDag({
  tasks: [
    makeTask('report', { upstream: ['load'] }),
    makeTask('extract'),
    makeTask('transform', { upstream: ['extract'] }),
    makeTask('load', { upstream: ['transform'] }),
    makeTask('audit', { upstream: ['transform'] }),
  ],
});
const states = (entries: Record<string, TaskInstanceState>): Map<string, TaskInstanceState> =>
  new Map(Object.entries(entries));
const allSuccess = states({
  extract: 'success',
  transform: 'success',
  load: 'success',
  report: 'success',
  audit: 'success',
});
const none = { onlyFailed: false, downstream: false, upstream: false };

describe('tasksToClear', () => {
  it('is every task of the run in topological order without a pattern', () => {
    expect(tasksToClear(graph, allSuccess, none)).toEqual(['extract', 'transform', 'load', 'report', 'audit']);
  });

  it('matches the pattern anywhere in the task id', () => {
    expect(tasksToClear(graph, allSuccess, { ...none, taskPattern: /an/ })).toEqual(['transform']);
    expect(tasksToClear(graph, allSuccess, { ...none, taskPattern: /^(load|audit)$/ })).toEqual(['load', 'audit']);
  });

  it('adds every task downstream of a match, recursively', () => {
    expect(tasksToClear(graph, allSuccess, { ...none, taskPattern: /^transform$/, downstream: true })).toEqual([
      'transform',
      'load',
      'report',
      'audit',
    ]);
  });

  it('adds every task upstream of a match, recursively', () => {
    expect(tasksToClear(graph, allSuccess, { ...none, taskPattern: /^load$/, upstream: true })).toEqual([
      'extract',
      'transform',
      'load',
    ]);
  });

  it('adds both directions when asked for both', () => {
    expect(
      tasksToClear(graph, allSuccess, { ...none, taskPattern: /^load$/, upstream: true, downstream: true }),
    ).toEqual(['extract', 'transform', 'load', 'report']);
  });

  it('keeps only failed and upstream_failed task instances with onlyFailed, after adding the downstream', () => {
    const mixed = states({
      extract: 'success',
      transform: 'failed',
      load: 'upstream_failed',
      report: 'upstream_failed',
      audit: 'success',
    });
    expect(tasksToClear(graph, mixed, { ...none, onlyFailed: true })).toEqual(['transform', 'load', 'report']);
    expect(
      tasksToClear(graph, mixed, { ...none, taskPattern: /^transform$/, downstream: true, onlyFailed: true }),
    ).toEqual(['transform', 'load', 'report']);
  });

  it('never picks a task the run has no instance of (a task added by a later version)', () => {
    expect(tasksToClear(graph, states({ extract: 'failed', transform: 'success' }), none)).toEqual([
      'extract',
      'transform',
    ]);
  });

  it('brings the setup and teardown of a task inside their scope, in topological order, failed or not', () => {
    // create (setup) → step → terminate (teardown of create); step → report; notify stands apart
    const scoped = makeDag({
      tasks: [
        makeTask('notify'),
        makeTask('create', { role: 'setup' }),
        makeTask('step', { upstream: ['create'] }),
        makeTask('terminate', {
          upstream: ['create', 'step'],
          role: 'teardown',
          triggerRule: 'all_done_setup_success',
        }),
        makeTask('report', { upstream: ['step'] }),
      ],
    });
    const run = states({
      notify: 'failed',
      create: 'success',
      step: 'failed',
      terminate: 'success',
      report: 'upstream_failed',
    });
    expect(tasksToClear(scoped, run, { ...none, taskPattern: /^step$/ })).toEqual(['create', 'step', 'terminate']);
    expect(tasksToClear(scoped, run, { ...none, onlyFailed: true })).toEqual([
      'notify',
      'create',
      'step',
      'terminate',
      'report',
    ]);
    // Outside the scope nothing is added; a teardown alone does not bring its setup.
    expect(tasksToClear(scoped, run, { ...none, taskPattern: /^notify$/ })).toEqual(['notify']);
    expect(tasksToClear(scoped, run, { ...none, taskPattern: /^terminate$/ })).toEqual(['terminate']);
  });

  it('is empty when nothing matches', () => {
    expect(
      tasksToClear(graph, allSuccess, { ...none, taskPattern: /^nope$/, downstream: true, upstream: true }),
    ).toEqual([]);
  });
});

describe('compileTaskPattern', () => {
  it('compiles a regular expression', () => {
    expect(compileTaskPattern('^load').test('load_x')).toBe(true);
    expect(compileTaskPattern('^load').test('x_load')).toBe(false);
  });

  it('names the pattern and the reason when it does not compile', () => {
    expect(() => compileTaskPattern('load(')).toThrow(InvalidOptionsError);
    expect(() => compileTaskPattern('load(')).toThrow(/task pattern "load\(" is not a regular expression: .*/);
  });
});

describe('tasksMarkedWithRun', () => {
  const run = states({
    a: 'success',
    b: 'failed',
    c: 'running',
    d: 'none',
    e: 'upstream_failed',
    f: 'skipped',
    g: 'queued',
    h: 'up_for_retry',
  });

  it('marked success, changes every task instance that is not a success yet', () => {
    expect(tasksMarkedWithRun(run, 'success')).toEqual(['b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('marked failed, changes only the unfinished ones', () => {
    expect(tasksMarkedWithRun(run, 'failed')).toEqual(['c', 'd', 'g', 'h']);
  });
});
