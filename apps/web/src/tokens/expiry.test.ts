import { describe, expect, it } from 'vitest';
import { parseExpiryDays } from './expiry';

describe('token expiry field', () => {
  it('blank means never', () => {
    expect(parseExpiryDays('  ')).toEqual({ ok: true });
  });

  it('takes whole days from 1 to 3650', () => {
    expect(parseExpiryDays('30')).toEqual({ ok: true, days: 30 });
    expect(parseExpiryDays('3650')).toEqual({ ok: true, days: 3650 });
  });

  it('refuses fractions, zero, too many days and words, saying what it takes', () => {
    for (const bad of ['1.5', '0', '3651', 'soon', '-3'])
      expect(parseExpiryDays(bad)).toEqual({
        ok: false,
        message: 'Expiry is a whole number of days from 1 to 3650, or blank for never',
      });
  });
});
