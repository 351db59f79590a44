/** The task graph at its edges: duplicated ids, self and unknown references, cycles as reported, walks on a cycle. */
import { describe, expect, it } from 'vitest';
import { downstreamOf, findCycles, topologicalOrder } from './dag-graph';
import { DagValidationError } from './errors';
import { makeDag, makeTask } from './test-fixtures';

const graph = (tasks: Array<[string, string[]]>) =>
  makeDag({ tasks: tasks.map(([id, upstream]) => makeTask(id, { upstream })) });

describe('topologicalOrder', () => {
  it('goes by the first of two tasks sharing an id', () => {
    expect(
      topologicalOrder(
        graph([
          ['a', []],
          ['b', []],
          ['a', ['b']],
        ]),
      ),
    ).toEqual(['a', 'b']);
  });

  it('ignores a task listing itself or a task the DAG lacks', () => {
    expect(
      topologicalOrder(
        graph([
          ['b', ['a', 'b', 'ghost']],
          ['a', []],
        ]),
      ),
    ).toEqual(['a', 'b']);
  });

  it('puts a task that became ready after everything declared before it', () => {
    expect(
      topologicalOrder(
        graph([
          ['a', []],
          ['b', []],
          ['c', []],
          ['d', []],
          ['e', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('findCycles', () => {
  it('reports a cycle from its earliest-declared task, closed on it', () => {
    // a → b → c → a, declared c, a, b.
    expect(
      findCycles(
        graph([
          ['c', ['b']],
          ['a', ['c']],
          ['b', ['a']],
        ]),
      ),
    ).toEqual([['c', 'a', 'b', 'c']]);
  });

  it('starts a cycle reached from outside at its earliest-declared task, not where the walk entered it', () => {
    // x → b, and a → b → c → a: the walk from x enters the cycle at b.
    expect(
      findCycles(
        graph([
          ['x', []],
          ['a', ['c']],
          ['b', ['x', 'a']],
          ['c', ['b']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('reports each of two cycles once', () => {
    const cycles = findCycles(
      graph([
        ['a', ['b']],
        ['b', ['a']],
        ['c', ['d']],
        ['d', ['c']],
        ['e', ['a', 'c']],
      ]),
    );
    expect(cycles).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'c'],
    ]);
  });

  it('finds none in a diamond, where two paths meet at a finished task', () => {
    expect(
      findCycles(
        graph([
          ['top', []],
          ['left', ['top']],
          ['right', ['top']],
          ['bottom', ['left', 'right']],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('downstreamOf on a cycle', () => {
  it('refuses the DAG instead of walking round the cycle for ever', () => {
    const cyclic = graph([
      ['a', ['b']],
      ['b', ['a']],
    ]);
    expect(() => downstreamOf(cyclic, 'a', { recursive: true })).toThrow(DagValidationError);
  });
});
