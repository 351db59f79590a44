import { ApiError } from '@sluice/client';
import { describe, expect, it } from 'vitest';
import { RUN_ID, dagDetail, fakeClient, runDetail, runWith, taskInstance } from './testing';

describe('sluice dags list / show', () => {
  it('prints a table of DAGs with the state of their last run', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['dags', 'list'], { client });
    expect(r.code).toBe(0);
    expect(calls).toEqual([{ method: 'listDags', args: [] }]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DAG ID\s+PAUSED\s+SCHEDULE\s+LAST RUN\s+LAST STATE/);
    expect(lines[1]).toMatch(/^etl\s+no\s+@daily\s+2026-11-22 03:00:00Z\s+failed\s/);
    expect(lines[2]).toMatch(/^glue_hourly\s+yes\s/);
    // columns line up: the state column starts at the same offset on every row
    expect(lines[1]?.indexOf('failed')).toBe(lines[0]?.indexOf('LAST STATE'));
  });

  it('--json prints exactly the API page', async () => {
    const { client } = fakeClient();
    const r = await runWith(['dags', 'list', '--json'], { client });
    expect(JSON.parse(r.stdout)).toEqual(await fakeClient().client.listDags());
  });

  it('show passes the DAG id and prints tasks and recent run states', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['dags', 'show', 'etl'], { client });
    expect(calls).toEqual([
      { method: 'getDag', args: ['etl'] },
      { method: 'getDagLinks', args: ['etl'] },
    ]);
    expect(r.stdout).toContain('schedule:    @daily (UTC)');
    expect(r.stdout).toMatch(/load\s+emr\s+extract\s+all_success\s+2/);
    expect(r.stdout).toMatch(new RegExp(`${RUN_ID}\\s+failed\\s+manual`));
  });

  it('show --json prints the API DagDetail with its links', async () => {
    const r = await runWith(['dags', 'show', 'etl', '--json']);
    expect(JSON.parse(r.stdout)).toEqual({ ...dagDetail(), links: await fakeClient().client.getDagLinks('etl') });
  });

  it('a missing DAG exits 1 with the API message', async () => {
    const { client } = fakeClient({
      getDag: async () => {
        throw new ApiError(404, 'not_found', 'DAG "nope" not found');
      },
    });
    const r = await runWith(['dags', 'show', 'nope'], { client });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: DAG "nope" not found\n');
    expect(r.stdout).toBe('');
  });
});

describe('sluice dags trigger', () => {
  it('sends conf, logical date and run id to triggerRun', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(
      [
        'dags',
        'trigger',
        'etl',
        '--conf',
        '{"day":"2026-11-21","n":2}',
        '--logical-date',
        '2026-11-21T00:00:00+09:00',
        '--run-id',
        'my-run',
      ],
      { client },
    );
    expect(r.code).toBe(0);
    expect(calls).toEqual([
      {
        method: 'triggerRun',
        args: ['etl', { conf: { day: '2026-11-21', n: 2 }, logicalDate: '2026-11-20T15:00:00.000Z', runId: 'my-run' }],
      },
    ]);
    expect(r.stdout).toBe(`triggered etl run ${RUN_ID} (queued)\n`);
  });

  it('sends an empty body when no option is given', async () => {
    const { client, calls } = fakeClient();
    await runWith(['dags', 'trigger', 'etl'], { client });
    expect(calls).toEqual([{ method: 'triggerRun', args: ['etl', {}] }]);
  });

  it('invalid --conf JSON exits 2 naming --conf and the parse error, without calling the API', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['dags', 'trigger', 'etl', '--conf', '{day: 1}'], { client });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --conf is not valid JSON: .*property name/);
    expect(calls).toEqual([]);
  });

  it('--conf that is JSON but not an object exits 2 without calling the API', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['dags', 'trigger', 'etl', '--conf', '[1,2]'], { client });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--conf must be a JSON object');
    expect(calls).toEqual([]);
  });

  it('an unparseable --logical-date exits 2 without calling the API', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['dags', 'trigger', 'etl', '--logical-date', 'yesterday'], { client });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'--logical-date <iso>' argument 'yesterday' is invalid");
    expect(calls).toEqual([]);
  });

  it('a 400 with issues exits 2 and prints each issue', async () => {
    const { client } = fakeClient({
      triggerRun: async () => {
        throw new ApiError(400, 'bad_request', 'invalid run config', [{ path: 'conf.day', message: 'Required' }]);
      },
    });
    const r = await runWith(['dags', 'trigger', 'etl', '--conf', '{}'], { client });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: invalid run config\n  conf.day: Required\n');
  });

  it('--wait polls the run until it succeeds and exits 0', async () => {
    const states = ['running', 'running', 'success'] as const;
    let polls = 0;
    const { client, calls } = fakeClient({
      getRun: async () => runDetail(states[Math.min(polls++, states.length - 1)] ?? 'success'),
    });
    const r = await runWith(['dags', 'trigger', 'etl', '--wait'], { client, pollIntervalMs: 250 });
    expect(r.code).toBe(0);
    expect(calls.map((c) => c.method)).toEqual(['triggerRun', 'getRun', 'getRun', 'getRun']);
    expect(calls[1]?.args).toEqual(['etl', RUN_ID]);
    expect(r.sleeps).toEqual([250, 250, 250]);
    expect(r.stdout).toContain(`run ${RUN_ID} success after 59.5s`);
  });

  it('--wait exits 1 and names the failed tasks when the run fails', async () => {
    const { client } = fakeClient({
      getRun: async () =>
        runDetail('failed', { taskInstances: [taskInstance('extract', 'success'), taskInstance('load', 'failed')] }),
    });
    const r = await runWith(['dags', 'trigger', 'etl', '--wait', '--json'], { client });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ runId: RUN_ID, state: 'failed' });
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'failed', message: `run ${RUN_ID} failed`, issues: [] } });
  });

  it('--wait without --json names the failed tasks', async () => {
    const { client } = fakeClient({
      getRun: async () =>
        runDetail('failed', { taskInstances: [taskInstance('extract', 'success'), taskInstance('load', 'failed')] }),
    });
    const r = await runWith(['dags', 'trigger', 'etl', '--wait'], { client });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('failed tasks: load (failed)');
  });
});

describe('sluice dags pause / unpause / import-errors', () => {
  it('pause and unpause call setPaused with true and false', async () => {
    const { client, calls } = fakeClient();
    const paused = await runWith(['dags', 'pause', 'etl'], { client });
    const unpaused = await runWith(['dags', 'unpause', 'etl'], { client });
    expect(calls).toEqual([
      { method: 'setPaused', args: ['etl', true] },
      { method: 'setPaused', args: ['etl', false] },
    ]);
    expect(paused.stdout).toBe('paused etl\n');
    expect(unpaused.stdout).toBe('unpaused etl\n');
  });

  it('import-errors prints file:line:column: message and exits 1, as validate does', async () => {
    const r = await runWith(['dags', 'import-errors']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: 1 DAG file failed to import\n');
    expect(r.stdout).toBe('broken.ts:4:7: cycle: a -> b -> a\n');
  });

  it('import-errors exits 0 when every file imported', async () => {
    const { client } = fakeClient({ listImportErrors: async () => ({ items: [] }) });
    expect((await runWith(['dags', 'import-errors'], { client })).code).toBe(0);
  });

  it('import-errors --json prints the API answer', async () => {
    const r = await runWith(['dags', 'import-errors', '--json']);
    expect(JSON.parse(r.stdout)).toEqual(await fakeClient().client.listImportErrors());
  });
});
