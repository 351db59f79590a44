/** Finding things in a try's log: search matches and the first line that reports an error. */
import type { LogLine } from '@sluice/client';

export interface LogMatch {
  /** Index of the line in the log. */
  line: number;
  /** Where the match starts in the line's text. */
  start: number;
}

/** Every case-insensitive occurrence of `query`, in order; none for an empty query. */
export function findMatches(lines: readonly LogLine[], query: string): LogMatch[] {
  if (query === '') return [];
  const needle = query.toLowerCase();
  const matches: LogMatch[] = [];
  lines.forEach((l, line) => {
    const text = l.text.toLowerCase();
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
      matches.push({ line, start: at });
    }
  });
  return matches;
}

/** Words a tool prints when something went wrong; a whole word, so "errorless" or "mirror" do not count. */
const ERROR_WORDS = /\b(error|exception|traceback|fatal|panic)\b/i;

/** The first line that reports an error (by its words), else the first line on stderr; null when none. */
export function firstErrorLine(lines: readonly LogLine[]): number | null {
  const byWords = lines.findIndex((l) => ERROR_WORDS.test(l.text));
  if (byWords !== -1) return byWords;
  const stderr = lines.findIndex((l) => l.stream === 'stderr');
  return stderr === -1 ? null : stderr;
}

/** Splits `text` around the matches of `query` (case-insensitive), for highlighting. */
export function splitByQuery(text: string, query: string): Array<{ text: string; match: boolean }> {
  if (query === '') return [{ text, match: false }];
  const parts: Array<{ text: string; match: boolean }> = [];
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}
