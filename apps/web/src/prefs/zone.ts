/**
 * Which time zone the UI shows times in: the DAG's own (its schedule's
 * zone), UTC, or the browser's. Every time shown carries its zone's name,
 * so a reader never has to guess.
 */

export type ZoneChoice = 'dag' | 'utc' | 'browser';

export const ZONE_CHOICES: readonly ZoneChoice[] = ['dag', 'utc', 'browser'];

export function isZoneChoice(value: unknown): value is ZoneChoice {
  return value === 'dag' || value === 'utc' || value === 'browser';
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The IANA zone a choice means on a page; a page with no DAG (or a DAG with no zone) shows UTC for "the DAG's". */
export function resolveZone(choice: ZoneChoice, dagZone: string | null | undefined): string {
  switch (choice) {
    case 'utc':
      return 'UTC';
    case 'browser':
      return browserZone();
    case 'dag':
      return dagZone || 'UTC';
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** "2026-11-21 03:00:00 GMT+1": the instant as a wall clock in `zone`, with the zone's short name. */
export function formatInZone(iso: string | null | undefined, zone: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

/** The wall-clock fields of `iso` in `zone`, for a datetime-local input ("2026-11-21T03:00"). */
export function toLocalInput(iso: string, zone: string): string {
  return formatInZone(iso, zone).slice(0, 16).replace(' ', 'T');
}

/**
 * The instant a wall-clock time ("2026-11-21T03:00", as a datetime-local
 * input gives it) names in `zone`; null when the text is not such a time.
 * Found by correcting a UTC guess by the zone's offset at that moment, twice
 * so a daylight-saving change between the guess and the answer is met.
 */
export function fromLocalInput(text: string, zone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  let guess = wall;
  for (let i = 0; i < 2; i++) guess = wall - offsetMs(guess, zone);
  return new Date(guess).toISOString();
}

/** How far `zone`'s wall clock is ahead of UTC at the instant `at`. */
function offsetMs(at: number, zone: string): number {
  const shown = formatInZone(new Date(at).toISOString(), zone);
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(shown);
  if (!m) return 0;
  const [, y, mo, d, h, mi, s] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return wall - Math.floor(at / 1000) * 1000;
}
