/** The Assets pages against a real HTTP server: the list and its filter, one asset, and recording an event. */
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import type { AssetDetail, AssetList, Me } from '@sluice/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer } from '../test/api-server';
import { AssetPage } from './AssetPage';
import { AssetsPage } from './AssetsPage';
import { parseExtra } from './RecordEventForm';

let server: ApiServer;

beforeEach(async () => {
  server = await startApiServer();
});

afterEach(async () => {
  await server.close();
});

const URI = 's3://lake/events/';
const ENCODED = encodeURIComponent(URI);

function list(): AssetList {
  return {
    items: [
      {
        uri: URI,
        createdAt: '2026-12-01T00:00:00.000Z',
        producers: [{ dagId: 'ingest', taskId: 'load' }],
        consumers: ['report'],
        lastEvent: {
          id: 'e1',
          uri: URI,
          extra: {},
          source: { kind: 'external', actor: 'alice' },
          createdAt: '2026-12-02T08:00:00.000Z',
        },
      },
      { uri: 's3://lake/users/', createdAt: '2026-12-01T00:00:00.000Z', producers: [], consumers: [], lastEvent: null },
    ],
    nextCursor: null,
  };
}

function detail(): AssetDetail {
  return {
    uri: URI,
    createdAt: '2026-12-01T00:00:00.000Z',
    producers: [{ dagId: 'ingest', taskId: 'load' }],
    consumers: [{ dagId: 'report', queuedEvents: 1 }],
    events: [
      {
        id: 'e2',
        uri: URI,
        extra: { partition: '2026-12-02' },
        source: { kind: 'task', dagId: 'ingest', runId: 'manual__1', taskId: 'load', tryNumber: 1 },
        createdAt: '2026-12-02T09:00:00.000Z',
        triggeredRuns: [{ dagId: 'report', runId: 'asset_triggered__1' }],
      },
      {
        id: 'e1',
        uri: URI,
        extra: {},
        source: { kind: 'external', actor: 'alice' },
        createdAt: '2026-12-02T08:00:00.000Z',
        triggeredRuns: [],
      },
    ],
    nextCursor: null,
  };
}

function showAsset(role: Me['role'] = 'admin') {
  server.on('GET', `/assets/${ENCODED}`, { body: detail() });
  const me: Me = { username: 'u', role, teams: [], via: 'session', csrfToken: 'x' };
  render(
    <Providers path={`/assets/${ENCODED}`} me={me}>
      <Routes>
        <Route path="/assets/:uri" element={<AssetPage />} />
      </Routes>
    </Providers>,
  );
  return userEvent.setup();
}

describe('the asset list', () => {
  it('lists each asset with its last event, the tasks that update it and the DAGs it triggers, and filters by URI', async () => {
    server.on('GET', '/assets', { body: list() });
    render(
      <Providers path="/assets">
        <Routes>
          <Route path="/assets" element={<AssetsPage />} />
        </Routes>
      </Providers>,
    );
    const row = await screen.findByTestId(`asset-row-${URI}`);
    expect(within(row).getByRole('link', { name: URI }).getAttribute('href')).toBe(`/assets/${ENCODED}`);
    expect(row.textContent).toContain('ingest · load');
    expect(within(row).getByRole('link', { name: 'report' }).getAttribute('href')).toBe('/dags/report');
    expect(screen.getByTestId('asset-row-s3://lake/users/').textContent).toContain('never');
    const user = userEvent.setup();
    await user.type(screen.getByTestId('asset-filter'), 'users{Enter}');
    expect(screen.queryByTestId(`asset-row-${URI}`)).toBeNull();
    expect(screen.getByTestId('asset-count').textContent).toContain('1 of 2 assets');
  });
});

describe('an asset', () => {
  it('shows its producers, its consumers with what they have waiting, and its events with source and triggered runs', async () => {
    showAsset('viewer');
    expect((await screen.findByTestId('asset-producers')).textContent).toContain('ingest · load');
    expect(screen.getByTestId('asset-consumers').textContent).toContain('report 1 event not in a run yet');
    const fromTask = screen.getByTestId('event-source-e2');
    expect(within(fromTask).getByRole('link', { name: 'load in manual__1' }).getAttribute('href')).toBe(
      '/dags/ingest/runs/manual__1?task=load',
    );
    expect(screen.getByTestId('asset-event-e2').textContent).toContain('{"partition":"2026-12-02"}');
    expect(screen.getByTestId('event-run-report').getAttribute('href')).toBe('/dags/report/runs/asset_triggered__1');
    expect(screen.getByTestId('event-source-e1').textContent).toBe('posted by alice');
  });

  it('offers no way to record an event to a viewer', async () => {
    showAsset('viewer');
    await screen.findByTestId('asset-producers');
    expect(screen.queryByTestId('record-event-form')).toBeNull();
  });

  it('records an event as an operator with the URI fixed and the metadata parsed', async () => {
    server.on('POST', '/assets/events', {
      status: 201,
      body: { event: { ...detail().events[1], id: 'e3' }, queuedFor: ['report'] },
    });
    const user = showAsset('operator');
    await user.type(await screen.findByTestId('record-event-extra'), '{{"rows": 12}');
    await user.click(screen.getByTestId('record-event-submit'));
    expect((await screen.findByTestId('record-event-done')).textContent).toBe('Recorded; queued for report.');
    const posted = server.requests.filter((r) => r.method === 'POST').map((r) => r.body);
    expect(posted).toEqual([{ uri: URI, extra: { rows: 12 } }]);
  });

  it('shows bad metadata beside the field and sends nothing, and the API refusing it beside the field too', async () => {
    const user = showAsset('operator');
    await user.type(await screen.findByTestId('record-event-extra'), '[[1]');
    await user.click(screen.getByTestId('record-event-submit'));
    expect(screen.getByTestId('record-event-field-error').textContent).toBe(
      'Must be a JSON object, like {"partition": "2026-12-01"}',
    );
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false);

    server.on('POST', '/assets/events', {
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: 'Invalid body',
          issues: [{ path: 'body.extra', message: 'extra is larger than 64 KiB as JSON' }],
        },
      },
    });
    await user.clear(screen.getByTestId('record-event-extra'));
    await user.type(screen.getByTestId('record-event-extra'), '{{"big": true}');
    await user.click(screen.getByTestId('record-event-submit'));
    await waitFor(() =>
      expect(screen.getByTestId('record-event-field-error').textContent).toBe('extra is larger than 64 KiB as JSON'),
    );
    expect(screen.queryByTestId('record-event-error')).toBeNull();
  });
});

describe('parseExtra', () => {
  it('takes an empty field as no metadata and names what is not JSON', () => {
    expect(parseExtra('  ')).toEqual({ extra: {} });
    expect(parseExtra('{"a":1}')).toEqual({ extra: { a: 1 } });
    expect(parseExtra('null')).toEqual({ error: 'Must be a JSON object, like {"partition": "2026-12-01"}' });
    const bad = parseExtra('{oops');
    expect('error' in bad && bad.error.startsWith('Not JSON: ')).toBe(true);
  });
});
