import { describe, expect, it } from 'vitest';
import { analyseLedger, parseLedger } from './ledger';

const text = (lines: string[]) => `${lines.join('\n')}\n`;

describe('ledger', () => {
  it('pairs starts with ends and counts each (run, task, try) once', () => {
    const { entries, malformed } = parseLedger(
      text(['r1 a 1 10 start 100', 'r1 a 1 10 end 200', 'r1 b 1 11 start 150', 'r1 b 1 11 end 250', 'garbage']),
    );
    expect(malformed).toEqual(['garbage']);
    const f = analyseLedger(entries);
    expect(f).toMatchObject({ executions: 2, tries: 2, duplicated: [], overlaps: [], unended: [] });
  });

  it('finds a try executed twice', () => {
    const { entries } = parseLedger(
      text(['r1 a 1 10 start 100', 'r1 a 1 12 start 120', 'r1 a 1 10 end 200', 'r1 a 1 12 end 220']),
    );
    const f = analyseLedger(entries);
    expect(f.duplicated).toHaveLength(1);
    expect(f.duplicated[0]?.key).toBe('r1 a 1');
  });

  it('finds two tries of one task instance running at once, and not tries one after the other', () => {
    const { entries } = parseLedger(
      text([
        'r1 a 1 10 start 100',
        'r1 a 2 11 start 150',
        'r1 a 1 10 end 200',
        'r1 a 2 11 end 300',
        'r1 b 1 20 start 100',
        'r1 b 1 20 end 200',
        'r1 b 2 21 start 200',
        'r1 b 2 21 end 300',
      ]),
    );
    const f = analyseLedger(entries);
    expect(f.overlaps.map((o) => o.taskId)).toEqual(['a']);
  });

  it('treats a missing end as running when the shell is alive, and as a point when it is gone', () => {
    const { entries } = parseLedger(text(['r1 a 1 10 start 100', 'r1 a 2 11 start 150', 'r1 a 2 11 end 300']));
    expect(analyseLedger(entries, new Set(), 1000).overlaps).toHaveLength(0);
    expect(analyseLedger(entries, new Set([10]), 1000).overlaps).toHaveLength(1);
    expect(analyseLedger(entries).unended.map((x) => x.pid)).toEqual([10]);
  });
});
