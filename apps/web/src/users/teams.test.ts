import { describe, expect, it } from 'vitest';
import { parseTeams } from './teams';

describe('teams field', () => {
  it('splits on commas, trims and drops blanks', () => {
    expect(parseTeams(' growth, finance ,, ')).toEqual(['growth', 'finance']);
    expect(parseTeams('')).toEqual([]);
  });
});
