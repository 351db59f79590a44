import type { DagSummary } from '@sluice/client';
import { describe, expect, it } from 'vitest';
import { matchesSearch, readSort, sortDags } from './listSort';

const dag = (dagId: string, extra: Partial<DagSummary> = {}): DagSummary => ({
  dagId,
  description: null,
  schedule: null,
  timezone: 'UTC',
  owner: null,
  tags: [],
  isPaused: false,
  fileLoc: `${dagId}.ts`,
  versionHash: 'h',
  bundleCommit: null,
  sourceUrl: null,
  nextRunAt: null,
  recentRuns: [],
  taskCount: 1,
  ...extra,
});

const run = (logicalDate: string, state: 'success' | 'failed') => ({
  runId: logicalDate,
  state,
  runType: 'scheduled' as const,
  logicalDate,
  dataIntervalStart: logicalDate,
  dataIntervalEnd: logicalDate,
  startedAt: null,
  endedAt: null,
});

describe('DAG list search', () => {
  it('matches every word, in any case, against id, description, owner and tags', () => {
    const d = dag('daily_etl', { description: 'Loads the Warehouse', owner: 'data-platform', tags: ['emr'] });
    expect(matchesSearch(d, '')).toBe(true);
    expect(matchesSearch(d, 'WAREHOUSE emr')).toBe(true);
    expect(matchesSearch(d, 'platform daily')).toBe(true);
    expect(matchesSearch(d, 'warehouse glue')).toBe(false);
  });
});

describe('DAG list sort', () => {
  const a = dag('a', { nextRunAt: '2026-12-02T00:00:00Z', recentRuns: [run('2026-11-01T00:00:00Z', 'success')] });
  const b = dag('b', { nextRunAt: '2026-12-01T00:00:00Z', recentRuns: [run('2026-11-03T00:00:00Z', 'failed')] });
  const c = dag('c');

  it('sorts by name, soonest next run, newest run, or failed first; what lacks the key goes last', () => {
    const ids = (sort: Parameters<typeof sortDags>[1]) => sortDags([c, b, a], sort).map((d) => d.dagId);
    expect(ids('name')).toEqual(['a', 'b', 'c']);
    expect(ids('next')).toEqual(['b', 'a', 'c']);
    expect(ids('latest')).toEqual(['b', 'a', 'c']);
    expect(ids('failed')).toEqual(['b', 'a', 'c']);
  });

  it('reads an unknown sort as by name', () => {
    expect(readSort('latest')).toBe('latest');
    expect(readSort('sideways')).toBe('name');
    expect(readSort(null)).toBe('name');
  });
});
