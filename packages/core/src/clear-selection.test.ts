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

  it('brings no setup or teardown the run has no instance of (added by a later version)', () => {
    const scoped = makeDag({
      tasks: [
        makeTask('create', { role: 'setup' }),
        makeTask('step', { upstream: ['create'] }),
        makeTask('terminate', {
          upstream: ['create', 'step'],
          role: 'teardown',
          triggerRule: 'all_done_setup_success',
        }),
      ],
    });
    expect(tasksToClear(scoped, states({ step: 'failed' }), { ...none, taskPattern: /^step$/ })).toEqual(['step']);
  });

  it('is empty when nothing matches', () => {
    expect(
      tasksToClear(graph, allSuccess, { ...none, taskPattern: /^nope$/, downstream: true, upstream: true }),
    ).toEqual([]);
  });
});

describe('tasksToClear over the instances of mapped tasks', () => {
  // list → load (mapped) → report
  const mappedDag = () =>
    makeDag({
      tasks: [
        makeTask('list'),
        makeTask('load', { upstream: ['list'], map: { over: { from: 'list', items: [0, 1, 2, 3] } } }),
        makeTask('report', { upstream: ['load'] }),
      ],
    });
  // Keys in no particular order, as a reader may give them.
  const run = () =>
    states({
      'load[2]': 'failed',
      report: 'upstream_failed',
      'load[10]': 'success',
      list: 'success',
      'load[0]': 'success',
      'load[1]': 'upstream_failed',
      'load[3]': 'failed',
    });

  it('clears every instance of a mapped task, in map-index order', () => {
    expect(tasksToClear(mappedDag(), run(), { ...none, taskPattern: /^load$/ })).toEqual([
      'load[0]',
      'load[1]',
      'load[2]',
      'load[3]',
      'load[10]',
    ]);
  });

  it('with onlyFailed clears only the failed instances of a mapped task, judged one by one', () => {
    expect(tasksToClear(mappedDag(), run(), { ...none, onlyFailed: true })).toEqual([
      'load[1]',
      'load[2]',
      'load[3]',
      'report',
    ]);
    const oneFailed = states({ list: 'success', 'load[0]': 'success', 'load[1]': 'failed', report: 'success' });
    expect(tasksToClear(mappedDag(), oneFailed, { ...none, taskPattern: /^load$/, onlyFailed: true })).toEqual([
      'load[1]',
    ]);
  });

  it('limits the matching task to the instance named, and takes the downstream whole', () => {
    const dag = makeDag({
      tasks: [
        makeTask('load', { map: { over: { from: 'list', items: [0, 1] } } }),
        makeTask('each', { upstream: ['load'], map: { over: { from: 'list', items: [0, 1] } } }),
      ],
    });
    const all = states({ 'load[0]': 'success', 'load[1]': 'success', 'each[1]': 'success', 'each[0]': 'success' });
    const one = { ...none, taskPattern: /^load$/, mapIndex: 1 };
    expect(tasksToClear(dag, all, one)).toEqual(['load[1]']);
    expect(tasksToClear(dag, all, { ...one, downstream: true })).toEqual(['load[1]', 'each[0]', 'each[1]']);
    expect(tasksToClear(dag, all, { ...one, mapIndex: 7 })).toEqual([]);
    // The instance named is still judged by its state with onlyFailed.
    expect(tasksToClear(dag, all, { ...one, onlyFailed: true })).toEqual([]);
  });

  it('takes an unexpanded mapped task by its own key', () => {
    expect(tasksToClear(mappedDag(), states({ list: 'failed', load: 'upstream_failed' }), none)).toEqual([
      'list',
      'load',
    ]);
  });

  it('brings a setup and teardown whole around a failed instance inside their scope', () => {
    const scoped = makeDag({
      tasks: [
        makeTask('create', { role: 'setup' }),
        makeTask('step', { upstream: ['create'], map: { over: { from: 'list', items: [0, 1, 2] } } }),
        makeTask('terminate', {
          upstream: ['create', 'step'],
          role: 'teardown',
          triggerRule: 'all_done_setup_success',
        }),
      ],
    });
    const scopedRun = states({
      create: 'success',
      'step[0]': 'success',
      'step[1]': 'failed',
      'step[2]': 'success',
      terminate: 'success',
    });
    expect(tasksToClear(scoped, scopedRun, { ...none, onlyFailed: true })).toEqual(['create', 'step[1]', 'terminate']);
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

  it('judges each instance of a mapped task by its own state', () => {
    const mapped = states({ 'm[0]': 'success', 'm[1]': 'running', 'm[2]': 'failed' });
    expect(tasksMarkedWithRun(mapped, 'success')).toEqual(['m[1]', 'm[2]']);
    expect(tasksMarkedWithRun(mapped, 'failed')).toEqual(['m[1]']);
  });
});
