import { describe, expect, it } from 'vitest';
import { directDownstream, downstreamOf, topologicalOrder, upstreamOf } from './dag-graph';
import { DagValidationError, InvalidOptionsError } from './errors';
import { makeDag, makeTask } from './test-fixtures';

// extract_a ─┐        ┌─ report
//            ├─ join ─┤
// extract_b ─┘        └─ load ── notify
const diamond = makeDag({
  tasks: [
    makeTask('report', { upstream: ['join'] }),
    makeTask('extract_b'),
    makeTask('join', { upstream: ['extract_a', 'extract_b'] }),
    makeTask('extract_a'),
    makeTask('notify', { upstream: ['load'] }),
    makeTask('load', { upstream: ['join'] }),
  ],
});

describe('topologicalOrder', () => {
  it('puts every task after its upstream tasks, ties in declaration order', () => {
    expect(topologicalOrder(diamond)).toEqual(['extract_b', 'extract_a', 'join', 'report', 'load', 'notify']);
  });

  it('keeps declaration order for independent tasks', () => {
    const dag = makeDag({ tasks: ['c', 'a', 'b'].map((id) => makeTask(id)) });
    expect(topologicalOrder(dag)).toEqual(['c', 'a', 'b']);
  });

  it('prefers an earlier-declared task that becomes ready later over a later-declared ready one', () => {
    const dag = makeDag({
      tasks: [makeTask('root'), makeTask('second', { upstream: ['root'] }), makeTask('third')],
    });
    expect(topologicalOrder(dag)).toEqual(['root', 'second', 'third']);
  });

  it('throws DagValidationError naming the cycle', () => {
    const dag = makeDag({ tasks: [makeTask('a', { upstream: ['b'] }), makeTask('b', { upstream: ['a'] })] });
    expect(() => topologicalOrder(dag)).toThrow(DagValidationError);
    expect(() => topologicalOrder(dag)).toThrow('tasks.a.upstream: cycle: a → b → a');
  });

  it('orders a long chain without recursion limits', () => {
    const tasks = Array.from({ length: 5_000 }, (_, i) =>
      makeTask(`t${i}`, { upstream: i === 0 ? [] : [`t${i - 1}`] }),
    );
    const order = topologicalOrder(makeDag({ tasks: [...tasks].reverse() }));
    expect(order[0]).toBe('t0');
    expect(order[4_999]).toBe('t4999');
  });
});

describe('directDownstream', () => {
  it('maps every task to the tasks that list it as upstream', () => {
    expect(Object.fromEntries(directDownstream(diamond))).toEqual({
      report: [],
      extract_b: ['join'],
      join: ['report', 'load'],
      extract_a: ['join'],
      notify: [],
      load: ['notify'],
    });
  });
});

describe('downstreamOf / upstreamOf', () => {
  it('returns direct downstream tasks by default', () => {
    expect(downstreamOf(diamond, 'join')).toEqual(['report', 'load']);
  });

  it('returns all downstream tasks in topological order when recursive', () => {
    expect(downstreamOf(diamond, 'extract_a', { recursive: true })).toEqual(['join', 'report', 'load', 'notify']);
  });

  it('returns upstream tasks, direct or all', () => {
    expect(upstreamOf(diamond, 'load')).toEqual(['join']);
    expect(upstreamOf(diamond, 'notify', { recursive: true })).toEqual(['extract_b', 'extract_a', 'join', 'load']);
  });

  it('throws for a task the DAG does not have', () => {
    expect(() => downstreamOf(diamond, 'nope')).toThrow(InvalidOptionsError);
    expect(() => downstreamOf(diamond, 'nope')).toThrow('DAG "example" has no task "nope"');
  });
});
