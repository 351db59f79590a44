/** Finds where in a DAG file an error was thrown, from a source-mapped stack trace. */
import { fileURLToPath } from 'node:url';

const frame = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

/**
 * Line and column (1-based) of the first stack frame in `sourcePath` (an
 * absolute path the bundle's source map resolves the DAG file to).
 */
export function locateInStack(stack: string | null, sourcePath: string): { line: number; column: number } | null {
  if (!stack) return null;
  for (const text of stack.split('\n')) {
    if (!text.trimStart().startsWith('at ')) continue;
    const match = frame.exec(text);
    if (!match) continue;
    const [, where = '', line = '', column = ''] = match;
    const path = where.startsWith('file://') ? safeFileUrlToPath(where) : where;
    if (path === sourcePath) return { line: Number(line), column: Number(column) };
  }
  return null;
}

function safeFileUrlToPath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

/** 1-based line and column of the first quoted occurrence of `text` in `source`, or null. */
export function locateQuoted(source: string, text: string): { line: number; column: number } | null {
  for (const quote of ["'", '"', '`']) {
    const index = source.indexOf(quote + text + quote);
    if (index >= 0) {
      const before = source.slice(0, index);
      const line = before.split('\n').length;
      return { line, column: index - before.lastIndexOf('\n') };
    }
  }
  return null;
}
