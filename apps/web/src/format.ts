/**
 * Display helpers. These times are in UTC, and say so; pages that follow the
 * zone picked in the top bar format with prefs/zone.ts instead.
 */

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`
  );
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${pad(minutes)}m ${pad(seconds)}s`;
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds}s`;
}

/** The recorded duration, or the time elapsed so far for something still running. */
export function elapsedMs(
  startedAt: string | null,
  endedAt: string | null,
  durationMs: number | null,
  now: number = Date.now(),
): number | null {
  if (durationMs !== null) return durationMs;
  if (!startedAt) return null;
  const start = Date.parse(startedAt);
  const end = endedAt ? Date.parse(endedAt) : now;
  return Number.isNaN(start) || Number.isNaN(end) ? null : Math.max(0, end - start);
}

/** "in 3h 12m" / "5m ago", for dates near now. */
export function formatRelative(iso: string | null, now: number = Date.now()): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const diff = at - now;
  const text = formatDuration(Math.abs(Math.round(diff / 60000) * 60000)).replace(/ 00s$/, '');
  if (Math.abs(diff) < 60000) return diff >= 0 ? 'in under a minute' : 'just now';
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}
