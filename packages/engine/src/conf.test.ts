/** A trigger's conf checked against the DAG's confSchema, every issue named with its path. */
import { describe, expect, it } from 'vitest';
import { validateConf } from './conf';

const schema = {
  type: 'object',
  properties: { date: { type: 'string' }, rows: { type: 'integer', minimum: 0 } },
  required: ['date'],
};

describe('validateConf', () => {
  it('accepts anything when the DAG declares no schema', () => {
    expect(validateConf(null, { anything: 1 })).toEqual([]);
  });

  it('accepts a conf that matches', () => {
    expect(validateConf(schema, { date: '2026-03-01', rows: 3 })).toEqual([]);
  });

  it('names every issue under conf, with the path of the field', () => {
    const issues = validateConf(schema, { rows: -1 });
    expect(issues.map((i) => i.path).sort()).toEqual(['conf.date', 'conf.rows']);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
  });

  it("says the DAG's schema cannot be used instead of throwing", () => {
    expect(validateConf({ type: 'no-such-type' }, {})).toEqual([
      { path: 'conf', message: expect.stringMatching(/^the DAG's confSchema cannot be used: /) },
    ]);
  });
});
