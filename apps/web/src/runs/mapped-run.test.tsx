/** A run page with a mapped task and asset events, against a real HTTP server. */
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import type { RunDetail, TaskInstance } from '@sluice/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer } from '../test/api-server';
import { RunPage } from './RunPage';
import { countsText, shortJson, taskRows } from './mapped';

let server: ApiServer;

beforeEach(async () => {
  server = await startApiServer();
});

afterEach(async () => {
  await server.close();
});

const AT = '2026-12-01T00:00:00.000Z';

function ti(taskId: string, state: TaskInstance['state'], extra: Partial<TaskInstance> = {}): TaskInstance {
  return {
    taskId,
    state,
    tryNumber: 1,
    maxTries: 2,
    operator: 'fn',
    startedAt: AT,
    endedAt: state === 'running' ? null : '2026-12-01T00:00:02.000Z',
    durationMs: state === 'running' ? null : 2000,
    waitingReason: null,
    external: null,
    ...extra,
  };
}

function run(instances: number, extra: Partial<RunDetail> = {}): RunDetail {
  return {
    runId: 'r1',
    dagId: 'fan',
    state: 'failed',
    runType: 'manual',
    logicalDate: AT,
    dataIntervalStart: AT,
    dataIntervalEnd: AT,
    startedAt: AT,
    endedAt: '2026-12-01T00:01:00.000Z',
    conf: {},
    versionHash: 'abc',
    bundleCommit: null,
    sourceUrl: null,
    deadline: null,
    callbacks: [],
    triggeringEvents: [],
    taskInstances: [
      ti('list', 'success'),
      ...Array.from({ length: instances }, (_, i) =>
        ti('load', i === 1 ? 'failed' : 'success', {
          mapIndex: i,
          mapItem: { file: `part-${i}.csv` },
          tryNumber: i === 1 ? 2 : 1,
        }),
      ),
    ],
    ...extra,
  };
}

function show(detail: RunDetail, path = '/dags/fan/runs/r1') {
  server.on('GET', '/dags/fan/runs/r1', { body: detail });
  server.on('GET', '/dags/fan/runs/r1/notes', { body: { items: [] } });
  render(
    <Providers path={path}>
      <Routes>
        <Route path="/dags/:dagId/runs/:runId" element={<RunPage />} />
      </Routes>
    </Providers>,
  );
  return userEvent.setup();
}

describe('a mapped task on the run page', () => {
  it('is one row counting its instances, whose instances are listed with index, item, state, tries and a log link', async () => {
    show(run(3));
    const row = await screen.findByTestId('ti-row-load');
    expect(row.getAttribute('data-state')).toBe('failed');
    expect(screen.getByTestId('ti-mapped-load').textContent).toBe(' mapped × 3: 1 failed · 2 success');
    const list = screen.getByTestId('mapped-load');
    const second = within(list).getByTestId('ti-row-load[1]');
    expect(second.textContent).toContain('{"file":"part-1.csv"}');
    expect(second.textContent).toContain('2/2');
    expect(second.getAttribute('data-state')).toBe('failed');
    expect(within(list).getByTestId('mapped-log-load[1]').getAttribute('href')).toBe(
      '/dags/fan/runs/r1?task=load%5B1%5D',
    );
  });

  it('pages 10,000 instances fifty at a time', async () => {
    const user = show(run(10_000));
    const list = await screen.findByTestId('mapped-load');
    expect(within(list).getAllByRole('row')).toHaveLength(51);
    expect(within(list).getByText('0–49 of 10000')).toBeTruthy();
    await user.click(screen.getByTestId('mapped-next-load'));
    expect(within(list).getByTestId('ti-row-load[50]')).toBeTruthy();
    expect(within(list).queryByTestId('ti-row-load[0]')).toBeNull();
  });

  it("opens one instance's panel from its key and clears that instance alone, or every instance from the list", async () => {
    server.on('GET', '/dags/fan/runs/r1/tasks/load%5B1%5D', {
      body: {
        ...ti('load', 'failed', { mapIndex: 1, mapItem: { file: 'part-1.csv' } }),
        dagId: 'fan',
        runId: 'r1',
        tries: [],
        output: null,
      },
    });
    const cleared = { cleared: ['load'], dryRun: false, runs: [] };
    server.on('POST', '/dags/fan/runs/r1/tasks/load%5B1%5D/clear', { body: cleared });
    server.on('POST', '/dags/fan/runs/r1/tasks/load/clear', { body: cleared });
    const user = show(run(3), '/dags/fan/runs/r1?task=load%5B1%5D');
    const panel = await screen.findByTestId('ti-panel');
    expect(await within(panel).findByRole('heading', { name: 'load[1]' })).toBeTruthy();
    expect(within(panel).getByTestId('ti-map-item').textContent).toBe('item {"file":"part-1.csv"}');
    expect(screen.queryByText(/No task "load\[1\]"/)).toBeNull();
    // Notes are kept per task, not per instance: none is offered on load[1].
    expect(await screen.findByText('Add a note on this run')).toBeTruthy();
    expect(screen.queryByText(/Add a note on task/)).toBeNull();

    await user.click(within(panel).getByTestId('clear-button'));
    await user.click(screen.getByTestId('clear-confirm'));
    await waitFor(() =>
      expect(
        server.requests.some(
          (r) =>
            r.method === 'POST' &&
            r.path.endsWith('/tasks/load%5B1%5D/clear') &&
            !(r.body as { dryRun?: boolean }).dryRun,
        ),
      ).toBe(true),
    );

    await user.click(within(screen.getByTestId('mapped-load')).getByTestId('clear-button'));
    const open = document.querySelector('dialog[open]');
    expect(open?.textContent).toContain('Clear load (all 3 instances)?');
    await user.click(within(open as HTMLElement).getByTestId('clear-confirm'));
    await waitFor(() =>
      expect(
        server.requests.some(
          (r) =>
            r.method === 'POST' &&
            r.path === '/api/v1/dags/fan/runs/r1/tasks/load/clear' &&
            !(r.body as { dryRun?: boolean }).dryRun,
        ),
      ).toBe(true),
    );
  });
});

describe('an asset-triggered run', () => {
  it('lists the events it was created for, with the asset, the producing run and the metadata', async () => {
    show(
      run(0, {
        runType: 'asset_triggered',
        triggeringEvents: [
          {
            id: 'e1',
            uri: 's3://lake/events/',
            extra: { rows: 12 },
            source: { kind: 'task', dagId: 'ingest', runId: 'manual__1', taskId: 'load', tryNumber: 1 },
            createdAt: AT,
          },
          { id: 'e2', uri: 's3://lake/users/', extra: {}, source: { kind: 'external', actor: 'bob' }, createdAt: AT },
        ],
      }),
    );
    const first = await screen.findByTestId('triggering-event-s3://lake/events/');
    expect(within(first).getByRole('link', { name: 's3://lake/events/' }).getAttribute('href')).toBe(
      `/assets/${encodeURIComponent('s3://lake/events/')}`,
    );
    expect(within(first).getByRole('link', { name: 'load in manual__1' }).getAttribute('href')).toBe(
      '/dags/ingest/runs/manual__1?task=load',
    );
    expect(first.textContent).toContain('{"rows":12}');
    expect(screen.getByTestId('triggering-event-s3://lake/users/').textContent).toContain('posted by bob');
  });

  it('shows no such card on a run of any other type', async () => {
    show(run(1));
    await screen.findByTestId('ti-row-load');
    expect(screen.queryByTestId('triggering-events')).toBeNull();
  });
});

describe('grouping instances', () => {
  it('keeps unmapped tasks as they are and sums a mapped one up: worst state, most tries, all ended or not', () => {
    const rows = taskRows([
      ti('list', 'success'),
      ti('load', 'success', { mapIndex: 1, endedAt: '2026-12-01T00:00:09.000Z' }),
      ti('load', 'running', { mapIndex: 0, tryNumber: 3 }),
      ti('report', 'none', { startedAt: null, endedAt: null }),
    ]);
    expect(rows.map((r) => (r.kind === 'task' ? r.ti.taskId : `${r.taskId}×${r.instances.length}`))).toEqual([
      'list',
      'load×2',
      'report',
    ]);
    const load = rows[1];
    if (load?.kind !== 'mapped') throw new Error('load should be mapped');
    expect(load.instances.map((i) => i.mapIndex)).toEqual([0, 1]);
    expect(load.summary).toMatchObject({
      taskId: 'load',
      state: 'running',
      tryNumber: 3,
      startedAt: AT,
      endedAt: null,
    });
    expect(load.counts).toEqual({ running: 1, success: 1 });
    const done = taskRows([
      ti('a', 'success', { mapIndex: 0 }),
      ti('a', 'skipped', { mapIndex: 1, endedAt: '2026-12-01T00:00:09.000Z' }),
    ]);
    expect(done[0]?.kind === 'mapped' && done[0].summary).toMatchObject({
      state: 'skipped',
      endedAt: '2026-12-01T00:00:09.000Z',
    });
  });

  it('says the counts worst first and cuts a long item', () => {
    expect(countsText({ success: 2, failed: 1, upstream_failed: 4 }, (s) => s)).toBe(
      '1 failed · 4 upstream_failed · 2 success',
    );
    expect(shortJson({ a: 'x'.repeat(100) }, 12)).toBe('{"a":"xxxxx…');
    expect(shortJson([1, 2])).toBe('[1,2]');
    expect(shortJson(undefined)).toBe('—');
  });
});
