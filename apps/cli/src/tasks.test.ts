import { describe, expect, it } from 'vitest';
import type { TaskState } from '@sluice/client';
import { RUN_ID, fakeClient, logPage, runWith, taskDetail } from './testing';

describe('sluice tasks clear / rerun', () => {
  it('clear passes every option false by default and lists what was cleared', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['tasks', 'clear', 'etl', RUN_ID, 'load'], { client });
    expect(r.code).toBe(0);
    expect(calls).toEqual([
      {
        method: 'clearTask',
        args: [
          'etl',
          RUN_ID,
          'load',
          { onlyFailed: false, downstream: false, upstream: false, dryRun: false, past: false, future: false },
        ],
      },
    ]);
    expect(r.stdout).toBe(`${RUN_ID}: load (failed)\ncleared 1 task instance in 1 run\n`);
  });

  it('--downstream passes downstream=true', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['tasks', 'clear', 'etl', RUN_ID, 'load', '--downstream'], { client });
    expect(calls).toEqual([
      {
        method: 'clearTask',
        args: [
          'etl',
          RUN_ID,
          'load',
          { onlyFailed: false, downstream: true, upstream: false, dryRun: false, past: false, future: false },
        ],
      },
    ]);
    expect(r.stdout).toBe(`${RUN_ID}: load (failed), report (failed)\ncleared 2 task instances in 1 run\n`);
  });

  it('rerun is the same command as clear', async () => {
    const viaClear = fakeClient();
    const viaRerun = fakeClient();
    const a = await runWith(['tasks', 'clear', 'etl', RUN_ID, 'load', '--downstream'], { client: viaClear.client });
    const b = await runWith(['tasks', 'rerun', 'etl', RUN_ID, 'load', '--downstream'], { client: viaRerun.client });
    expect(viaRerun.calls).toEqual(viaClear.calls);
    expect(b).toEqual(a);
  });
});

describe('sluice tasks clear with upstream, past, future and a preview', () => {
  it('passes --upstream --past --future --only-failed --dry-run and says nothing was changed', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(
      ['tasks', 'clear', 'etl', RUN_ID, 'load', '--upstream', '--past', '--future', '--only-failed', '--dry-run'],
      { client },
    );
    expect(r.code).toBe(0);
    expect(calls).toEqual([
      {
        method: 'clearTask',
        args: [
          'etl',
          RUN_ID,
          'load',
          { onlyFailed: true, downstream: false, upstream: true, dryRun: true, past: true, future: true },
        ],
      },
    ]);
    expect(r.stdout).toBe(
      `${RUN_ID}: load (failed)\nwould clear 1 task instance in 1 run; nothing was changed (dry run)\n`,
    );
  });
});

describe('sluice tasks clear over a range', () => {
  it('sends the range, the task pattern and the flags, and lists each run', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(
      [
        'tasks',
        'clear',
        'etl',
        '--from',
        '2026-03-01',
        '--to',
        '2026-03-02',
        '--task',
        '^lo',
        '--downstream',
        '--dry-run',
      ],
      { client },
    );
    expect(r.code).toBe(0);
    expect(calls).toEqual([
      {
        method: 'clearRange',
        args: [
          'etl',
          {
            from: '2026-03-01T00:00:00.000Z',
            to: '2026-03-02T00:00:00.000Z',
            onlyFailed: false,
            downstream: true,
            upstream: false,
            dryRun: true,
            taskPattern: '^lo',
          },
        ],
      },
    ]);
    expect(r.stdout).toBe(
      [
        'scheduled__2026-03-01T00:00:00.000Z: load (failed)',
        'scheduled__2026-03-02T00:00:00.000Z: load (success)',
        'would clear 2 task instances in 2 runs; nothing was changed (dry run)',
        '',
      ].join('\n'),
    );
  });

  it('refuses --from without --to, a run with a range, --past with a range and a missing task, with exit 2', async () => {
    for (const [args, message] of [
      [['--from', '2026-03-01'], '--from and --to go together'],
      [[RUN_ID, '--from', '2026-03-01', '--to', '2026-03-02'], 'give either <run> <task> or --from/--to, not both'],
      [['--from', '2026-03-01', '--to', '2026-03-02', '--past'], '--past and --future are for one task'],
      [[RUN_ID], 'name a <run> and a <task>, or a range with --from and --to'],
      [[RUN_ID, 'load', '--task', 'x'], '--task is for a range'],
    ] as const) {
      const { client, calls } = fakeClient();
      const r = await runWith(['tasks', 'clear', 'etl', ...args], { client });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(calls).toEqual([]);
    }
  });

  it('refuses a --from that is not a date before calling the API', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['tasks', 'clear', 'etl', '--from', 'yesterday', '--to', '2026-03-02'], { client });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected an ISO date');
    expect(calls).toEqual([]);
  });
});

describe('sluice tasks logs', () => {
  it('prints the lines of the latest try when --try is not given', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['tasks', 'logs', 'etl', RUN_ID, 'load'], { client });
    expect(calls).toEqual([{ method: 'getLogs', args: ['etl', RUN_ID, 'load', { limit: 1000 }] }]);
    expect(r.stdout).toBe('2026-11-22 03:00:01Z [stderr] line 1\n2026-11-22 03:00:01Z line 2\n');
  });

  it('--try asks for that try', async () => {
    const { client, calls } = fakeClient();
    await runWith(['tasks', 'logs', 'etl', RUN_ID, 'load', '--try', '2'], { client });
    expect(calls[0]?.args[3]).toEqual({ limit: 1000, try: 2 });
  });

  it('--follow keeps reading after the last seq until the task instance is final, and exits with its outcome', async () => {
    const pages = [logPage(3, [1, 2], false), logPage(3, [], false, 2), logPage(3, [3], true)];
    let i = 0;
    const states: TaskState[] = ['running', 'running', 'success'];
    let j = 0;
    const { client, calls } = fakeClient({
      getLogs: async () => pages[i++] ?? logPage(3, [], true, 3),
      getTaskInstance: async () => ({ ...taskDetail(), tryNumber: 3, state: states[j++] ?? 'success' }),
    });
    const r = await runWith(['tasks', 'logs', 'etl', RUN_ID, 'load', '--follow'], { client, pollIntervalMs: 500 });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('task load ended success\n');
    expect(calls.filter((c) => c.method === 'getLogs').map((c) => c.args[3])).toEqual([
      { limit: 1000 },
      { limit: 1000, try: 3, after: 2 },
      { limit: 1000, try: 3, after: 2 },
      { limit: 1000, try: 3, after: 3 },
    ]);
    expect(r.sleeps).toEqual([500, 500]);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.slice(-6)),
    ).toEqual(['line 1', 'line 2', 'line 3']);
  });

  it('--follow goes on to the next try when the task retries, and exits 1 when it finally fails', async () => {
    const logs: Record<number, ReturnType<typeof logPage>[]> = {
      1: [logPage(1, [1], true)],
      2: [logPage(2, [1], false), logPage(2, [], true, 1)],
    };
    const tis: Array<[number, TaskState]> = [
      [1, 'up_for_retry'],
      [2, 'running'],
      [2, 'failed'],
    ];
    let k = 0;
    const { client } = fakeClient({
      getLogs: async (_d, _r, _t, q) => logs[q?.try ?? 1]?.shift() ?? logPage(q?.try ?? 1, [], true, 1),
      getTaskInstance: async () => {
        const [tryNumber, state] = tis[Math.min(k++, tis.length - 1)] ?? [2, 'failed'];
        return { ...taskDetail(), tryNumber, state };
      },
    });
    const r = await runWith(['tasks', 'logs', 'etl', RUN_ID, 'load', '--follow'], { client, pollIntervalMs: 10 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('--- try 2 ---');
    expect(r.stderr).toBe('error: task load ended failed\n');
  });

  it('--follow ends at once for a task that will never run (upstream_failed), with exit 1', async () => {
    const { client } = fakeClient({
      getLogs: async () => logPage(1, [], false, 0),
      getTaskInstance: async () => ({ ...taskDetail(), tryNumber: 0, state: 'upstream_failed' }),
    });
    const r = await runWith(['tasks', 'logs', 'etl', RUN_ID, 'load', '--follow'], { client, pollIntervalMs: 10 });
    expect(r.code).toBe(1);
    expect(r.sleeps).toEqual([]);
    expect(r.stderr).toBe('error: task load ended upstream_failed\n');
  });

  it('--follow ends on a task marked failed whose try never closed', async () => {
    const { client } = fakeClient({
      getLogs: async () => logPage(1, [], false, 0),
      getTaskInstance: async () => ({ ...taskDetail(), tryNumber: 1, state: 'failed' }),
    });
    const r = await runWith(['tasks', 'logs', 'etl', RUN_ID, 'load', '--follow'], { client, pollIntervalMs: 10 });
    expect(r.code).toBe(1);
  });

  it('without --follow stops after one short page even if the try is still running', async () => {
    const { client, calls } = fakeClient({ getLogs: async () => logPage(1, [1], false) });
    const r = await runWith(['tasks', 'logs', 'etl', RUN_ID, 'load'], { client });
    expect(calls).toHaveLength(1);
    expect(r.sleeps).toEqual([]);
  });
});

describe('sluice tasks show', () => {
  it('prints the task instance and each try with its error', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['tasks', 'show', 'etl', RUN_ID, 'load'], { client });
    expect(calls).toEqual([{ method: 'getTaskInstance', args: ['etl', RUN_ID, 'load'] }]);
    expect(r.stdout).toContain('state:       up_for_retry');
    expect(r.stdout).toMatch(
      /1\s+failed\s+2026-11-22 03:00:01Z\s+2026-11-22 03:00:02Z\s+1\.0s\s+worker-1\s+ShellError: exit code 3$/m,
    );
    expect(r.stdout).toMatch(/2\s+running\s+2026-11-22 03:05:00Z\s+-\s+-\s+worker-2\s+-$/m);
    expect(r.stdout).toContain('try 1:\n  ShellError: exit code 3\n  second line');
  });

  it('says who stopped a try that a clear, a mark or a timeout ended', async () => {
    const detail = taskDetail();
    detail.tries = detail.tries.map((t) =>
      t.tryNumber === 2
        ? {
            ...t,
            state: 'failed',
            endedAt: '2026-11-22T03:05:04.000Z',
            durationMs: 4000,
            stoppedBy: 'cleared by alice',
          }
        : t,
    );
    const { client } = fakeClient({ getTaskInstance: async () => detail });
    const r = await runWith(['tasks', 'show', 'etl', RUN_ID, 'load'], { client });
    expect(r.stdout).toMatch(
      /2\s+failed\s+2026-11-22 03:05:00Z\s+2026-11-22 03:05:04Z\s+4\.0s\s+worker-2\s+stopped: cleared by alice$/m,
    );
  });

  it('names one instance of a mapped task by its key and prints its item', async () => {
    const { client, calls } = fakeClient({
      getTaskInstance: async () => ({ ...taskDetail(), mapIndex: 3, mapItem: { day: '2026-11-21' } }),
    });
    const r = await runWith(['tasks', 'show', 'etl', RUN_ID, 'load[3]'], { client });
    expect(calls).toEqual([{ method: 'getTaskInstance', args: ['etl', RUN_ID, 'load[3]'] }]);
    expect(r.stdout).toContain('task:        load[3]\nitem:        {"day":"2026-11-21"}\nstate:');
  });

  it('--json prints exactly the API TaskInstanceDetail', async () => {
    const r = await runWith(['tasks', 'show', 'etl', RUN_ID, 'load', '--json']);
    expect(JSON.parse(r.stdout)).toEqual(taskDetail());
  });
});

describe('sluice tasks mark-success / mark-failed', () => {
  it('calls setTaskState with the state named by the command', async () => {
    const { client, calls } = fakeClient();
    const success = await runWith(['tasks', 'mark-success', 'etl', RUN_ID, 'load'], { client });
    await runWith(['tasks', 'mark-failed', 'etl', RUN_ID, 'load'], { client });
    expect(calls).toEqual([
      { method: 'setTaskState', args: ['etl', RUN_ID, 'load', 'success'] },
      { method: 'setTaskState', args: ['etl', RUN_ID, 'load', 'failed'] },
    ]);
    expect(success.stdout).toBe(`marked load in etl run ${RUN_ID} as success\n`);
  });
});
