/** The DAG page's grid against a real HTTP server: its true count, "load older", and cells that say how many tries. */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import type { DagDetail, Grid } from '@sluice/client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer } from '../test/api-server';
import { DagPage } from './DagPage';

let server: ApiServer;

beforeEach(async () => {
  server = await startApiServer();
});

afterEach(async () => {
  await server.close();
});

const TOTAL = 55;

/** The grid of the newest `limit` of 55 finished runs; the newest one's extract needed two tries. */
function grid(limit: number): Grid {
  const runs = Array.from({ length: Math.min(limit, TOTAL) }, (_, i) => {
    const n = TOTAL - Math.min(limit, TOTAL) + i + 1;
    const at = new Date(Date.UTC(2026, 0, n)).toISOString();
    return {
      runId: `r${n}`,
      state: 'success' as const,
      runType: 'scheduled' as const,
      logicalDate: at,
      dataIntervalStart: at,
      dataIntervalEnd: at,
      startedAt: at,
      endedAt: at,
      states: { extract: 'success' as const },
      cells: { extract: { tryNumber: n === TOTAL ? 2 : 1, startedAt: at, endedAt: at, durationMs: 1500 } },
      mapped: {},
    };
  });
  return {
    dagId: 'etl',
    tasks: [
      {
        taskId: 'extract',
        operator: 'fn',
        upstream: [],
        triggerRule: 'all_success',
        retries: 1,
        group: null,
        role: null,
        branch: null,
      },
    ],
    groups: [],
    runs,
    totalRuns: TOTAL,
    totalRunsCapped: false,
  };
}

it('says how many runs it shows of how many, loads 25 older on demand, and marks a cell that took two tries', async () => {
  server.on('GET', '/dags/etl', {
    body: {
      dagId: 'etl',
      description: null,
      schedule: '@daily',
      timezone: 'UTC',
      owner: null,
      tags: [],
      isPaused: false,
      fileLoc: 'etl.ts',
      versionHash: 'abc',
      bundleCommit: null,
      sourceUrl: null,
      nextRunAt: '2026-03-01T00:00:00.000Z',
      recentRuns: [],
      taskCount: 1,
      tasks: [],
      confSchema: null,
      groups: [],
      spec: {},
      deadline: null,
      deadlineMisses: [],
      assetSchedule: null,
      outlets: [],
    } satisfies DagDetail,
  });
  server.on('GET', '/dags/etl/grid', (req) => ({ body: grid(Number(req.query.get('limit'))) }));
  render(
    <Providers path="/dags/etl">
      <Routes>
        <Route path="/dags/:dagId" element={<DagPage />} />
      </Routes>
    </Providers>,
  );
  expect((await screen.findByTestId('grid-count')).textContent).toBe('showing 25 of 55 runs, oldest → newest');
  const retried = screen.getByTestId('grid-cell-extract-r55');
  expect(retried.getAttribute('data-tries')).toBe('2');
  expect(retried.className).toContain('is-retried');
  expect(retried.getAttribute('aria-label')).toBe('extract in r55: success, 2 tries');
  expect(screen.getByTestId('grid-cell-extract-r54').getAttribute('data-tries')).toBe('1');
  expect(screen.getByText('Next run after')).toBeTruthy();

  const user = userEvent.setup();
  await user.click(screen.getByTestId('grid-load-older'));
  await screen.findByText('showing 50 of 55 runs, oldest → newest');
  await user.click(screen.getByTestId('grid-load-older'));
  await screen.findByText('showing 55 of 55 runs, oldest → newest');
  expect(screen.queryByTestId('grid-load-older')).toBeNull();
  const limits = server.requests.filter((r) => r.path === '/api/v1/dags/etl/grid').map((r) => r.query.get('limit'));
  expect([...new Set(limits)]).toEqual(['25', '50', '75']);
});
