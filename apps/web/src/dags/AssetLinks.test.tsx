/** What a DAG waits for and what its tasks feed, on its page, against a real HTTP server. */
import { render, screen, within } from '@testing-library/react';
import type { DagDetail, DagLinks } from '@sluice/client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer } from '../test/api-server';
import { AssetLinks } from './AssetLinks';

let server: ApiServer;

beforeEach(async () => {
  server = await startApiServer();
});

afterEach(async () => {
  await server.close();
});

function dag(extra: Partial<DagDetail>): DagDetail {
  return {
    dagId: 'report',
    description: null,
    schedule: null,
    timezone: 'UTC',
    owner: null,
    tags: [],
    isPaused: false,
    fileLoc: 'report.ts',
    versionHash: 'abc',
    bundleCommit: null,
    sourceUrl: null,
    nextRunAt: null,
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
    ...extra,
  };
}

const links = (feeds: DagLinks['feeds']): DagLinks => ({
  dagId: 'report',
  assetSchedule: null,
  outlets: [],
  fedBy: [],
  feeds,
  linksTo: [],
  linkedFrom: [],
});

it('shows each awaited asset as updated or waiting since the last run, with the cron it also runs on', async () => {
  server.on('GET', '/dags/report/links', { body: links([]) });
  render(
    <Providers>
      <AssetLinks
        format={(iso) => iso ?? '—'}
        dag={dag({
          assetSchedule: {
            condition: 's3://lake/a/ and s3://lake/b/',
            spec: { kind: 'all', assets: ['s3://lake/a/', 's3://lake/b/'] },
            ready: false,
            reason: 'waiting for s3://lake/b/ (1 of 2 updated)',
            assets: [
              { uri: 's3://lake/a/', queuedEvents: 2, lastQueuedAt: '2026-12-01T06:00:00.000Z' },
              { uri: 's3://lake/b/', queuedEvents: 0, lastQueuedAt: null },
            ],
            cron: '0 6 * * *',
          },
        })}
      />
    </Providers>,
  );
  const schedule = screen.getByTestId('asset-schedule');
  expect(schedule.textContent).toContain('s3://lake/a/ and s3://lake/b/ or the cron 0 6 * * *, whichever comes first');
  expect(screen.getByTestId('asset-schedule-reason').textContent).toBe('waiting for s3://lake/b/ (1 of 2 updated)');
  const a = screen.getByTestId('asset-wait-s3://lake/a/');
  expect(a.getAttribute('data-updated')).toBe('true');
  expect(a.textContent).toContain('updated s3://lake/a/ 2 events since the last run, latest 2026-12-01T06:00:00.000Z');
  expect(within(a).getByRole('link', { name: 's3://lake/a/' }).getAttribute('href')).toBe(
    `/assets/${encodeURIComponent('s3://lake/a/')}`,
  );
  const b = screen.getByTestId('asset-wait-s3://lake/b/');
  expect(b.getAttribute('data-updated')).toBe('false');
  expect(b.textContent).toContain('waiting s3://lake/b/ no event since the last run');
});

it("shows what its tasks' outlets feed: the asset and the DAGs scheduled on it", async () => {
  server.on('GET', '/dags/ingest/links', {
    body: { ...links([{ uri: 's3://lake/a/', dagId: 'report', taskId: 'load' }]), dagId: 'ingest' },
  });
  render(
    <Providers>
      <AssetLinks
        format={(iso) => iso ?? '—'}
        dag={dag({
          dagId: 'ingest',
          outlets: [
            { taskId: 'load', uri: 's3://lake/a/' },
            { taskId: 'load', uri: 's3://lake/unused/' },
          ],
        })}
      />
    </Providers>,
  );
  const fed = await screen.findByText('report');
  expect(fed.getAttribute('href')).toBe('/dags/report');
  expect(screen.getByTestId('outlet-load-s3://lake/a/').textContent).toBe(
    'load updates s3://lake/a/, which triggers report',
  );
  expect(screen.getByTestId('outlet-load-s3://lake/unused/').textContent).toContain('(no DAG is scheduled on it)');
  expect(screen.queryByTestId('asset-schedule')).toBeNull();
});

it('shows nothing for a DAG that neither waits on nor updates an asset', () => {
  const { container } = render(
    <Providers>
      <AssetLinks format={(iso) => iso ?? '—'} dag={dag({})} />
    </Providers>,
  );
  expect(container.textContent).toBe('');
});
