/** A mapped task in the DAG page's grid, against a real HTTP server: its summary cell, and its instances paged. */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Grid, MappedGridPage } from '@sluice/client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer } from '../test/api-server';
import { DagGrid } from './DagGrid';

let server: ApiServer;

beforeEach(async () => {
  server = await startApiServer();
});

afterEach(async () => {
  await server.close();
});

const AT = '2026-12-01T00:00:00.000Z';

function grid(): Grid {
  const task = (taskId: string) => ({
    taskId,
    operator: 'fn',
    upstream: [],
    triggerRule: 'all_success',
    retries: 0,
    group: null,
    role: null,
    branch: null,
  });
  return {
    dagId: 'fan',
    tasks: [task('list'), task('load')],
    groups: [],
    runs: [
      {
        runId: 'r1',
        state: 'running',
        runType: 'manual',
        logicalDate: AT,
        dataIntervalStart: AT,
        dataIntervalEnd: AT,
        startedAt: AT,
        endedAt: null,
        states: { list: 'success', load: 'failed' },
        cells: {
          list: { tryNumber: 1, startedAt: AT, endedAt: AT, durationMs: 10 },
          load: { tryNumber: 1, startedAt: AT, endedAt: null, durationMs: null },
        },
        mapped: { load: { total: 10_000, counts: { success: 9_990, failed: 3, running: 7 } } },
      },
    ],
    totalRuns: 1,
    totalRunsCapped: false,
  };
}

/** The page of instances asked for: every seventh one failed. */
function page(offset: number, count: number): MappedGridPage {
  const instances = Array.from({ length: count }, (_, i) => ({
    mapIndex: offset + i,
    state: (offset + i) % 7 === 0 ? ('failed' as const) : ('success' as const),
    tryNumber: 1,
    startedAt: AT,
    endedAt: AT,
    durationMs: 5,
  }));
  return { dagId: 'fan', taskId: 'load', total: 10_000, offset, count, runs: [{ runId: 'r1', instances }] };
}

it('shows a mapped task as one row whose cell counts its instances, coloured by the worst state', async () => {
  render(
    <Providers>
      <DagGrid grid={grid()} format={(iso) => iso ?? '—'} />
    </Providers>,
  );
  const cell = screen.getByTestId('grid-cell-load-r1');
  expect(cell.getAttribute('data-state')).toBe('failed');
  expect(cell.className).toContain('is-mapped');
  expect(cell.getAttribute('aria-label')).toBe('load in r1: 10000 instances, 3 failed · 7 running · 9990 success');
  expect(screen.getByTestId('grid-mapped-load').getAttribute('aria-expanded')).toBe('false');
  expect(screen.getByTestId('grid-mapped-load').textContent).toContain('mapped × 10000');
  // An unmapped task keeps its plain row.
  expect(screen.queryByTestId('grid-mapped-list')).toBeNull();
});

it('expands to one row per instance, fifty at a time out of 10,000, and pages on', async () => {
  server.on('GET', '/dags/fan/grid/mapped/load', (req) => ({
    body: page(Number(req.query.get('offset')), Number(req.query.get('count'))),
  }));
  render(
    <Providers>
      <DagGrid grid={grid()} format={(iso) => iso ?? '—'} />
    </Providers>,
  );
  const user = userEvent.setup();
  await user.click(screen.getByTestId('grid-mapped-load'));
  expect((await screen.findByTestId('grid-cell-load[7]-r1')).getAttribute('data-state')).toBe('failed');
  expect(screen.getByTestId('grid-cell-load[7]-r1').getAttribute('href')).toBe('/dags/fan/runs/r1?task=load%5B7%5D');
  expect(document.querySelectorAll('.grid-instance-row')).toHaveLength(50);
  expect(screen.getByTestId('grid-mapped-range-load').textContent).toBe('0–49 of 10000');

  await user.click(screen.getByTestId('grid-mapped-next-load'));
  expect(await screen.findByTestId('grid-row-load[50]')).toBeTruthy();
  expect(screen.queryByTestId('grid-row-load[0]')).toBeNull();
  expect(document.querySelectorAll('.grid-instance-row')).toHaveLength(50);
  const asked = server.requests.map((r) => `${r.query.get('offset')}/${r.query.get('count')}/${r.query.get('limit')}`);
  expect(asked).toEqual(['0/50/1', '50/50/1']);

  await user.click(screen.getByTestId('grid-mapped-load'));
  expect(screen.queryByTestId('grid-row-load[50]')).toBeNull();
  expect(
    within(screen.getByTestId('grid-row-load')).getByTestId('grid-mapped-load').getAttribute('aria-expanded'),
  ).toBe('false');
});
