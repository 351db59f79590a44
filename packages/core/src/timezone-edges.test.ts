import { describe, expect, it } from 'vitest';
import { isValidTimezone, offsetMs, wallTimeMs } from './timezone';

describe('isValidTimezone', () => {
  it('is false, not merely falsy, for a name the platform does not know', () => {
    expect(isValidTimezone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimezone('  ')).toBe(false);
    expect(isValidTimezone('Europe/Copenhagen')).toBe(true);
  });
});

describe('offsetMs', () => {
  it('is zero in UTC before the common era too', () => {
    expect(offsetMs(Date.UTC(-100, 5, 1, 12), 'UTC')).toBe(0);
    expect(offsetMs(Date.UTC(1, 0, 1), 'UTC')).toBe(0);
  });

  it('reads a zone at whole seconds', () => {
    expect(offsetMs(Date.UTC(2026, 6, 1, 12, 0, 0, 999), 'Europe/Copenhagen')).toBe(2 * 3_600_000);
  });
});

describe('wallTimeMs', () => {
  it('is the instant moved by the zone offset', () => {
    const noonUtc = Date.UTC(2026, 0, 15, 12);
    expect(wallTimeMs(noonUtc, 'Asia/Tokyo')).toBe(Date.UTC(2026, 0, 15, 21));
    expect(wallTimeMs(noonUtc, 'America/New_York')).toBe(Date.UTC(2026, 0, 15, 7));
  });
});
