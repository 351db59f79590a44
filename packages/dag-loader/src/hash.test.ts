/** DAG version hashes: equal specs hash equally whatever their key order; any change in spec or bundle changes it. */
import { makeDag, makeTask } from '@sluice/core/test-fixtures';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, dagVersionHash } from './hash';

describe('canonicalJson', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,1]},"b":1}');
  });

  it('drops undefined fields, writes undefined array items as null, and writes scalars as JSON', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson('q"')).toBe('"q\\""');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
  });

  it('orders keys by code unit, as the same spec on every machine must', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, aa: 4 })).toBe('{"B":2,"a":3,"aa":4,"b":1}');
  });
});

describe('dagVersionHash', () => {
  const spec = makeDag({ tasks: [makeTask('a'), makeTask('b', { upstream: ['a'] })] });

  it('is sha256 of the canonical spec, a newline and the bundle', () => {
    const expected = createHash('sha256')
      .update(`${canonicalJson(spec)}\nbundle`)
      .digest('hex');
    expect(dagVersionHash(spec, 'bundle')).toBe(expected);
  });

  it('ignores key order and changes with the spec or the bundle', () => {
    const reordered = Object.fromEntries(Object.entries(spec).reverse()) as typeof spec;
    expect(dagVersionHash(reordered, 'x')).toBe(dagVersionHash(spec, 'x'));
    expect(dagVersionHash({ ...spec, catchup: true }, 'x')).not.toBe(dagVersionHash(spec, 'x'));
    expect(dagVersionHash(spec, 'y')).not.toBe(dagVersionHash(spec, 'x'));
  });
});
