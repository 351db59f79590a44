/** Finding the line of a DAG file in an error's stack, and of a quoted name in its source. */
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { locateInStack, locateQuoted } from './stack';

const file = '/repo/dags/etl.ts';

describe('locateInStack', () => {
  it('finds the first frame in the DAG file, with or without a function name or a file URL', () => {
    const stack = [
      'Error: boom',
      '    at validate (/repo/node_modules/@sluice/sdk/dag.js:10:5)',
      `    at Object.<anonymous> (${pathToFileURL(file).href}:12:7)`,
      `    at ${file}:30:1`,
    ].join('\n');
    expect(locateInStack(stack, file)).toEqual({ line: 12, column: 7 });
    expect(locateInStack(`Error\n    at ${file}:30:1`, file)).toEqual({ line: 30, column: 1 });
  });

  it('reads only frames, and nothing from another file', () => {
    expect(locateInStack(`Error: ${file}:3:4\n    at other (/repo/x.ts:1:1)`, file)).toBeNull();
    expect(locateInStack(`Error\n    at native code`, file)).toBeNull();
  });

  it('has nothing to say without a stack', () => {
    expect(locateInStack(null, file)).toBeNull();
    expect(locateInStack('', file)).toBeNull();
  });

  it('leaves a file URL it cannot read as it is', () => {
    expect(locateInStack('Error\n    at file://host/share/etl.ts:2:3', 'file://host/share/etl.ts')).toEqual({
      line: 2,
      column: 3,
    });
  });
});

describe('locateQuoted', () => {
  it('gives the 1-based line and column of the first quoted occurrence, in any quote', () => {
    const source = 'import x from \'y\';\nconst a = 1;\n  dag({ id: "daily" });\n';
    expect(locateQuoted(source, 'daily')).toEqual({ line: 3, column: 13 });
    expect(locateQuoted('`t`', 't')).toEqual({ line: 1, column: 1 });
    expect(locateQuoted("a\n'b'", 'b')).toEqual({ line: 2, column: 1 });
  });

  it('ignores the text unquoted, and is null when it is not there', () => {
    expect(locateQuoted('daily = "daily"', 'daily')).toEqual({ line: 1, column: 9 });
    expect(locateQuoted('daily', 'daily')).toBeNull();
  });
});
