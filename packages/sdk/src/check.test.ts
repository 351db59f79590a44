/** The option checks dag() and task() are built from, and the date and duration parsers, at their edges. */
import { InvalidOptionsError } from '@sluice/core';
import { describe as group, expect, it } from 'vitest';
import {
  checkBoolean,
  checkInt,
  checkJson,
  checkKnownKeys,
  checkObject,
  checkString,
  checkStringArray,
  isPlainObject,
} from './check';
import { parseDagDateOption } from './dates';
import { describe, parseDuration } from './duration';

const refused = (fn: () => unknown, message: string) => {
  expect(fn).toThrow(InvalidOptionsError);
  expect(fn).toThrow(message);
};

group('describe', () => {
  it('says what a value is in a few words', () => {
    expect(describe(null)).toBe('null');
    expect(describe([1])).toBe('an array');
    expect(describe('x')).toBe('"x"');
    expect(describe({})).toBe('an object');
    expect(describe(3)).toBe('number 3');
    expect(describe(undefined)).toBe('undefined undefined');
  });
});

group('isPlainObject and checkObject', () => {
  it('take object literals and null-prototype objects only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    for (const v of [null, [], new Date(), 'x', 1]) expect(isPlainObject(v), String(v)).toBe(false);
    refused(() => checkObject([], 'defaultArgs'), 'defaultArgs must be an object, got an array');
    expect(checkObject({ a: 1 }, 'x')).toEqual({ a: 1 });
  });
});

group('checkKnownKeys', () => {
  it('names the unknown option and lists the known ones', () => {
    refused(
      () => checkKnownKeys({ retries: 1, retry: 2 }, ['retries', 'pool'], (k) => `task "t": ${k}`),
      'task "t": retry is not a known option (known: retries, pool)',
    );
    expect(() => checkKnownKeys({ pool: 'p' }, ['retries', 'pool'], (k) => k)).not.toThrow();
  });
});

group('checkString, checkBoolean, checkStringArray', () => {
  it('want a non-empty string, matching the pattern when given one', () => {
    refused(() => checkString('', 'owner'), 'owner must be a non-empty string, got ""');
    refused(() => checkString(1, 'owner'), 'owner must be a non-empty string, got number 1');
    refused(() => checkString('a b', 'id', { re: /^\w+$/, hint: 'letters only' }), 'id "a b" is invalid: letters only');
    expect(checkString('ab', 'id', { re: /^\w+$/, hint: '' })).toBe('ab');
  });

  it('want true or false, and an array of strings copied', () => {
    refused(() => checkBoolean('yes', 'catchup'), 'catchup must be true or false, got "yes"');
    expect(checkBoolean(false, 'catchup')).toBe(false);
    refused(() => checkStringArray(['a', 1], 'tags'), 'tags must be an array of strings, got an array');
    refused(() => checkStringArray('a', 'tags'), 'tags must be an array of strings, got "a"');
    const tags = ['a'];
    expect(checkStringArray(tags, 'tags')).not.toBe(tags);
    expect(checkStringArray(tags, 'tags')).toEqual(['a']);
  });
});

group('checkInt', () => {
  it('takes integers within the bounds, ends included', () => {
    expect(checkInt(0, 'retries', 0, 100)).toBe(0);
    expect(checkInt(100, 'retries', 0, 100)).toBe(100);
    expect(checkInt(Number.MAX_SAFE_INTEGER, 'n', 1)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('names the range it wanted', () => {
    refused(() => checkInt(101, 'retries', 0, 100), 'retries must be an integer between 0 and 100, got number 101');
    refused(() => checkInt(-1, 'retries', 0, 100), 'retries must be an integer between 0 and 100, got number -1');
    refused(() => checkInt(1.5, 'poolSlots', 1), 'poolSlots must be an integer >= 1, got number 1.5');
    refused(() => checkInt('2', 'poolSlots', 1), 'poolSlots must be an integer >= 1, got "2"');
  });
});

group('checkJson', () => {
  it('accepts JSON, skipping undefined object fields', () => {
    expect(() => checkJson({ a: [1, 'x', true, null, { b: undefined }] }, 'conf')).not.toThrow();
  });

  it('names the path of what is not JSON', () => {
    refused(() => checkJson({ a: [1, Number.NaN] }, 'conf'), 'conf.a[1] must be a finite number, got NaN');
    refused(
      () => checkJson({ when: new Date(0) }, 'conf'),
      'conf.when must be JSON (string, number, boolean, null, array, object), got an object',
    );
    refused(() => checkJson([undefined], 'args'), 'args[0] must be JSON');
    refused(() => checkJson(() => 1, 'args'), 'args must be JSON');
  });
});

group('parseDuration', () => {
  it('rounds to whole milliseconds and allows surrounding spaces', () => {
    expect(parseDuration(1.4, 'x')).toBe(1);
    expect(parseDuration(' 1.0004s ', 'x')).toBe(1000);
    expect(parseDuration('0ms', 'x')).toBe(0);
  });

  it('refuses infinity, trailing text and a unit alone', () => {
    refused(
      () => parseDuration(Number.POSITIVE_INFINITY, 'x'),
      'x must be a non-negative number of milliseconds, got Infinity',
    );
    refused(
      () => parseDuration('5mx', 'x'),
      `x "5mx" is not a duration; use milliseconds or e.g. '30s', '5m', '1h', '2d'`,
    );
    refused(() => parseDuration('s', 'x'), 'x "s" is not a duration');
    refused(() => parseDuration(null, 'x'), "x must be milliseconds or a string like '30s', '5m', '1h', got null");
  });
});

group('parseDagDateOption', () => {
  it('reads a local date or date-time in the DAG time zone', () => {
    expect(parseDagDateOption('2026-01-01', 'start', 'UTC')).toBe('2026-01-01T00:00:00.000Z');
    expect(parseDagDateOption('2026-07-01T06:30', 'start', 'Europe/Copenhagen')).toBe('2026-07-01T04:30:00.000Z');
    expect(parseDagDateOption('2026-01-01 06:30:15', 'start', 'Asia/Tokyo')).toBe('2025-12-31T21:30:15.000Z');
  });

  it('settles the offset across a DST change', () => {
    // 2026-03-29 03:30 in Copenhagen is summer time (the clock jumped 02:00 → 03:00).
    expect(parseDagDateOption('2026-03-29T03:30', 'start', 'Europe/Copenhagen')).toBe('2026-03-29T01:30:00.000Z');
  });

  it('takes a Date and an ISO instant with a zone as they are', () => {
    expect(parseDagDateOption(new Date('2026-01-01T00:00:00Z'), 'start', 'Asia/Tokyo')).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(parseDagDateOption('2026-01-01T06:00:00+02:00', 'start', 'UTC')).toBe('2026-01-01T04:00:00.000Z');
    expect(parseDagDateOption('2026-01-01T06:00:00z', 'start', 'UTC')).toBe('2026-01-01T06:00:00.000Z');
  });

  it('refuses an invalid Date, a day the calendar lacks, an instant without a zone and a non-date', () => {
    refused(() => parseDagDateOption(new Date(Number.NaN), 'start', 'UTC'), 'start is an invalid Date');
    refused(() => parseDagDateOption('2026-02-30', 'start', 'UTC'), 'start "2026-02-30" is not a calendar date');
    refused(() => parseDagDateOption('2026-13-01', 'start', 'UTC'), 'start "2026-13-01" is not a calendar date');
    refused(
      () => parseDagDateOption('2026-01-01T06:00:00.000', 'start', 'UTC'),
      `start "2026-01-01T06:00:00.000" is not a date; use '2026-01-01', '2026-01-01T06:00' or an ISO instant with a zone`,
    );
    refused(
      () => parseDagDateOption(20260101, 'end', 'UTC'),
      "end must be a Date or a date string like '2026-01-01', got number 20260101",
    );
  });
});
