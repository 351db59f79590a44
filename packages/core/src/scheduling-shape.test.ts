import { describe, expect, it } from 'vitest';
import { inOrder, shapeOf } from './scheduling-shape';
import { makeDag, makeTask } from './test-fixtures';

/** a → b → c → d, declared out of order, and x on its own. */
const dag = makeDag({
  tasks: [
    makeTask('d', { upstream: ['c'] }),
    makeTask('c', { upstream: ['b', 'b'] }),
    makeTask('b', { upstream: ['a'] }),
    makeTask('a'),
    makeTask('x', { upstream: ['not_in_dag'] }),
  ],
});

describe('shapeOf', () => {
  it('works a spec out once, whatever asks for it', () => {
    expect(shapeOf(dag)).toBe(shapeOf(dag));
  });

  it('lists each task once under each of its direct upstream, and no task under a leaf', () => {
    const { downstream, order, topoIndex, specs } = shapeOf(dag);
    expect(Object.fromEntries(downstream)).toEqual({ a: ['b'], b: ['c'], c: ['d'], d: [], x: [] });
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('c')).toBeLessThan(order.indexOf('d'));
    expect(order.map((id) => topoIndex.get(id))).toEqual(order.map((_, i) => i));
    expect([...specs.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'x']);
  });
});

describe('inOrder', () => {
  const shape = shapeOf(dag);
  const at = (id: string) => shape.order.indexOf(id);

  it('visits the whole DAG in topological order without a scope', () => {
    expect([...inOrder(shape, null)]).toEqual(shape.order);
  });

  it('visits the scope in topological order, leaving out ids the DAG lacks', () => {
    expect([...inOrder(shape, new Set(['d', 'ghost', 'b', 'a']))]).toEqual(['a', 'b', 'd']);
  });

  it('takes in what the pass adds while it runs, each once, in topological order from where it stands', () => {
    const scope = new Set(['d', 'b']);
    const seen: string[] = [];
    for (const id of inOrder(shape, scope)) {
      seen.push(id);
      if (id === 'b') for (const added of ['c', 'a', 'd', 'ghost']) scope.add(added);
    }
    // a comes before b in the DAG, but b was visited already: a goes next, not first.
    expect(seen).toEqual(['b', 'a', 'c', 'd']);
    expect(at('a')).toBeLessThan(at('b'));
  });

  it('takes in a task added at the end, after everything that sorts before it', () => {
    const scope = new Set(['a']);
    const seen: string[] = [];
    for (const id of inOrder(shape, scope)) {
      seen.push(id);
      if (id === 'a') {
        scope.add('d');
        scope.add('b');
      }
      if (id === 'b') scope.add('c');
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
  });
});
