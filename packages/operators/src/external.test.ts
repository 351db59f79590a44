/** Markers: how a try names the external job it submits, and which earlier jobs it may adopt. */
import { describe, expect, it } from 'vitest';
import { adoptableMarkers, markerFor } from './external';

const run = { dagId: 'etl', runId: 'manual__2026-03-01', taskId: 'spark' };

describe('markerFor', () => {
  it('is the same for the same try on every call, and sluice- plus 20 hex digits', () => {
    expect(markerFor(run, 2)).toBe(markerFor({ ...run }, 2));
    expect(markerFor(run, 2)).toMatch(/^sluice-[0-9a-f]{20}$/);
  });

  it('differs for another try, task, run or DAG', () => {
    const markers = new Set([
      markerFor(run, 1),
      markerFor(run, 2),
      markerFor({ ...run, taskId: 'other' }, 1),
      markerFor({ ...run, runId: 'manual__2026-03-02' }, 1),
      markerFor({ ...run, dagId: 'etl2' }, 1),
    ]);
    expect(markers.size).toBe(5);
  });

  it('keeps the task id apart from the try number', () => {
    expect(markerFor({ dagId: 'a', runId: 'b', taskId: 'c1' }, 1)).not.toBe(
      markerFor({ dagId: 'a', runId: 'b', taskId: 'c' }, 11),
    );
  });
});

describe('adoptableMarkers', () => {
  it("lists earlier tries' markers, leaving out the try's own and those being cancelled, in order", () => {
    expect(adoptableMarkers({ marker: 'm3', taskMarkers: ['m1', 'm2', 'm3', 'm4'], cancelledMarkers: ['m2'] })).toEqual(
      ['m1', 'm4'],
    );
    expect(adoptableMarkers({ marker: 'm1', taskMarkers: ['m1'], cancelledMarkers: [] })).toEqual([]);
  });
});
