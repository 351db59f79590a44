import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonProblem, safeId, textProblem, withinLogicalDateRange } from './input';

const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { k: v };
  return v;
};

describe('safeId', () => {
  const id = safeId('runId');
  it.each(['manual__2026-12-06T03:52:02.000+00:00', 'hourly_stats', 'a', '_x', 'v1.2'])('accepts %s', (s) => {
    expect(id.safeParse(s).success).toBe(true);
  });
  it.each([
    ['..', 'may hold letters'],
    ['a..b', 'may not contain ".."'],
    ['../etc/passwd', 'may hold letters'],
    ['a/b', 'may hold letters'],
    ['-rf', 'may hold letters'],
    ['a\u0000b', 'may hold letters'],
    ['', 'runId is empty'],
    ['x'.repeat(251), 'longer than 250'],
  ])('rejects %j naming why', (s, why) => {
    const r = id.safeParse(s);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join(' ')).toContain(why);
  });
});

describe('textProblem', () => {
  it('finds a NUL and a lone surrogate, and passes a surrogate pair', () => {
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
    expect(textProblem('\ud800')).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem('x\udc00')).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem('😀 ok')).toBeNull();
  });
});

describe('jsonProblem', () => {
  it('names the path of a NUL in a nested value and in a key', () => {
    expect(jsonProblem({ conf: { day: ['ok', 'a\u0000'] } })).toEqual({
      path: 'conf.day.1',
      message: expect.stringMatching(/NUL/),
    });
    expect(jsonProblem({ conf: { 'k\u0000': 1 } })).toEqual({
      path: 'conf.k\u0000',
      message: expect.stringMatching(/the key/),
    });
  });
  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(jsonProblem(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonProblem(nested(MAX_JSON_DEPTH + 1))?.message).toMatch(/deeper than 32/);
  });
  it('walks a hostile depth without recursion', () => {
    expect(jsonProblem(nested(100_000))?.message).toMatch(/deeper than/);
  });
});

describe('withinLogicalDateRange', () => {
  it('takes dates from 1970 up to 2200 only', () => {
    expect(withinLogicalDateRange('2026-12-06T00:00:00Z')).toBe(true);
    expect(withinLogicalDateRange('1970-01-01T00:00:00Z')).toBe(true);
    expect(withinLogicalDateRange('0001-01-01T00:00:00Z')).toBe(false);
    expect(withinLogicalDateRange('2200-01-01T00:00:00Z')).toBe(false);
  });
});
