/** The runs page against a real HTTP server: filters become the query, pages follow nextCursor, the count is honest. */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import type { CursorPage, RunListItem } from '@sluice/client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer } from '../test/api-server';
import { RunsListPage } from './RunsListPage';

let server: ApiServer;

beforeEach(async () => {
  server = await startApiServer();
  localStorage.clear();
});

afterEach(async () => {
  await server.close();
});

const run = (dagId: string, runId: string, state: RunListItem['state']): RunListItem => ({
  dagId,
  runId,
  state,
  runType: 'manual',
  logicalDate: '2026-11-21T02:00:00.000Z',
  dataIntervalStart: '2026-11-21T02:00:00.000Z',
  dataIntervalEnd: '2026-11-21T02:00:00.000Z',
  startedAt: '2026-11-21T02:00:01.000Z',
  endedAt: '2026-11-21T02:00:04.000Z',
});

it('sends its filters, loads the page after by the cursor, and says how many of how many it shows', async () => {
  server.on('GET', '/runs', (req): { body: CursorPage<RunListItem> } =>
    req.query.get('cursor') === 'c2'
      ? { body: { items: [run('b', 'r3', 'failed')], limit: 25, nextCursor: null, total: 1001, totalCapped: true } }
      : {
          body: {
            items: [run('a', 'r1', 'success'), run('b', 'r2', 'success')],
            limit: 25,
            nextCursor: 'c2',
            total: 1000,
            totalCapped: true,
          },
        },
  );
  render(
    <Providers path="/runs?state=failed&type=manual&from=2026-11-21&to=2026-11-21&order=oldest">
      <Routes>
        <Route path="/runs" element={<RunsListPage />} />
      </Routes>
    </Providers>,
  );
  expect((await screen.findByTestId('runs-count')).textContent).toBe('showing 2 of more than 1000 runs');
  const row = screen.getByTestId('runs-row-a-r1');
  // Logical date and run after, in the zone shown and named.
  expect(within(row).getAllByText('2026-11-21 02:00:00 UTC')).toHaveLength(2);
  expect(screen.getByTestId('run-duration-r1').textContent).toBe('3s');

  await userEvent.setup().click(screen.getByTestId('runs-load-more'));
  await screen.findByTestId('runs-row-b-r3');
  expect(screen.getByText('That is everything.')).toBeTruthy();

  const [first, second] = server.requests.filter((r) => r.path === '/api/v1/runs');
  // Whole days in the zone shown (UTC here): from the first day's start to the day after the last.
  expect(Object.fromEntries(first?.query ?? [])).toEqual({
    state: 'failed',
    runType: 'manual',
    from: '2026-11-21T00:00:00.000Z',
    to: '2026-11-22T00:00:00.000Z',
    order: 'oldest',
    limit: '25',
  });
  expect(second?.query.get('cursor')).toBe('c2');
});
