import { describe, expect, it } from 'vitest';
import { BACKFILL_ID, fakeClient, runWith } from './testing';

describe('sluice dags backfill', () => {
  it('creates a backfill with the range, reprocess, limit, order and conf given', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(
      [
        'dags',
        'backfill',
        'etl',
        '--from',
        '2026-03-01',
        '--to',
        '2026-03-30',
        '--reprocess',
        'failed',
        '--max-active-runs',
        '3',
        '--reverse',
        '--conf',
        '{"day":"x"}',
      ],
      { client },
    );
    expect(r.code).toBe(0);
    expect(calls).toEqual([
      {
        method: 'createBackfill',
        args: [
          {
            dagId: 'etl',
            from: '2026-03-01T00:00:00.000Z',
            to: '2026-03-30T00:00:00.000Z',
            reverse: true,
            reprocess: 'failed',
            maxActiveRuns: 3,
            conf: { day: 'x' },
          },
        ],
      },
    ]);
    expect(r.stdout).toBe(
      `started backfill ${BACKFILL_ID} of etl: 30 intervals, 3 at a time (follow it with: sluice backfills show ${BACKFILL_ID})\n`,
    );
  });

  it('--dry-run previews each interval and what it would get, and creates nothing', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['dags', 'backfill', 'etl', '--from', '2026-03-01', '--to', '2026-03-03', '--dry-run'], {
      client,
    });
    expect(r.code).toBe(0);
    expect(calls.map((c) => c.method)).toEqual(['previewBackfill']);
    expect(r.stdout).toContain('2026-03-01T00:00:00.000Z  create              backfill__2026-03-01T00:00:00.000Z');
    expect(r.stdout).toContain('rerun failed tasks  scheduled__2026-03-02T00:00:00.000Z (failed)');
    expect(r.stdout).toContain('skip (run exists)');
    expect(r.stdout).toContain(
      'dry run: 3 intervals of etl, 1 at a time: 1 create, 1 rerun failed tasks, 1 skip (run exists); nothing was changed',
    );
  });

  it('refuses an unknown --reprocess, a missing --to and a --max-active-runs of 0 with exit 2', async () => {
    for (const args of [
      ['--from', '2026-03-01', '--to', '2026-03-02', '--reprocess', 'all'],
      ['--from', '2026-03-01'],
      ['--from', '2026-03-01', '--to', '2026-03-02', '--max-active-runs', '0'],
      ['--from', '2026-03-01', '--to', '2026-03-02', '--conf', '[1]'],
    ]) {
      const { client, calls } = fakeClient();
      const r = await runWith(['dags', 'backfill', 'etl', ...args], { client });
      expect(r.code, args.join(' ')).toBe(2);
      expect(calls).toEqual([]);
    }
  });
});

describe('sluice backfills', () => {
  it('list shows each backfill with its progress', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['backfills', 'list', '--dag', 'etl'], { client });
    expect(calls).toEqual([{ method: 'listBackfills', args: [{ dagId: 'etl' }] }]);
    expect(r.stdout).toContain('2026-03-01..2026-03-30');
    expect(r.stdout).toContain('12/30 (40%)');
    expect(r.stdout).toContain('0 queued, 3 running, 8 success, 1 failed');
  });

  it('show prints one backfill', async () => {
    const { client } = fakeClient();
    const r = await runWith(['backfills', 'show', BACKFILL_ID], { client });
    expect(r.stdout).toContain('12 of 30 decided (40%)');
    expect(r.stdout).toContain('by alice');
  });

  it('pause, resume and cancel send the action and print the new state', async () => {
    for (const [action, state] of [
      ['pause', 'paused'],
      ['resume', 'running'],
      ['cancel', 'cancelled'],
    ] as const) {
      const { client, calls } = fakeClient();
      const r = await runWith(['backfills', action, BACKFILL_ID], { client });
      expect(calls).toEqual([{ method: 'changeBackfill', args: [BACKFILL_ID, action] }]);
      expect(r.stdout).toBe(`backfill ${BACKFILL_ID} of etl is ${state}\n`);
    }
  });
});

describe('sluice runs clear and mark --dry-run', () => {
  it('runs clear --only-failed --dry-run previews the failed task instances', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['runs', 'clear', 'etl', 'r1', '--only-failed', '--dry-run'], { client });
    expect(calls).toEqual([{ method: 'clearRun', args: ['etl', 'r1', { onlyFailed: true, dryRun: true }] }]);
    expect(r.stdout).toBe('r1: load (failed)\nwould clear 1 task instance in 1 run; nothing was changed (dry run)\n');
  });

  it('runs mark-success --dry-run lists what the mark would change', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['runs', 'mark-success', 'etl', 'r1', '--dry-run'], { client });
    expect(calls).toEqual([{ method: 'markRun', args: ['etl', 'r1', 'success', { dryRun: true }] }]);
    expect(r.stdout).toBe(
      'marking r1 success would change 1 task instance: load (running); nothing was changed (dry run)\n',
    );
  });
});
