/** Lines of a DAG version's source, alone or as a diff against another version. */
import { diffLines } from 'diff';

export interface CodeLine {
  /** Line number in the version shown (null for a removed line, which only the other version has). */
  number: number | null;
  text: string;
  change: 'same' | 'added' | 'removed';
}

function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function plainLines(source: string): CodeLine[] {
  return linesOf(source).map((text, i) => ({ number: i + 1, text, change: 'same' }));
}

/** `to` against `from`: every line of `to` numbered, with the lines only `from` has in between. */
export function diffSources(from: string, to: string): CodeLine[] {
  const out: CodeLine[] = [];
  let number = 0;
  for (const part of diffLines(from, to)) {
    for (const text of linesOf(part.value)) {
      if (part.removed) out.push({ number: null, text, change: 'removed' });
      else {
        number += 1;
        out.push({ number, text, change: part.added ? 'added' : 'same' });
      }
    }
  }
  return out;
}
