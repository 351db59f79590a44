/** Parses the expiry field: blank = never, else whole days from 1 to 3650. */
export function parseExpiryDays(text: string): { ok: true; days?: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true };
  const days = Number(trimmed);
  if (!Number.isInteger(days) || days < 1 || days > 3650)
    return { ok: false, message: 'Expiry is a whole number of days from 1 to 3650, or blank for never' };
  return { ok: true, days };
}
