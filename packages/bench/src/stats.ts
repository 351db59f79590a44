/**
 * The arithmetic of the benchmark: percentiles of one repetition's samples,
 * and the median/min/max a figure reports over its repetitions.
 */

/** A figure over repetitions: the median, with the smallest and largest value seen. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Every repetition's value, in the order measured. */
  values: number[];
}

/**
 * The p-th percentile (0–100) by linear interpolation between closest ranks
 * (the definition numpy and most spreadsheets use). Throws on no samples.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile of no samples');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0-100, got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread of no values');
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), values: [...values] };
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export function latencySummary(samples: readonly number[]): LatencySummary {
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    count: samples.length,
  };
}

/** `a ÷ b`, or null when b is zero or either side is missing (a ratio we cannot state). */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (
    a === null ||
    a === undefined ||
    b === null ||
    b === undefined ||
    b === 0 ||
    !Number.isFinite(a) ||
    !Number.isFinite(b)
  )
    return null;
  return a / b;
}

/** Hops of a chain: the gap between each item's end and the next item's start. */
export function chainGaps(items: ReadonlyArray<{ start: number; end: number }>): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < items.length; i++) {
    const prev = items[i - 1];
    const cur = items[i];
    if (prev && cur) gaps.push(cur.start - prev.end);
  }
  return gaps;
}
