import { describe, expect, it } from 'vitest';
import { ApiError } from '@sluice/client';
import { assetDetail, dagDetail, fakeClient, runWith } from './testing';

describe('sluice assets', () => {
  it('lists assets with their producers, consumers and last event, following every page', async () => {
    const { client, calls } = fakeClient({
      listAssets: async (q) =>
        q?.cursor === undefined
          ? {
              items: [(await fakeClient().client.listAssets()).items[0]].flatMap((a) => (a ? [a] : [])),
              nextCursor: 'next',
            }
          : { items: [], nextCursor: null },
    });
    const r = await runWith(['assets', 'list', '--prefix', 's3://lake/'], { client });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^URI\s+UPDATED BY\s+WAITED ON BY\s+LAST EVENT$/);
    expect(lines[1]).toMatch(
      /^s3:\/\/lake\/events\/\s+events_hourly\.load\s+events_daily\s+.+ events_hourly\.load \(run scheduled__2026-12-07T23:00:00\.000Z, try 1\)$/,
    );
    expect(calls).toEqual([
      { method: 'listAssets', args: [{ limit: 500, prefix: 's3://lake/' }] },
      { method: 'listAssets', args: [{ limit: 500, cursor: 'next', prefix: 's3://lake/' }] },
    ]);
  });

  it('shows an asset with who updates it, who waits on it and its events with what they triggered', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['assets', 'show', 's3://lake/events/', '--events', '10'], { client });
    expect(r.code).toBe(0);
    expect(calls).toEqual([{ method: 'getAsset', args: ['s3://lake/events/', { limit: 10 }] }]);
    expect(r.stdout).toContain('updated by:   events_hourly.load');
    expect(r.stdout).toContain('waited on by: events_daily (2 queued)');
    expect(r.stdout).toMatch(/\{"partition":"2026-12-07","rows":1200\}\s+events_daily\/asset_triggered__/);
    expect(r.stdout).toMatch(/by bob\s+\{\}\s+-/);
    const asJson = await runWith(['assets', 'show', 's3://lake/events/', '--json']);
    expect(JSON.parse(asJson.stdout)).toEqual(assetDetail());
  });

  it('posts an event with its extra and says which DAGs it was queued for', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['assets', 'event', 's3://lake/late/', '--extra', '{"dates":["2026-12-01"]}'], { client });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'recorded event 5f0c3a52-0000-4000-8000-000000000001 on s3://lake/late/: queued for late_data_correction\n',
    );
    expect(calls).toEqual([
      { method: 'postAssetEvent', args: [{ uri: 's3://lake/late/', extra: { dates: ['2026-12-01'] } }] },
    ]);
  });

  it('refuses a URI that cannot name an asset and an --extra that is not a JSON object, before any request', async () => {
    const { client, calls } = fakeClient();
    const noScheme = await runWith(['assets', 'event', 'lake/late'], { client });
    expect(noScheme.code).toBe(2);
    expect(noScheme.stderr).toContain('the asset URI needs a scheme');
    const notJson = await runWith(['assets', 'event', 's3://lake/late/', '--extra', '{oops'], { client });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('--extra is not valid JSON');
    const array = await runWith(['assets', 'event', 's3://lake/late/', '--extra', '[1]'], { client });
    expect(array.stderr).toContain('--extra must be a JSON object');
    const badCount = await runWith(['assets', 'show', 's3://lake/', '--events', '0'], { client });
    expect(badCount.code).toBe(2);
    expect(calls).toEqual([]);
  });

  it('an unknown asset exits 1 with the API message', async () => {
    const { client } = fakeClient({
      getAsset: async () => {
        throw new ApiError(404, 'not_found', 'Asset "s3://nowhere/" does not exist');
      },
    });
    const r = await runWith(['assets', 'show', 's3://nowhere/'], { client });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: Asset "s3://nowhere/" does not exist\n');
  });
});

describe('sluice dags show: what a DAG waits on and feeds', () => {
  it('lists the assets it waits for with what arrived, what it feeds, and the DAGs it triggers or is waited on by', async () => {
    const { client } = fakeClient({
      getDag: async () => dagDetail({ dagId: 'events_daily' }),
      getDagLinks: async (dagId) => ({
        dagId,
        assetSchedule: {
          condition: 's3://lake/events/ and s3://lake/users/',
          spec: { kind: 'all', assets: ['s3://lake/events/', 's3://lake/users/'] },
          ready: false,
          reason: 'waiting for s3://lake/users/ (1 of 2 updated)',
          assets: [
            { uri: 's3://lake/events/', queuedEvents: 2, lastQueuedAt: '2026-12-08T00:05:00.000Z' },
            { uri: 's3://lake/users/', queuedEvents: 0, lastQueuedAt: null },
          ],
          cron: '@daily',
        },
        outlets: [{ taskId: 'aggregate', uri: 's3://lake/daily/' }],
        fedBy: [{ uri: 's3://lake/events/', dagId: 'events_hourly', taskId: 'load' }],
        feeds: [{ uri: 's3://lake/daily/', dagId: 'report', taskId: 'aggregate' }],
        linksTo: [{ taskId: 'kick', kind: 'sluice.triggerDag', dagId: 'export' }],
        linkedFrom: [{ dagId: 'audit', taskId: 'wait', kind: 'sluice.dagRunSensor' }],
      }),
    });
    const r = await runWith(['dags', 'show', 'events_daily'], { client });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('waits for assets: s3://lake/events/ and s3://lake/users/ (and runs on @daily)\n');
    expect(r.stdout).toContain('  waiting for s3://lake/users/ (1 of 2 updated)\n');
    expect(r.stdout).toMatch(/ {2}s3:\/\/lake\/events\/: 2 events queued, last .+; updated by events_hourly\.load\n/);
    expect(r.stdout).toContain('  s3://lake/users/: 0 events queued; updated by nothing in Sluice (post events)\n');
    expect(r.stdout).toContain('feeds assets:\n  s3://lake/daily/ (task aggregate) → report\n');
    expect(r.stdout).toContain('DAGs it triggers or waits on:\n  task kick triggers export\n');
    expect(r.stdout).toContain('DAGs that trigger or wait on it:\n  audit.wait waits on it\n');
  });

  it('adds nothing for a DAG linked to no asset or DAG', async () => {
    const plain = await runWith(['dags', 'show', 'etl']);
    expect(plain.stdout).not.toMatch(/waits for|feeds|triggers/);
  });
});
