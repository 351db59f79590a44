import { ApiError } from '@sluice/client';
import { describe, expect, it } from 'vitest';
import { RUN_ID, fakeClient, runDetail, runWith } from './testing';

describe('sluice runs list', () => {
  it('passes --limit and --state to listRuns and prints run states', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['runs', 'list', 'etl', '--limit', '5', '--state', 'failed'], { client });
    expect(r.code).toBe(0);
    expect(calls).toEqual([{ method: 'listRuns', args: ['etl', { limit: 5, state: 'failed' }] }]);
    expect(r.stdout).toMatch(/^RUN ID\s+STATE\s+TYPE\s+LOGICAL DATE/);
    expect(r.stdout).toMatch(new RegExp(`${RUN_ID}\\s+success\\s+manual\\s+2026-11-22 03:00:00Z`));
    expect(r.stdout).toMatch(/scheduled__2026-11-21T00:00:00.000Z\s+failed\s+scheduled/);
  });

  it('sends no query when no option is given', async () => {
    const { client, calls } = fakeClient();
    await runWith(['runs', 'list', 'etl'], { client });
    expect(calls).toEqual([{ method: 'listRuns', args: ['etl', {}] }]);
  });

  it('--json prints exactly the API page', async () => {
    const r = await runWith(['runs', 'list', 'etl', '--json']);
    expect(JSON.parse(r.stdout)).toEqual(await fakeClient().client.listRuns('etl'));
  });

  it('says when more runs exist than were shown', async () => {
    const page = await fakeClient().client.listRuns('etl');
    const { client } = fakeClient({ listRuns: async () => ({ ...page, total: 40, nextCursor: 'next' }) });
    const r = await runWith(['runs', 'list', 'etl'], { client });
    expect(r.stdout).toContain('showing 2 of 40 runs (use --limit)');
  });

  it('says "more than" when the API counted up to its cap', async () => {
    const page = await fakeClient().client.listRuns('etl');
    const { client } = fakeClient({
      listRuns: async () => ({ ...page, total: 1000, totalCapped: true, nextCursor: 'next' }),
    });
    const r = await runWith(['runs', 'list', 'etl'], { client });
    expect(r.stdout).toContain('showing 2 of more than 1000 runs (use --limit)');
  });

  it.each([
    [['--limit', '0'], "'--limit <n>' argument '0' is invalid"],
    [['--limit', 'ten'], "'--limit <n>' argument 'ten' is invalid"],
    [['--state', 'done'], 'Allowed choices are queued, running, success, failed'],
  ])('rejects %j with exit 2 before any request', async (args, message) => {
    const { client, calls } = fakeClient();
    const r = await runWith(['runs', 'list', 'etl', ...args], { client });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(calls).toEqual([]);
  });
});

describe('sluice runs show', () => {
  it('prints the run and a task instance table with states and waiting reasons', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['runs', 'show', 'etl', RUN_ID], { client });
    expect(calls).toEqual([{ method: 'getRun', args: ['etl', RUN_ID] }]);
    expect(r.stdout).toContain('state:         running');
    expect(r.stdout).toMatch(/TASK ID\s+STATE\s+TRY\s+OPERATOR/);
    expect(r.stdout).toMatch(/extract\s+success\s+1\/3\s+shell\s+2026-11-22 03:00:01Z\s+3\.5s/);
    expect(r.stdout).toMatch(/load\s+up_for_retry\s+2\/3/);
    expect(r.stdout).toMatch(/report\s+none\s+1\/3\s+shell\s+-\s+-\s+upstream load is not done/);
  });

  it('--json prints exactly the API RunDetail', async () => {
    const r = await runWith(['runs', 'show', 'etl', RUN_ID, '--json']);
    expect(JSON.parse(r.stdout)).toEqual(runDetail('running'));
  });

  it('a missing run exits 1 with the API message', async () => {
    const { client } = fakeClient({
      getRun: async () => {
        throw new ApiError(404, 'not_found', 'run "x" of DAG "etl" not found');
      },
    });
    const r = await runWith(['runs', 'show', 'etl', 'x'], { client });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: run "x" of DAG "etl" not found\n');
  });
});

describe('sluice runs mark-failed / mark-success', () => {
  it('calls setRunState with the state named by the command', async () => {
    const { client, calls } = fakeClient();
    const failed = await runWith(['runs', 'mark-failed', 'etl', RUN_ID], { client });
    const success = await runWith(['runs', 'mark-success', 'etl', RUN_ID], { client });
    expect(calls).toEqual([
      { method: 'setRunState', args: ['etl', RUN_ID, 'failed'] },
      { method: 'setRunState', args: ['etl', RUN_ID, 'success'] },
    ]);
    expect(failed.stdout).toBe(`marked etl run ${RUN_ID} as failed\n`);
    expect(success.stdout).toBe(`marked etl run ${RUN_ID} as success\n`);
  });

  it('a conflict exits 1 with the API message', async () => {
    const { client } = fakeClient({
      setRunState: async () => {
        throw new ApiError(409, 'conflict', 'run is already success');
      },
    });
    const r = await runWith(['runs', 'mark-success', 'etl', RUN_ID], { client });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: run is already success\n');
  });
});
