/** Plain-text rendering for the human (non --json) output of the CLI. */

/** Left-aligned columns separated by two spaces; a missing cell prints as empty. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    widths
      .map((w, i) => (i === widths.length - 1 ? (cells[i] ?? '') : (cells[i] ?? '').padEnd(w)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** `key: value` lines with the values aligned. */
export function fields(pairs: Array<[string, string]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return `${pairs.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`.trimEnd()).join('\n')}\n`;
}

export function dash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}

/** ISO timestamps as `2026-11-22 03:00:00Z`, easier to scan in a table. */
export function time(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  return h > 0 ? `${h}h ${m}m ${rest}s` : `${m}m ${rest}s`;
}

/** Milliseconds between two ISO timestamps, or null when either is missing. */
export function between(start: string | null, end: string | null): number | null {
  if (start === null || end === null) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isNaN(ms) ? null : ms;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
