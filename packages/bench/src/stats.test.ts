import { describe, expect, it } from 'vitest';
import { chainGaps, latencySummary, median, percentile, ratio, spread } from './stats';

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 25)).toBe(20);
    expect(percentile([0, 100], 95)).toBeCloseTo(95);
  });

  it('does not depend on the order of the samples', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
  });

  it('gives the extremes at 0 and 100', () => {
    expect(percentile([7, 3, 9], 0)).toBe(3);
    expect(percentile([7, 3, 9], 100)).toBe(9);
  });

  it('p99 of 1..100 lies between the two largest samples', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 99)).toBeCloseTo(99.01);
  });

  it('rejects no samples and a percentile outside 0-100', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow('percentile must be within 0-100, got 101');
  });
});

describe('median and spread', () => {
  it('median of an odd and an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('spread keeps median, min, max and the values in measured order', () => {
    expect(spread([12, 10, 30])).toEqual({ median: 12, min: 10, max: 30, values: [12, 10, 30] });
  });

  it('latencySummary reports p50/p95/p99 and the sample count', () => {
    const xs = Array.from({ length: 101 }, (_, i) => i);
    expect(latencySummary(xs)).toEqual({ p50: 50, p95: 95, p99: 99, count: 101 });
  });
});

describe('ratio', () => {
  it('divides', () => {
    expect(ratio(750, 3000)).toBe(0.25);
  });

  it('is null when it cannot be stated', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(2, undefined)).toBeNull();
    expect(ratio(Number.NaN, 2)).toBeNull();
  });
});

describe('chainGaps', () => {
  it('is the gap from each end to the next start', () => {
    expect(
      chainGaps([
        { start: 0, end: 10 },
        { start: 13, end: 20 },
        { start: 21, end: 30 },
      ]),
    ).toEqual([3, 1]);
  });

  it('has no gaps for fewer than two items', () => {
    expect(chainGaps([{ start: 0, end: 1 }])).toEqual([]);
  });
});
