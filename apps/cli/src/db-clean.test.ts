import { describe, expect, it } from 'vitest';
import type { CleanRequest } from './context';
import { runWith } from './testing';

const counts = {
  runs: 12,
  taskInstances: 36,
  tries: 36,
  logLines: 72,
  outputs: 1,
  callbacks: 0,
  backfills: 2,
  auditEvents: 1,
  assetEvents: 2,
};

describe('sluice db clean', () => {
  it('deletes history before a date, for the DAGs named, in batches of the size given', async () => {
    const asked: CleanRequest[] = [];
    const r = await runWith(['db', 'clean', '--before', '2026-09-01', '--dags', 'etl, ingest', '--batch-size', '20'], {
      cleanDb: async (o) => {
        asked.push(o);
        return counts;
      },
    });
    expect(r.code).toBe(0);
    expect(asked).toEqual([
      {
        before: new Date('2026-09-01T00:00:00.000Z'),
        dagIds: ['etl', 'ingest'],
        dryRun: false,
        batchRuns: 20,
        archiveLogs: null,
      },
    ]);
    expect(r.stdout).toBe(
      'deleted 12 runs, 36 task instances, 36 tries, 72 log lines, 1 output, 0 callbacks, 2 backfills, 1 audit row, 2 asset events of etl, ingest from before 2026-09-01T00:00:00.000Z\n',
    );
  });

  it('takes an age and, with --dry-run, only counts', async () => {
    const asked: CleanRequest[] = [];
    const started = Date.now();
    const r = await runWith(['db', 'clean', '--before', '90d', '--dry-run'], {
      cleanDb: async (o) => {
        asked.push(o);
        return counts;
      },
    });
    expect(r.code).toBe(0);
    const ageMs = started - (asked[0]?.before.getTime() ?? 0);
    expect(Math.abs(ageMs - 90 * 86_400_000)).toBeLessThan(60_000);
    expect(asked[0]).toMatchObject({ dagIds: null, dryRun: true, batchRuns: 10 });
    expect(r.stdout).toMatch(/^would delete 12 runs, .* from before \d{4}-/);
  });

  it('refuses a --before that is neither a date nor an age', async () => {
    const r = await runWith(['db', 'clean', '--before', 'last spring']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected an ISO date (2026-09-01) or an age (90d, 12h, 2w, 30m)');
  });
});
